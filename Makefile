# symmd — the two set-up commands (`make demo`, `make test`) and friends.
SHELL := /bin/bash
SWIFT ?= swift
SYSTEM_PACKAGES := libopenblas-dev libnetcdf-dev libfftw3-dev libopenmpi-dev openmpi-bin pkg-config python3-venv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export OPENBLAS_NUM_THREADS ?= 1
DEMO_THREADS ?= 2
# The interoperability test's Python environment (git-ignored) and what it needs from PyPI.
VENV := .venv
PY_PACKAGES := MDAnalysis netCDF4 ase mdtraj kimpy MDAnalysisTests dpdata
INTEROP_OUT := out/interop
# The KIM seam (LAMMPS, ASE): Debian packages, the self-contained C library (Swift runtime linked
# statically, its own build folder) and the portable models `make kim` installs.
KIM_PACKAGES := libkim-api-dev lammps openmpi-bin cmake xxd g++ make
KIM_BUILD := .build-kim
KIM_BIN := $(KIM_BUILD)/release
KIM_CHECK_OUT := out/kim-check
MPI_CHECK_OUT := out/mpi-check

.PHONY: deps kim-deps demo test interop mpi-check venv build release bench deepmd-anchor examples validate-lj-liquid cu-md cu-eos clean kim kim-lib kim-check

## deps: install the Debian system libraries when any is missing (quiet when all are present)
deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

## kim-deps: the KIM API, LAMMPS (KIM package), OpenMPI, cmake, xxd (quiet when all are present)
kim-deps:
	@$(MAKE) --no-print-directory deps SYSTEM_PACKAGES="$(KIM_PACKAGES)"

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## test: everything the tests need, then the whole suite, then the Python interoperability and KIM checks
test: deps kim-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --disable-xctest
	@$(MAKE) --no-print-directory interop
	@$(MAKE) --no-print-directory mpi-check
	@$(MAKE) --no-print-directory kim-check

## kim-lib: libSymmdC.so (the C API) and a symmd executable with the Swift runtime linked in, release
kim-lib: deps kim-deps
	$(SWIFT) build -c release --product SymmdC --scratch-path $(KIM_BUILD) -Xswiftc -static-stdlib
	$(SWIFT) build -c release --product symmd --scratch-path $(KIM_BUILD) -Xswiftc -static-stdlib

