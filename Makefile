# symmd — the two set-up commands (`make demo`, `make test`) and friends.
SHELL := /bin/bash
SWIFT ?= swift
SYSTEM_PACKAGES := libopenblas-dev libnetcdf-dev libfftw3-dev pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: deps demo test build release bench deepmd-anchor examples validate-lj-liquid clean

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

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## test: everything the tests need, then the whole suite
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --disable-xctest

## demo: release build, then the MD quickstart deck and the two-layer network example
demo: release
	@mkdir -p out
	$(SWIFT) run -c release --skip-build symmd run examples/quickstart.toml
	@echo
	$(SWIFT) run -c release --skip-build two-layer --out out/two-layer
	@echo
	@echo "Outputs: out/quickstart/ (thermo.csv: step,time,temperature,…; traj.extxyz: frames every 200 steps; run.ckpt: checkpoint)"
	@echo "         out/two-layer/ (rmse.csv: error per width; fit-1d.csv: target and fits)"

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

## validate-lj-liquid: the LJ-liquid state point against LAMMPS (PE/atom, pressure, g(r) bin by bin)
validate-lj-liquid: release
	$(SWIFT) run -c release --skip-build symmd run examples/lj-liquid.toml
	$(SWIFT) run -c release --skip-build symmd analyze rdf out/lj-liquid/traj.extxyz --rmax 4 --bins 100 --frames 51: --out out/lj-liquid/rdf
	python3 examples/validate-lj-liquid.py out/lj-liquid

clean:
	rm -rf .build out
