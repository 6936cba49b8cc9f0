#!/usr/bin/env python3
"""Interoperability check of a symmd AMBER NetCDF trajectory (run by `make test`).

Usage: check_netcdf.py OUTDIR RDF_PREFIX BINS
OUTDIR holds traj.nc, traj.pdb, thermo.csv and run.ncrst from `symmd run Tests/interop/cu-small.toml`;
RDF_PREFIX.csv is `symmd analyze rdf OUTDIR/traj.nc --bins BINS --frames 1: --out RDF_PREFIX`
(rmax = half the box). Frame 0 is the perfect lattice, whose second-neighbour distance a falls
exactly on a bin edge (rmax = 2.5a), where float rounding alone decides the bin: it is left out.

netCDF4, MDAnalysis, ASE and mdtraj each open the trajectory with every warning turned into an
error, and must agree with each other and with symmd's own thermo CSV on frame count, atom count,
positions, box, time, velocities (Å/ps) and energies; MDAnalysis InterRDF's g(r) must match
symmd's within 0.005. Prints one PASS/FAIL line per check and exits 1 on any failure.
"""
import csv
import os
import sys
import traceback
import warnings

import numpy as np
import netCDF4
import MDAnalysis as mda
from MDAnalysis.analysis.rdf import InterRDF
import ase.io
import ase.units
import mdtraj

outdir, rdf_prefix, bins = sys.argv[1], sys.argv[2], int(sys.argv[3])
traj = os.path.join(outdir, "traj.nc")
pdb = os.path.join(outdir, "traj.pdb")
MVV2E = 1.0364269e-4          # amu·(Å/ps)² in eV (LAMMPS metal)
results = []


def check(name, ok, detail=""):
    results.append((name, bool(ok)))
    print(f"{'PASS' if ok else 'FAIL'}  {name}" + (f"  ({detail})" if detail else ""))