## kim: the KIM model driver and a portable model for every potentials/*.sdp (potentials/cu-emt-se.sdp →
## symmd_cu_emt_se), in the KIM user collection
kim: kim-lib
	@rm -rf out/kim && mkdir -p out/kim && dirs="" && \
	for f in potentials/*.sdp; do \
	  name="symmd_$$(basename "$$f" .sdp | tr -c 'A-Za-z0-9\n' '_')"; \
	  $(KIM_BIN)/symmd kim export "$$f" --name "$$name" --out "out/kim/$$name" || exit 1; \
	  dirs="$$dirs out/kim/$$name"; done && \
	scripts/kim-install.sh $(KIM_BIN)/libSymmdC.so $$dirs
	@echo
	@echo "LAMMPS:  mkdir -p out/lammps && cd out/lammps && lmp -in ../../examples/lammps/in.cu-kim   (1 rank)"
	@echo "         mpirun.openmpi -np 2 lmp -in ../../examples/lammps/in.cu-kim   (2 ranks; add --allow-run-as-root as root)"
	@echo "ASE:     .venv/bin/python examples/ase/cu_kim.py    (make venv first)"

## kim-check: driver + models in a throw-away KIM user collection (its own KIM_API_CONFIGURATION_FILE, so
## the real one is never touched); LAMMPS (1, 2 ranks) and ASE against symmd eval
kim-check: kim-lib
	@if [ "$$SYMMD_SKIP_INTEROP" = 1 ]; then echo "kim-check: SKIPPED (SYMMD_SKIP_INTEROP=1)"; else \
	  $(MAKE) --no-print-directory venv && \
	  rm -rf $(KIM_CHECK_OUT) && mkdir -p $(KIM_CHECK_OUT) && \
	  c="$$PWD/$(KIM_CHECK_OUT)/collection" && mkdir -p "$$c/drivers" "$$c/models" "$$c/simulator-models" && \
	  printf 'model-drivers-dir = %s\nportable-models-dir = %s\nsimulator-models-dir = %s\n' \
	    "$$c/drivers" "$$c/models" "$$c/simulator-models" > "$$c/kim-api.config" && \
	  export KIM_API_CONFIGURATION_FILE="$$c/kim-api.config" SYMMD_KIM_LIBDIR="$$PWD/$(KIM_CHECK_OUT)/lib" OMP_NUM_THREADS=1 && \
	  $(KIM_BIN)/symmd kim export potentials/cu-emt-se.sdp --name symmd_check_cu --out $(KIM_CHECK_OUT)/symmd_check_cu > /dev/null && \
	  $(KIM_BIN)/symmd fit Tests/kim/fit-small.toml > $(KIM_CHECK_OUT)/fit.log && \
	  $(KIM_BIN)/symmd kim export $(KIM_CHECK_OUT)/fit-small.sdp --name symmd_check_fit --out $(KIM_CHECK_OUT)/symmd_check_fit > /dev/null && \
	  $(KIM_BIN)/symmd kim export potentials/cuau-emt-se.sdp --name symmd_check_cuau --out $(KIM_CHECK_OUT)/symmd_check_cuau > /dev/null && \
	  cp -r $(KIM_CHECK_OUT)/symmd_check_cu $(KIM_CHECK_OUT)/symmd_check_corrupt && \
	  sed -i 's/symmd_check_cu/symmd_check_corrupt/' $(KIM_CHECK_OUT)/symmd_check_corrupt/CMakeLists.txt && \
	  python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[len(b)//2]^=255; open(p,'wb').write(b)" \
	    $(KIM_CHECK_OUT)/symmd_check_corrupt/model.sdp && \
	  scripts/kim-install.sh $(KIM_BIN)/libSymmdC.so $(KIM_CHECK_OUT)/symmd_check_cu $(KIM_CHECK_OUT)/symmd_check_corrupt \
	    $(KIM_CHECK_OUT)/symmd_check_fit $(KIM_CHECK_OUT)/symmd_check_cuau \
	    > $(KIM_CHECK_OUT)/install.log 2>&1 || { cat $(KIM_CHECK_OUT)/install.log; exit 1; } ; \
	  echo "kim-check: driver and models installed into $(KIM_CHECK_OUT)/collection" && \
	  cc -std=c99 -O2 -Wall -Wextra -Werror -I Sources/CSymmdAPI/include examples/c/cell_energy.c \
	    -L $(KIM_BIN) -lSymmdC -Wl,-rpath,$$PWD/$(KIM_BIN) -o $(KIM_CHECK_OUT)/cell_energy && \
	  $(VENV)/bin/python Tests/kim/check_kim.py $(KIM_BIN)/symmd potentials/cu-emt-se.sdp symmd_check_cu \
	    $(KIM_CHECK_OUT)/work --corrupt symmd_check_corrupt --fresh $(KIM_CHECK_OUT)/fit-small.sdp symmd_check_fit \
	    --alloy potentials/cuau-emt-se.sdp symmd_check_cuau \
	    --c-example $(KIM_CHECK_OUT)/cell_energy --library $(KIM_BIN)/libSymmdC.so; \
	fi

## mpi-check: data-parallel fit, test and model devi under Debian's OpenMPI (mpirun.openmpi, 2 ranks, debug build):
## 2 ranks × batch 1 = 1 rank × batch 2, SIGTERM stop + restart exact, a killed rank, MPICH's launcher refused
mpi-check: deps
	@if [ "$$SYMMD_SKIP_INTEROP" = 1 ]; then echo "mpi-check: SKIPPED (SYMMD_SKIP_INTEROP=1)"; else \
	  $(MAKE) --no-print-directory venv && \
	  bin="$$($(SWIFT) build --show-bin-path)" && \
	  $(VENV)/bin/python Tests/mpi/check_mpi.py "$$bin/symmd" $(MPI_CHECK_OUT); \
	fi

## venv: the git-ignored virtual environment with MDAnalysis, netCDF4, ASE, mdtraj, kimpy, MDAnalysisTests (its files) and dpdata (pip only when one is missing)
venv: kim-deps
	@[ -x $(VENV)/bin/python ] || python3 -m venv $(VENV)
	@$(VENV)/bin/python -c "import MDAnalysis, netCDF4, ase, mdtraj, kimpy, MDAnalysisTests, dpdata" 2>/dev/null || { \
	  echo "Installing into $(VENV): $(PY_PACKAGES)"; \
	  $(VENV)/bin/pip install -q --disable-pip-version-check $(PY_PACKAGES) || { \
	    echo "error: pip install $(PY_PACKAGES) into $(VENV) failed (is PyPI reachable?); set SYMMD_SKIP_INTEROP=1 to skip the interoperability test" >&2; exit 1; }; }

## interop: a short symmd run (debug build) read by netCDF4, MDAnalysis, ASE, mdtraj and LAMMPS (NetCDF, dump); g(r) against MDAnalysis InterRDF; clean stops of run and fit by SIGTERM/SIGINT/walltime; seeded mutation fuzzing of every reader and deck parser
interop:
	@if [ "$$SYMMD_SKIP_INTEROP" = 1 ]; then echo "interop: SKIPPED (SYMMD_SKIP_INTEROP=1)"; else \
	  $(MAKE) --no-print-directory venv && \
	  bin="$$($(SWIFT) build --show-bin-path)" && rm -rf $(INTEROP_OUT) && \
	  echo "interop: symmd run Tests/interop/cu-small.toml → $(INTEROP_OUT)" && \
	  "$$bin/symmd" run Tests/interop/cu-small.toml > /dev/null && \
	  "$$bin/symmd" analyze rdf $(INTEROP_OUT)/traj.nc --bins 100 --frames 1: --out $(INTEROP_OUT)/rdf && \
	  $(VENV)/bin/python Tests/interop/check_netcdf.py $(INTEROP_OUT) $(INTEROP_OUT)/rdf 100 && \
	  $(VENV)/bin/python Tests/interop/check_others.py "$$bin/symmd" $(INTEROP_OUT)/others && \
	  "$$bin/symmd" run Tests/interop/lj-npt-small.toml > /dev/null && \
	  "$$bin/symmd" analyze rdf $(INTEROP_OUT)/npt/traj.nc --bins 75 --frames 10: --out $(INTEROP_OUT)/npt/rdf > /dev/null && \
	  $(VENV)/bin/python Tests/interop/check_rdf_npt.py $(INTEROP_OUT)/npt/traj.nc $(INTEROP_OUT)/npt/rdf 75 && \
	  $(VENV)/bin/python Tests/interop/check_stops.py "$$bin/symmd" && \
	  $(VENV)/bin/python Tests/interop/fuzz.py "$$bin/symmd" $(INTEROP_OUT)/fuzz --per-kind 40; \
	fi

## demo: release build, then the MD quickstart deck and the two-layer network example
demo: release
	@mkdir -p out
	@echo "== The flagship: 108 Cu atoms at 800 K with the fitted deep potential (potentials/cu-emt-se.sdp)"
	$(SWIFT) run -c release --skip-build symmd run examples/cu-md.toml --threads $(DEMO_THREADS)
	@echo
	$(SWIFT) run -c release --skip-build symmd analyze rdf out/cu-md/traj.nc --bins 100 --frames 21: --out out/cu-md/rdf \
	  --reference examples/reference/cu-emt-rdf-800K.csv --reference-label "EMT (ASE), same conditions"
	@echo
	@echo "== g(r) against ASE's EMT at the same conditions (examples/reference/cu-emt-rdf-800K.csv)"
	-python3 examples/compare-rdf.py out/cu-md/rdf.csv
	@echo
	@echo "Outputs: out/cu-md/traj.nc (AMBER NetCDF trajectory, velocities; traj.pdb beside it for VMD/cpptraj)"
	@echo "         out/cu-md/thermo.csv (step,time,temperature,potential_energy,…,sel_overflow)"
	@echo "         out/cu-md/rdf.csv and out/cu-md/rdf.svg (g(r), open the SVG in a browser)"
	@echo "More: make examples (network demos), examples/README.md, README.md"

## bench: release benchmarks against the anchors (PyTorch, LAMMPS) found on this machine
bench: release
	$(SWIFT) run -c release --skip-build symmd-bench --json BENCHMARKS.json

## deepmd-anchor: frozen DeePMD-kit models (uncompressed and compressed) and boxes for the deep-infer anchor
deepmd-anchor:
	scripts/deepmd-anchor.sh

## examples: every network example in turn (several minutes)
examples: release
	$(SWIFT) run -c release --skip-build two-layer
	$(SWIFT) run -c release --skip-build dying-relu
	$(SWIFT) run -c release --skip-build lenet-digits
	$(SWIFT) run -c release --skip-build resnet-depth
	$(SWIFT) run -c release --skip-build sequence-memory
	$(SWIFT) run -c release --skip-build seq2seq
	$(SWIFT) run -c release --skip-build deep-sets
	$(SWIFT) run -c release --skip-build symmetry-effect

## validate-lj-liquid: the LJ-liquid state point against LAMMPS (PE/atom, pressure, g(r) bin by bin)
validate-lj-liquid: release
	$(SWIFT) run -c release --skip-build symmd run examples/lj-liquid.toml
	$(SWIFT) run -c release --skip-build symmd analyze rdf out/lj-liquid/traj.nc --rmax 4 --bins 100 --frames 51: --out out/lj-liquid/rdf
	python3 examples/validate-lj-liquid.py out/lj-liquid

## cu-md: 108 Cu atoms at 800 K with the fitted potential, g(r) against EMT's (examples/reference)
cu-md: release
	$(SWIFT) run -c release --skip-build symmd run examples/cu-md.toml
	$(SWIFT) run -c release --skip-build symmd analyze rdf out/cu-md/traj.nc --bins 100 --frames 21: --out out/cu-md/rdf \
	  --reference examples/reference/cu-emt-rdf-800K.csv --reference-label "EMT (ASE), same conditions"
	python3 examples/compare-rdf.py out/cu-md/rdf.csv

## cu-eos: fcc Cu equation of state and vacancy formation energy with the fitted potential beside EMT's
cu-eos: release
	$(SWIFT) run -c release --skip-build cu-eos

clean:
	rm -rf .build out $(VENV)
