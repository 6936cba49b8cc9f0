#!/usr/bin/env python3
"""symmd potentials inside LAMMPS (1 and 2 MPI ranks, newton on and off) and ASE, through KIM
(run by `make test` as `make kim-check`).

Usage: check_kim.py SYMMD_BINARY MODEL KIM_NAME WORKDIR [--corrupt NAME] [--fresh MODEL2 NAME2]
                    [--alloy CUAU_MODEL NAME3]

The portable model KIM_NAME (made from MODEL by `symmd kim export`) and the symmd driver must be
installed where the KIM API finds them (the Makefile installs both into a throw-away user collection
named by KIM_API_CONFIGURATION_FILE, which is forwarded to every MPI rank). Each structure is written
twice at full precision, as extxyz for `symmd eval --json` (the reference) and as a LAMMPS data
file; LAMMPS's energy, per-atom energies, forces and pressure tensor, and ASE's KIM calculator's
energy, forces and stress, must equal the reference. Then the refusals: an element the model lacks,
`kim init … real`, and (--corrupt) an installed model whose file was damaged. With --fresh, a
second installed model (a freshly fitted one) goes through the same LAMMPS and ASE comparison; with
--alloy, a two-species model on a random Cu–Au cell whose LAMMPS types are in the other order. Prints one PASS/FAIL line per check, exits 1 on a failure. With SYMMD_KIM_CHECK_CELLS=K set, only
the LAMMPS comparison on one K×K×K-cell (4K³-atom) cubic box runs.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("symmd")
parser.add_argument("model")
parser.add_argument("kim_name")
parser.add_argument("workdir")
parser.add_argument("--corrupt", help="an installed portable model whose model.sdp is damaged")
parser.add_argument("--c-example", help="examples/c/cell_energy.c built against libSymmdC.so")
parser.add_argument("--library", help="the libSymmdC.so under test (its dependencies are checked)")
parser.add_argument("--alloy", nargs=2, metavar=("MODEL", "NAME"), help="an installed two-species Cu–Au model")
parser.add_argument("--fresh", nargs=2, metavar=("MODEL", "NAME"), help="a freshly fitted model and its KIM name")
args = parser.parse_args()
symmd, model, kim_name, workdir = args.symmd, args.model, args.kim_name, args.workdir
os.makedirs(workdir, exist_ok=True)
NKTV2P = 1.6021765e6            # LAMMPS metal: eV/Å³ → bar (its own constant)
MPIRUN = shutil.which("mpirun.openmpi") or "mpirun.openmpi"
results = []


def check(name, ok, detail=""):
    results.append((name, bool(ok)))
    print(f"{'PASS' if ok else 'FAIL'}  {name}" + (f"  ({detail})" if detail else ""), flush=True)


def structure(seed, cells, a=3.60, triclinic=False):
    """A distorted fcc copper cell (rows of `cell` are the vectors, Å); positions inside the cell."""
    rng = np.random.default_rng(seed)
    basis = np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]])
    frac = np.array([(b + [i, j, k]) / cells for i in range(cells[0]) for j in range(cells[1])
                     for k in range(cells[2]) for b in basis])
    cell = np.diag(np.array(cells, float) * a)
    if triclinic:                      # LAMMPS's restricted triclinic form: a along x, b in xy
        cell[1, 0] = 0.07 * cell[1, 1]
        cell[2, 0] = -0.05 * cell[2, 2]
        cell[2, 1] = 0.04 * cell[2, 2]
    frac = (frac + rng.uniform(-0.13, 0.13, frac.shape) / (np.array(cells) * a)) % 1.0   # ±0.13 Å
    return frac @ cell, cell


def write_extxyz(path, pos, cell, species=None):
    lattice = " ".join(f"{x:.17g}" for x in cell.reshape(-1))
    species = species or ["Cu"] * len(pos)
    with open(path, "w") as f:
        f.write(f"{len(pos)}\nLattice=\"{lattice}\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\n")
        for e, p in zip(species, pos):
            f.write(f"{e} " + " ".join(f"{x:.17g}" for x in p) + "\n")


MASSES = {"Cu": 63.546, "Au": 196.96657}


def write_data(path, pos, cell, species=None, elements=("Cu",)):
    """LAMMPS data; atom type k+1 is elements[k] (the order given to `kim interactions`)."""
    species = species or ["Cu"] * len(pos)
    with open(path, "w") as f:
        f.write(f"symmd check_kim\n\n{len(pos)} atoms\n{len(elements)} atom types\n\n")
        f.write(f"0 {cell[0, 0]:.17g} xlo xhi\n0 {cell[1, 1]:.17g} ylo yhi\n0 {cell[2, 2]:.17g} zlo zhi\n")
        if cell[1, 0] or cell[2, 0] or cell[2, 1]:
            f.write(f"{cell[1, 0]:.17g} {cell[2, 0]:.17g} {cell[2, 1]:.17g} xy xz yz\n")
        f.write("\nMasses\n\n" + "".join(f"{k + 1} {MASSES[e]}\n" for k, e in enumerate(elements)))
        f.write("\nAtoms # atomic\n\n")
        for i, (e, p) in enumerate(zip(species, pos)):
            f.write(f"{i + 1} {elements.index(e) + 1} " + " ".join(f"{x:.17g}" for x in p) + "\n")


def symmd_eval(xyz, model_file=None, precision="float64"):
    out = subprocess.run([symmd, "eval", "--model", model_file or model, "--structure", xyz, "--json", "--precision", precision],
                         capture_output=True, text=True, check=True)
    r = json.loads(out.stdout)
    return r["energy"], np.array(r["forces"]), np.array(r["virial"]).reshape(3, 3)


LAMMPS_INPUT = """
kim init {name} metal
newton {newton}
boundary p p p
read_data {data}
kim interactions {elements}
neighbor 1.0 bin
compute pe all pe
compute peatom all pe/atom
compute pesum all reduce sum c_peatom
compute satom all stress/atom NULL virial
compute ssum all reduce sum c_satom[1] c_satom[2] c_satom[3] c_satom[4] c_satom[5] c_satom[6]
thermo_style custom step pe c_pesum press pxx pyy pzz pxy pxz pyz vol c_ssum[1] c_ssum[2] c_ssum[3] c_ssum[4] c_ssum[5] c_ssum[6]
thermo_modify format float %.17g
dump f all custom 1 {dump} id fx fy fz
dump_modify f format float %.17g sort id
run 0
"""


def run_lammps(tag, data, ranks, newton, name=None, extra="", elements="Cu", env=None):
    """Runs LAMMPS in a folder of its own; returns (returncode, log text, thermo dict, forces)."""
    d = os.path.join(workdir, tag)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "in.lmp"), "w") as f:
        f.write(extra or LAMMPS_INPUT.format(name=name or kim_name, newton=newton, data=os.path.abspath(data),
                                            dump="forces.dump", elements=elements))
    cmd = ["lmp", "-in", "in.lmp", "-log", "log.lammps", "-screen", "none"]
    if ranks > 1:
        cmd = [MPIRUN, "--allow-run-as-root", "--oversubscribe", "-np", str(ranks),
               "-x", "KIM_API_CONFIGURATION_FILE", "-x", "OMP_NUM_THREADS", "-x", "SYMMD_COMPRESS", "-x", "SYMMD_PRECISION"] + cmd
    p = subprocess.run(cmd, cwd=d, capture_output=True, text=True, timeout=600,
                       env=dict(os.environ, **(env or {"SYMMD_COMPRESS": "0"})))
    log = open(os.path.join(d, "log.lammps")).read() if os.path.exists(os.path.join(d, "log.lammps")) else ""
    thermo, forces = None, None
    lines = log.splitlines()
    for k, line in enumerate(lines):
        if line.split()[:2] == ["Step", "PotEng"]:
            thermo = dict(zip(line.split(), map(float, lines[k + 1].split())))
    dump = os.path.join(d, "forces.dump")
    if os.path.exists(dump):
        rows = open(dump).read().split("ITEM: ATOMS id fx fy fz\n")[1].split("\n")
        forces = np.array([list(map(float, r.split()[1:])) for r in rows if r.strip()])
    return p.returncode, log + p.stdout + p.stderr, thermo, forces


def compare_lammps(label, data, reference, volume, ranks, newton, name=None, elements="Cu"):
    e_ref, f_ref, w_ref = reference
    name = name or kim_name
    code, log, th, f = run_lammps(f"{name}-{label}-{ranks}r-newton-{newton}", data, ranks, newton, name=name,
                                  elements=elements)
    tag = f"LAMMPS {name} {label}, {ranks} rank{'s' if ranks > 1 else ''}, newton {newton}"
    if code != 0 or th is None or f is None:
        check(f"{tag}: ran", False, log[-800:])
        return
    grid = next((l.split() for l in log.splitlines() if l.strip().endswith("MPI processor grid")), [])
    size = int(grid[0]) * int(grid[2]) * int(grid[4]) if len(grid) >= 5 else 0
    check(f"{tag}: the ranks see each other (LAMMPS's processor grid has {ranks} rank{'s' if ranks > 1 else ''})",
          size == ranks, " ".join(grid))
    de = abs(th["PotEng"] - e_ref) / abs(e_ref)
    check(f"{tag}: energy equals symmd eval to 1e-10 relative", de <= 1e-10, f"{th['PotEng']:.12f} vs {e_ref:.12f} eV, rel {de:.1e}")
    check(f"{tag}: per-atom energies sum to the energy", abs(th["c_pesum"] - e_ref) <= 1e-9 * abs(e_ref),
          f"Σ pe/atom {th['c_pesum']:.12f}")
    df = np.abs(f - f_ref).max()
    check(f"{tag}: forces equal symmd eval to 1e-9 eV/Å", df <= 1e-9, f"max |ΔF| {df:.1e} eV/Å")
    p_ref = {"Pxx": w_ref[0, 0], "Pyy": w_ref[1, 1], "Pzz": w_ref[2, 2], "Pxy": w_ref[0, 1], "Pxz": w_ref[0, 2], "Pyz": w_ref[1, 2]}
    dp = max(abs(th[k] - v / volume * NKTV2P) for k, v in p_ref.items())
    press_ref = np.trace(w_ref) / 3 / volume * NKTV2P
    check(f"{tag}: pressure tensor equals symmd eval's virial/V", dp <= 1e-6 * max(1, abs(press_ref)),
          f"press {th['Press']:.6f} vs {press_ref:.6f} bar, max |ΔP_ab| {dp:.1e} bar")
    # compute stress/atom (from the model's per-atom virials) is −(per-atom pressure)·volume: Σ S_ab = −W_ab,
    # in LAMMPS's order xx, yy, zz, xy, xz, yz.
    order = [(0, 0), (1, 1), (2, 2), (0, 1), (0, 2), (1, 2)]
    ds = max(abs(th[f"c_ssum[{k + 1}]"] + w_ref[a, b] * NKTV2P) for k, (a, b) in enumerate(order))
    check(f"{tag}: per-atom virials sum to the virial", ds <= 1e-6 * NKTV2P * max(1, np.abs(w_ref).max()), f"max dev {ds:.1e} bar·Å³")


def lammps_checks(big=None, name=None, model_file=None, newtons=("on", "off")):
    cases = (("cubic", (3, 3, 3), False), ("triclinic", (3, 3, 4), True))
    if big:
        cases = ((f"cubic-{4 * big ** 3}", (big, big, big), False),)
    for label, cells, tri in cases:
        pos, cell = structure(11 if tri else 7, cells, triclinic=tri)
        xyz, data = os.path.join(workdir, f"{label}.extxyz"), os.path.join(workdir, f"{label}.data")
        write_extxyz(xyz, pos, cell)
        write_data(data, pos, cell)
        reference = symmd_eval(xyz, model_file)
        volume = abs(np.linalg.det(cell))
        for ranks in (1, 2):
            for newton in newtons:
                compare_lammps(label, data, reference, volume, ranks, newton, name)


def compress_check():
    """SYMMD_COMPRESS=1: the driver tabulates the embedding nets (DeePMD-kit's compression). Forces
    move at the 1e-7 level, not more, and not zero (the tables are really in use)."""
    pos, cell = structure(7, (3, 3, 3))
    xyz, data = os.path.join(workdir, "cubic.extxyz"), os.path.join(workdir, "cubic.data")
    e_ref, f_ref, _ = symmd_eval(xyz)
    for ranks in (1, 2):
        code, log, th, f = run_lammps(f"compress-{ranks}r", data, ranks, "on", env={"SYMMD_COMPRESS": "1"})
        tag = f"LAMMPS SYMMD_COMPRESS=1, {ranks} rank{'s' if ranks > 1 else ''}"
        if code != 0 or th is None or f is None:
            check(f"{tag}: ran", False, log[-800:])
            continue
        df = np.abs(f - f_ref).max()
        de = abs(th["PotEng"] - e_ref) / abs(e_ref)
        check(f"{tag}: tabulated nets in use, energy within 1e-6 relative and forces within 1e-5 eV/Å of the exact nets",
              0 < df < 1e-5 and de < 1e-6, f"max |ΔF| {df:.1e} eV/Å, ΔE/E {de:.1e}")


def precision_check():
    """SYMMD_PRECISION=mixed (float32 networks) and float32 (rows too). LAMMPS then agrees with symmd
    eval in the same precision to float32 reordering (KIM's neighbor order is not symmd's), 30× closer
    than to float64, from which it differs by float32 rounding only; an unknown precision fails the
    model's creation with the reason in kim.log. Energies per atom (this box's total is near zero)."""
    pos, cell = structure(7, (3, 3, 3))
    xyz, data = os.path.join(workdir, "cubic.extxyz"), os.path.join(workdir, "cubic.data")
    e64, f64, _ = symmd_eval(xyz)
    reduced = {p: symmd_eval(xyz, precision=p) for p in ("mixed", "float32")}
    for precision, ranks in (("mixed", 1), ("mixed", 2), ("float32", 1)):
        e32, f32, _ = reduced[precision]
        code, log, th, f = run_lammps(f"{precision}-{ranks}r", data, ranks, "on", env={"SYMMD_COMPRESS": "0", "SYMMD_PRECISION": precision})
        tag = f"LAMMPS SYMMD_PRECISION={precision}, {ranks} rank{'s' if ranks > 1 else ''}"
        if code != 0 or th is None or f is None:
            check(f"{tag}: ran", False, log[-800:])
            continue
        n = len(f)
        d32, d64 = np.abs(f - f32).max(), np.abs(f - f64).max()
        de32, de64 = abs(th["PotEng"] - e32) / n, abs(th["PotEng"] - e64) / n
        check(f"{tag}: symmd eval --precision {precision} within float32 reordering (3e-7 eV/Å, 1e-7 eV/atom), float64 within float32 rounding (1e-5 eV/Å, 1e-6 eV/atom)",
              d32 < 3e-7 and de32 < 1e-7 and 0 < d64 < 1e-5 and de64 < 1e-6 and d32 < d64,
              f"against {precision}: max |ΔF| {d32:.1e} eV/Å, |ΔE|/N {de32:.1e} eV; against float64: max |ΔF| {d64:.1e} eV/Å, |ΔE|/N {de64:.1e} eV")
    code, log, th, f = run_lammps("precision-typo", data, 1, "on", env={"SYMMD_COMPRESS": "0", "SYMMD_PRECISION": "half"})
    kimlog = os.path.join(workdir, "precision-typo", "kim.log")
    reason = open(kimlog).read() if os.path.exists(kimlog) else ""
    check("LAMMPS SYMMD_PRECISION=half: the model is not created, kim.log says why",
          code != 0 and "precision 'half'" in reason,
          next((l.split("*")[-1].strip() for l in reason.splitlines() if "precision 'half'" in l), log[-200:])[:200])


def c_api_checks(binary, library):
    """The C API from plain C (examples/c/cell_energy.c): the cell entry equals symmd eval, and the
    library needs nothing of the Swift toolchain at run time."""
    if library:
        deps = subprocess.run(["ldd", library], capture_output=True, text=True).stdout
        swift = [l.split()[0] for l in deps.splitlines() if "swift" in l.lower() or "Foundation" in l or "dispatch" in l]
        check("libSymmdC.so needs no Swift runtime library (ldd)", not swift and "not found" not in deps,
              ", ".join(swift) or f"{len(deps.splitlines())} system libraries")
    for frame, xyz in (("cu-emt valid frame 0", "systems/cu-emt/valid.extxyz"), ("triclinic 144 atoms", os.path.join(workdir, "triclinic.extxyz"))):
        e_ref, f_ref, w_ref = symmd_eval(xyz)
        p = subprocess.run([binary, model, xyz], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
        if p.returncode != 0:
            check(f"C API (cell_energy) {frame}: ran", False, p.stderr.strip())
            continue
        r = json.loads(p.stdout)
        ok = (abs(r["energy"] - e_ref) <= 1e-12 * abs(e_ref) and np.abs(np.array(r["forces"]) - f_ref).max() <= 1e-12
              and np.abs(np.array(r["virial"]).reshape(3, 3) - w_ref).max() <= 1e-10)
        check(f"C API from C (symmd_model_compute_cell, empty environment) {frame}: equals symmd eval", ok,
              f"ΔE {r['energy'] - e_ref:.1e} eV, max |ΔF| {np.abs(np.array(r['forces']) - f_ref).max():.1e} eV/Å")
    p = subprocess.run([binary, model + ".missing", "systems/cu-emt/valid.extxyz"], capture_output=True, text=True)
    check("C API from C: a missing model file is an error with a message, exit 1",
          p.returncode == 1 and ".missing" in p.stderr, p.stderr.strip()[:160])


def convert_data_check():
    """`symmd convert` → LAMMPS data that Debian's LAMMPS (29 Sep 2021) reads (it stops at an `Atom
    Type Labels` section): the same atoms and types, positions to rounding (LAMMPS's triclinic
    conversion), the type names kept as Masses comments."""
    pos, cell = structure(41, (2, 2, 2), a=3.86, triclinic=True)
    rng = np.random.default_rng(41)
    species = list(rng.choice(["Cu", "Au"], size=len(pos)))
    xyz, data = os.path.join(workdir, "convert.extxyz"), os.path.join(workdir, "convert.data")
    write_extxyz(xyz, pos, cell, species)
    if os.path.exists(data):
        os.remove(data)
    subprocess.run([symmd, "convert", xyz, data], check=True, capture_output=True)
    text = f"""
units metal
atom_style atomic
read_data {os.path.abspath(data)}
write_dump all custom dump.out id type x y z modify format float %.17g sort id
"""
    code, log, _, _ = run_lammps("convert-data", data, 1, "on", extra=text)
    dump = os.path.join(workdir, "convert-data", "dump.out")
    if code != 0 or not os.path.exists(dump):
        check("LAMMPS 29 Sep 2021 reads `symmd convert`'s .data", False, log[-400:])
        return
    rows = open(dump).read().split("ITEM: ATOMS id type x y z\n")[1].split("\n")
    got = np.array([list(map(float, r.split()[2:])) for r in rows if r.strip()])
    types = [int(r.split()[1]) for r in rows if r.strip()]
    names = {}
    for line in open(data).read().split("Masses")[1].split("Atoms")[0].splitlines():
        if "#" in line:
            names[int(line.split()[0])] = line.split("#")[1].strip()
    same_species = [names.get(t) for t in types] == species
    check("LAMMPS 29 Sep 2021 reads `symmd convert`'s .data: atoms, types (names in Masses comments), positions to 1e-12 Å",
          len(got) == len(pos) and same_species and np.abs(got - pos).max() < 1e-12,
          f"{len(got)} atoms, max |Δx| {np.abs(got - pos).max() if len(got) == len(pos) else 'n/a'} Å")


def nve_check():
    """A short NVE run in LAMMPS on 2 ranks: the total energy stays put."""
    pos, cell = structure(5, (3, 3, 3))
    data = os.path.join(workdir, "nve.data")
    write_data(data, pos, cell)
    text = f"""
kim init {kim_name} metal
read_data {os.path.abspath(data)}
kim interactions Cu
velocity all create 600 4928459 mom yes rot yes dist gaussian
timestep 0.001
fix 1 all nve
thermo 50
thermo_style custom step temp pe ke etotal
thermo_modify format float %.12g
run 200
"""
    code, log, _, _ = run_lammps("nve-2r", data, 2, "on", extra=text)
    lines = log.splitlines()
    start = next((k for k, l in enumerate(lines) if l.split()[:2] == ["Step", "Temp"]), None)
    if code != 0 or start is None:
        check("LAMMPS NVE 200 steps on 2 ranks: ran", False, log[-800:])
        return
    etot = [float(l.split()[4]) for l in lines[start + 1:start + 6]]
    drift = (max(etot) - min(etot)) / len(pos)
    check("LAMMPS NVE 200 steps (1 fs, 600 K) on 2 ranks: total energy within 1e-4 eV/atom", drift < 1e-4,
          f"spread {drift:.1e} eV/atom")


def refusal_checks():
    pos, cell = structure(7, (3, 3, 3))
    data = os.path.join(workdir, "cubic.data")
    ag = LAMMPS_INPUT.format(name=kim_name, newton="on", data=os.path.abspath(data), dump="f.dump", elements="Ag")
    code, log, _, _ = run_lammps("bad-element", data, 1, "on", extra=ag)
    check("kim interactions Ag: LAMMPS stops with an error naming the species", code != 0 and "ERROR" in log and "Ag" in log,
          next((l for l in log.splitlines() if "ERROR" in l), "no ERROR line"))
    real = LAMMPS_INPUT.format(name=kim_name, newton="on", data=os.path.abspath(data), dump="f.dump",
                               elements="Cu").replace(" metal", " real")
    code, log, _, _ = run_lammps("bad-units", data, 1, "on", extra=real)
    kimlog = os.path.join(workdir, "bad-units", "kim.log")
    klog = open(kimlog).read() if os.path.exists(kimlog) else ""
    check("kim init … real: LAMMPS stops with an error, kim.log says why", code != 0 and "ERROR" in log and "metal" in klog,
          next((l for l in klog.splitlines() if "metal" in l), "kim.log has no reason")[:200])


def corrupt_check(corrupt_name):
    """A portable model whose model.sdp was damaged after installing (installed by the Makefile)."""
    pos, cell = structure(7, (3, 3, 3))
    data = os.path.join(workdir, "cubic.data")
    text = LAMMPS_INPUT.format(name=corrupt_name, newton="on", data=os.path.abspath(data), dump="f.dump", elements="Cu")
    code, log, _, _ = run_lammps("bad-model", data, 1, "on", extra=text)
    kimlog = os.path.join(workdir, "bad-model", "kim.log")
    klog = open(kimlog).read() if os.path.exists(kimlog) else ""
    check("corrupt model file: LAMMPS stops with an error (no crash), kim.log names the problem",
          code not in (0,) and code > 0 and "ERROR" in log and ("checksum" in klog or "truncated" in klog or "corrupt" in klog),
          next((l for l in klog.splitlines() if "symmd" in l), "kim.log has no reason")[:240])
    check("corrupt model file: no dump written", not os.path.exists(os.path.join(workdir, "bad-model", "f.dump")))


def alloy_checks(model_file, name):
    """A random Cu–Au fcc alloy: LAMMPS types in the order Au, Cu (the model's type map is Cu, Au), so
    the driver's species mapping is exercised; LAMMPS on 1 and 2 ranks and ASE against symmd eval."""
    import ase
    from ase.calculators.kim import KIM
    rng = np.random.default_rng(31)
    pos, cell = structure(31, (3, 3, 3), a=3.86, triclinic=True)
    species = list(rng.choice(["Cu", "Au"], size=len(pos)))
    xyz, data = os.path.join(workdir, "alloy.extxyz"), os.path.join(workdir, "alloy.data")
    write_extxyz(xyz, pos, cell, species)
    write_data(data, pos, cell, species, elements=("Au", "Cu"))
    reference = symmd_eval(xyz, model_file)
    for ranks in (1, 2):
        compare_lammps(f"alloy (Au, Cu: {species.count('Au')} Au)", data, reference, abs(np.linalg.det(cell)), ranks, "on",
                       name, elements="Au Cu")
    atoms = ase.Atoms(species, positions=pos, cell=cell, pbc=True)
    atoms.calc = KIM(name)
    e_ref, f_ref, _ = reference
    check(f"ASE KIM('{name}') alloy: energy and forces equal symmd eval",
          abs(atoms.get_potential_energy() - e_ref) <= 1e-10 * abs(e_ref) and np.abs(atoms.get_forces() - f_ref).max() <= 1e-9,
          f"ΔE {atoms.get_potential_energy() - e_ref:.1e} eV, max |ΔF| {np.abs(atoms.get_forces() - f_ref).max():.1e} eV/Å")


def ase_checks(name=None, model_file=None):
    import ase
    from ase.calculators.kim import KIM
    name = name or kim_name
    for label, cells, tri, seed in (("cubic", (3, 3, 3), False, 21), ("triclinic", (3, 3, 4), True, 22),
                                    ("small-cell", (2, 2, 2), False, 23)):
        pos, cell = structure(seed, cells, triclinic=tri)
        xyz = os.path.join(workdir, f"ase-{label}.extxyz")
        write_extxyz(xyz, pos, cell)
        e_ref, f_ref, w_ref = symmd_eval(xyz, model_file)
        atoms = ase.Atoms("Cu" * len(pos), positions=pos, cell=cell, pbc=True)
        atoms.calc = KIM(name)
        e = atoms.get_potential_energy()
        f = atoms.get_forces()
        s = atoms.get_stress(voigt=False)
        vol = atoms.get_volume()
        tag = f"ASE KIM('{name}') {label} ({len(pos)} atoms)"
        check(f"{tag}: energy equals symmd eval", abs(e - e_ref) <= 1e-10 * abs(e_ref), f"{e:.12f} vs {e_ref:.12f} eV")
        check(f"{tag}: forces equal symmd eval", np.abs(f - f_ref).max() <= 1e-9, f"max |ΔF| {np.abs(f - f_ref).max():.1e} eV/Å")
        ds = np.abs(s - (-w_ref / vol)).max()
        check(f"{tag}: stress equals −W/V", ds <= 1e-10, f"max |Δσ| {ds:.1e} eV/Å³")


if __name__ == "__main__":
    if os.environ.get("SYMMD_KIM_CHECK_CELLS"):
        # One large cubic box only (e.g. 10 → 4 000 atoms), LAMMPS on 1 and 2 ranks.
        lammps_checks(big=int(os.environ["SYMMD_KIM_CHECK_CELLS"]))
        failed = [n for n, ok in results if not ok]
        print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
        sys.exit(1 if failed else 0)
    lammps_checks()
    compress_check()
    precision_check()
    convert_data_check()
    if args.c_example:
        c_api_checks(args.c_example, args.library)
    nve_check()
    refusal_checks()
    if args.corrupt:
        corrupt_check(args.corrupt)
    if args.fresh:
        lammps_checks(name=args.fresh[1], model_file=args.fresh[0], newtons=("on",))
    try:
        ase_checks()
        if args.alloy:
            alloy_checks(*args.alloy)
        if args.fresh:
            ase_checks(name=args.fresh[1], model_file=args.fresh[0])
    except ImportError as e:
        check("ASE's KIM calculator importable (kimpy in the interop environment)", False, str(e))
    failed = [n for n, ok in results if not ok]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)