def section(title, body):
    """Runs one reader's checks with warnings as errors; an exception is one FAIL."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            body()
        except Exception as e:  # noqa: BLE001 - report any reader failure as a FAIL line
            traceback.print_exc()
            check(f"{title}: opened and read without warnings or errors", False, f"{type(e).__name__}: {e}")


# symmd's own numbers: the thermo CSV rows on the trajectory's steps (every 10 steps, dt 0.002 ps).
rows = {int(r["step"]): r for r in csv.DictReader(open(os.path.join(outdir, "thermo.csv")))}
ref = {}


def read_netcdf4():
    with netCDF4.Dataset(traj) as nc:
        check("netCDF4: 64-bit offset format, Conventions AMBER 1.0",
              nc.file_format == "NETCDF3_64BIT_OFFSET" and nc.Conventions == "AMBER" and nc.ConventionVersion == "1.0",
              f"{nc.file_format}, {nc.Conventions} {nc.ConventionVersion}")
        ref["x"] = np.array(nc["coordinates"][:], dtype=np.float64)
        ref["v"] = np.array(nc["velocities"][:], dtype=np.float64)    # scale_factor applied: Å/ps
        ref["t"] = np.array(nc["time"][:], dtype=np.float64)
        ref["cell"] = np.array(nc["cell_lengths"][:], dtype=np.float64)
        ref["angles"] = np.array(nc["cell_angles"][:], dtype=np.float64)
        ref["z"] = np.array(nc["atom_types"][:])
        for key in ("potential_energy", "kinetic_energy", "temperature", "pressure"):
            ref[key] = np.array(nc[key][:], dtype=np.float64)
        ref["atom_energies"] = np.array(nc["atom_energies"][:], dtype=np.float64)
    nf, na = ref["x"].shape[:2]
    steps = sorted(s for s in rows if s % 10 == 0)
    check("netCDF4: one frame per 10 steps (frame 0 at the start)", nf == len(steps) == 41, f"{nf} frames, {len(steps)} thermo rows")
    check("netCDF4: 500 atoms, all Cu (atom_types Z = 29)", na == 500 and (ref["z"] == 29).all())
    check("netCDF4: time = step × 0.002 ps", np.allclose(ref["t"], np.array(steps) * 0.002, atol=1e-6))
    for key in ("potential_energy", "kinetic_energy", "temperature", "pressure"):
        csvv = np.array([float(rows[s][key]) for s in steps])
        check(f"netCDF4: {key} equals symmd's thermo CSV", np.array_equal(ref[key], csvv),
              f"max |diff| {np.abs(ref[key] - csvv).max():.3g}")
    mass = 63.546
    ke = 0.5 * mass * MVV2E * (ref["v"] ** 2).sum(axis=(1, 2))
    rel = np.abs(ke / ref["kinetic_energy"] - 1).max()
    check("netCDF4: velocities in Å/ps (½Σmv² = kinetic_energy)", rel < 1e-5, f"max rel diff {rel:.2g}")
    check("netCDF4: cubic cell 18.075 Å", np.allclose(ref["cell"], 18.075) and np.allclose(ref["angles"], 90))
    de = np.abs(ref["atom_energies"].sum(axis=1) - ref["potential_energy"]).max()
    check("netCDF4: atom_energies (eV) sum to potential_energy on every frame", ref["atom_energies"].shape == (nf, na) and de < 1e-8,
          f"max |diff| {de:.2g} eV")


def read_mdanalysis():
    u = mda.Universe(pdb, traj, format="NCDF")
    check("MDAnalysis: frame and atom count", u.trajectory.n_frames == len(ref["x"]) and u.atoms.n_atoms == 500)
    dx = dv = dt = db = 0.0
    for k, ts in enumerate(u.trajectory):
        dx = max(dx, np.abs(ts.positions - ref["x"][k]).max())
        dv = max(dv, np.abs(ts.velocities - ref["v"][k]).max())
        dt = max(dt, abs(ts.time - ref["t"][k]))
        db = max(db, np.abs(ts.dimensions[:3] - ref["cell"][k]).max(), np.abs(ts.dimensions[3:] - ref["angles"][k]).max())
    check("MDAnalysis: positions equal netCDF4's", dx == 0, f"max |diff| {dx:.2g} Å")
    check("MDAnalysis: velocities (Å/ps) equal netCDF4's", dv < 1e-4, f"max |diff| {dv:.2g} Å/ps")
    check("MDAnalysis: time and box", dt < 1e-6 and db < 1e-5, f"time {dt:.2g} ps, box {db:.2g}")


def read_ase():
    frames = ase.io.read(traj, index=":", format="netcdftrajectory")
    check("ASE: frame and atom count, symbols Cu", len(frames) == len(ref["x"]) and len(frames[0]) == 500
          and set(frames[0].get_chemical_symbols()) == {"Cu"})
    dx = max(np.abs(a.positions - ref["x"][k]).max() for k, a in enumerate(frames))
    db = max(np.abs(a.cell.cellpar() - np.r_[ref["cell"][k], ref["angles"][k]]).max() for k, a in enumerate(frames))
    # ASE's reader takes the stored numbers (scale_factor applied, so Å/ps) as its own velocity
    # unit and ignores the units attribute: get_velocities() returns Å/ps, not Å/(ASE time).
    dv = max(np.abs(a.get_velocities() - ref["v"][k]).max() for k, a in enumerate(frames))
    check("ASE: positions equal netCDF4's", dx < 1e-5, f"max |diff| {dx:.2g} Å")
    check("ASE: cell and periodicity", db < 1e-5 and all(frames[0].pbc), f"max |diff| {db:.2g}")
    check("ASE: velocities = the file's Å/ps numbers (ASE ignores the units attribute)", dv < 1e-4, f"max |diff| {dv:.2g} Å/ps")


def read_mdtraj():
    t = mdtraj.load(traj, top=pdb)
    check("mdtraj: frame and atom count", t.n_frames == len(ref["x"]) and t.n_atoms == 500)
    dx = np.abs(t.xyz * 10 - ref["x"]).max()
    db = np.abs(t.unitcell_lengths * 10 - ref["cell"]).max()
    check("mdtraj: positions (nm × 10) equal netCDF4's", dx < 1e-5, f"max |diff| {dx:.2g} Å")
    check("mdtraj: time and box", np.abs(t.time - ref["t"]).max() < 1e-6 and db < 1e-5, f"box {db:.2g} Å")
    # The .ncrst restart (AMBERRESTART, double precision) of the last step.
    r = mdtraj.load(os.path.join(outdir, "run.ncrst"), top=pdb)
    dr = np.abs(r.xyz[0] * 10 - ref["x"][-1]).max()
    check("mdtraj: run.ncrst restart = last frame (to float precision)", r.n_frames == 1 and dr < 1e-4, f"max |diff| {dr:.2g} Å")


def compare_rdf():
    ours = np.genfromtxt(rdf_prefix + ".csv", delimiter=",", names=True)
    rmax = 0.5 * ref["cell"][0].min()
    u = mda.Universe(pdb, traj, format="NCDF")
    # Like pairs: ordered pairs i ≠ j, normalised by N(N−1)/⟨V⟩ (exclusion_block removes i = j).
    rdf = InterRDF(u.atoms, u.atoms, nbins=bins, range=(0.0, rmax), exclusion_block=(1, 1)).run(start=1)
    check("RDF: same bin centres as MDAnalysis", len(ours) == bins and np.allclose(ours["r"], rdf.results.bins, atol=1e-9),
          f"{len(ours)} bins to {ours['r'][-1]:.4f}, MDAnalysis to {rdf.results.bins[-1]:.4f}")
    diff = np.abs(ours["g"] - rdf.results.rdf).max()
    print(f"      g(r) first peak: symmd {ours['g'].max():.4f} at {ours['r'][ours['g'].argmax()]:.3f} Å, "
          f"MDAnalysis {rdf.results.rdf.max():.4f} at {rdf.results.bins[rdf.results.rdf.argmax()]:.3f} Å")
    check("RDF: max |g_symmd − g_MDAnalysis| < 0.005", diff < 0.005, f"max abs diff {diff:.3g}")


def read_dump():
    """symmd's LAMMPS dump: MDAnalysis (images unwrapped) and ASE read it, per-atom energies sum to
    the thermo PE, and Debian's LAMMPS recomputes every frame's energy with `rerun`."""
    dump = os.path.join(outdir, "traj.lammpstrj")
    u = mda.Universe(dump, format="LAMMPSDUMP", dt=0.002, unwrap_images=True)
    check("dump/MDAnalysis: frame and atom count, masses", u.trajectory.n_frames == len(ref["x"]) and u.atoms.n_atoms == 500
          and np.allclose(u.atoms.masses, 63.546))
    dx = max(np.abs(ts.positions - ref["x"][k]).max() for k, ts in enumerate(u.trajectory))
    dv = max(np.abs(ts.velocities - ref["v"][k]).max() for k, ts in enumerate(u.trajectory))
    dt = max(abs(ts.time - ref["t"][k]) for k, ts in enumerate(u.trajectory))
    check("dump/MDAnalysis: unwrapped positions equal netCDF4's (float32 there)", dx < 1e-4, f"max |diff| {dx:.2g} Å")
    check("dump/MDAnalysis: velocities (Å/ps) and time equal netCDF4's", dv < 1e-4 and dt < 1e-6, f"{dv:.2g} Å/ps, {dt:.2g} ps")
    frames = ase.io.read(dump, index=":", format="lammps-dump-text")
    cell = np.diag(frames[0].cell)
    dw = max(np.abs(((f.positions - ref["x"][k] + cell / 2) % cell) - cell / 2).max() for k, f in enumerate(frames))
    check("dump/ASE: frames, symbols Cu, positions equal netCDF4's modulo the cell", len(frames) == len(ref["x"])
          and set(frames[0].get_chemical_symbols()) == {"Cu"} and dw < 1e-4, f"max |diff| {dw:.2g} Å")
    # Per-atom energies: the c_pe column sums to the thermo potential energy.
    pe_sum, k = [], None
    with open(dump) as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        if lines[i].startswith("ITEM: ATOMS"):
            col = lines[i].split()[2:].index("c_pe")
            pe_sum.append(sum(float(lines[i + 1 + a].split()[col]) for a in range(500)))
            i += 501
        else:
            i += 1
    steps = sorted(rows)[:len(pe_sum)]
    de = max(abs(e - float(rows[s]["potential_energy"])) for e, s in zip(pe_sum, steps))
    check("dump: Σ c_pe = thermo potential energy on every frame", len(pe_sum) == len(ref["x"]) and de < 1e-8, f"max |diff| {de:.2g} eV")
    # LAMMPS itself: rerun the dump with the same EAM file and compare every frame's energy.
    import shutil
    import subprocess
    lmp = shutil.which("lmp")
    if lmp is None:
        check("dump/LAMMPS rerun: lmp installed (apt lammps)", False, "no lmp on PATH")
        return
    eam = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "potentials", "Cu_u3.eam"))
    deck = f"""units metal
atom_style atomic
region box block 0 18.075 0 18.075 0 18.075
create_box 1 box
mass 1 63.546
pair_style eam
pair_coeff * * {eam}
thermo_style custom step pe
thermo_modify format float %.12f
thermo 1
compute s all stress/atom NULL virial
compute e all pe/atom
dump d all custom 10 {os.path.join(os.path.abspath(outdir), "rerun.dump")} id c_e c_s[1] c_s[2] c_s[3] c_s[4] c_s[5] c_s[6]
dump_modify d sort id format float %.15g
rerun {os.path.abspath(dump)} dump x y z ix iy iz box yes add keep
"""
    inp = os.path.join(outdir, "in.rerun")
    with open(inp, "w") as f:
        f.write(deck)
    r = subprocess.run([lmp, "-in", inp, "-log", os.path.join(outdir, "log.rerun"), "-screen", "none"], capture_output=True, text=True)
    pe = {}
    with open(os.path.join(outdir, "log.rerun")) as f:
        log = f.read().split("\n")
    for line in log:
        p = line.split()
        if len(p) == 2 and p[0].isdigit():
            try:
                pe[int(p[0])] = float(p[1])
            except ValueError:
                pass
    dl = max((abs(pe[s] - float(rows[s]["potential_energy"])) for s in steps if s in pe), default=float("inf"))
    check("dump/LAMMPS rerun: every frame read, PE equals symmd's", r.returncode == 0 and len(pe) == len(steps) and dl < 1e-6,
          f"{len(pe)} frames, max |ΔPE| {dl:.2g} eV")

    # Per atom: LAMMPS's pe/atom and stress/atom (NULL virial) against the dump's c_pe and c_stress[1..6].
    def atoms(path, names):
        frames = []
        with open(path) as f:
            lines = f.read().split("\n")
        i = 0
        while i < len(lines):
            if lines[i].startswith("ITEM: ATOMS"):
                cols = lines[i].split()[2:]
                idx = [cols.index(c) for c in names]
                block = [lines[i + 1 + a].split() for a in range(500)]
                block.sort(key=lambda p: int(p[cols.index("id")]))
                frames.append(np.array([[float(p[k]) for k in idx] for p in block]))
                i += 501
            else:
                i += 1
        return frames
    ours = atoms(dump, ["c_pe"] + [f"c_stress[{k}]" for k in range(1, 7)])
    theirs = atoms(os.path.join(outdir, "rerun.dump"), ["c_e"] + [f"c_s[{k}]" for k in range(1, 7)])
    de = max(np.abs(a[:, 0] - b[:, 0]).max() for a, b in zip(ours, theirs)) if theirs else float("inf")
    scale = max(np.abs(b[:, 1:]).max() for b in theirs) if theirs else 1
    ds = max(np.abs(a[:, 1:] - b[:, 1:]).max() for a, b in zip(ours, theirs)) / scale if theirs else float("inf")
    check("dump/LAMMPS rerun: per-atom energies equal LAMMPS pe/atom on every frame", len(theirs) == len(ours) and de < 1e-9,
          f"max |diff| {de:.2g} eV")
    check("dump/LAMMPS rerun: per-atom virials equal LAMMPS stress/atom NULL virial", len(theirs) == len(ours) and ds < 1e-9,
          f"max |diff| {ds:.2g} of the largest component")


section("netCDF4", read_netcdf4)
if "x" in ref:
    section("LAMMPS dump", read_dump)
    section("MDAnalysis", read_mdanalysis)
    section("ASE", read_ase)
    section("mdtraj", read_mdtraj)
    section("RDF", compare_rdf)
failed = [n for n, ok in results if not ok]
print(f"\ninterop: {len(results) - len(failed)}/{len(results)} checks passed" + (" — FAIL" if failed else " — PASS"))
sys.exit(1 if failed or not results else 0)
