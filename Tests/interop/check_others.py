#!/usr/bin/env python3
"""Other people's files, read by symmd as their own tools read them (run by `make test`).

Usage: check_others.py SYMMD OUTDIR
Every source is converted by `symmd convert FILE out.extxyz` (full precision) and compared frame by
frame with the reference reader: positions, cell, time, velocities, forces. Sources:
  - the AMBER NetCDF files MDAnalysisTests ships (sander, cpptraj, MDAnalysis writers), when installed;
  - trajectories written here by ASE, mdtraj and MDAnalysis (velocities, forces, no cell, no time);
  - one symmd trajectory re-stored by netCDF4 as CDF-1, CDF-2, CDF-5 and NetCDF-4 (HDF5);
  - LAMMPS's own write_data and dump custom (x+images, xu, velocities, forces);
  - dpdata's deepmd/npy folder of an extxyz data set (symmd test gives the same numbers on both).
Prints the table (source, file, compared, max difference) and exits 1 on any failure.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import warnings

import numpy as np
import netCDF4
import ase.io

symmd, outdir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
shutil.rmtree(outdir, ignore_errors=True)
os.makedirs(outdir)
rows, failures = [], []
KCAL = 23.060548


def record(source, name, what, diff, limit):
    ok = diff is not None and diff <= limit
    rows.append((source, name, what, diff, ok))
    if not ok:
        failures.append(f"{source} {name}: {what}: {diff} > {limit}")


def convert(path, tag, extra=()):
    out = os.path.join(outdir, tag + ".extxyz")
    r = subprocess.run([symmd, "convert", path, out, *extra], capture_output=True, text=True)
    if r.returncode != 0:
        failures.append(f"{tag}: symmd convert failed: {r.stderr.strip()}")
        rows.append(("", tag, "symmd convert", None, False))
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ase.io.read(out, index=":")


def netcdf_reference(path):
    """netCDF4's reading with scale_factor applied (the AMBER convention)."""
    with netCDF4.Dataset(path) as d:
        d.set_auto_scale(True)
        get = lambda k: np.array(d[k][:], dtype=np.float64) if k in d.variables else None
        return {k: get(k) for k in ("coordinates", "cell_lengths", "time", "velocities", "forces")}


def compare_netcdf(source, path, velocity_factor=1.0, force_units="kcal"):
    name = os.path.basename(path)
    frames = convert(path, f"{source}-{name}")
    if frames is None:
        return
    ref = netcdf_reference(path)
    x = ref["coordinates"]
    record(source, name, f"{len(frames)} frames × {x.shape[1]} atoms: positions (Å)",
           max(np.abs(f.positions - x[k]).max() for k, f in enumerate(frames)) if len(frames) == len(x) else None, 1e-5)
    if ref["cell_lengths"] is not None:
        record(source, name, "cell lengths (Å)", max(np.abs(f.cell.lengths() - ref["cell_lengths"][k]).max() for k, f in enumerate(frames)), 1e-5)
    if ref["time"] is not None:
        record(source, name, "time (ps)", max(abs(f.info.get("time", np.nan) - ref["time"][k]) for k, f in enumerate(frames)), 1e-6)
    if ref["velocities"] is not None:
        record(source, name, "velocities (Å/ps)",
               max(np.abs(f.arrays["vel"] - ref["velocities"][k] * velocity_factor).max() for k, f in enumerate(frames)), 1e-4)
    if ref["forces"] is not None:
        scale = 1 / KCAL if force_units == "kcal" else 1.0
        record(source, name, "forces (eV/Å)",
               max(np.abs(f.get_forces() - ref["forces"][k] * scale).max() for k, f in enumerate(frames)), 1e-4)


# 1. MDAnalysisTests' own AMBER NetCDF files.
try:
    import MDAnalysisTests.datafiles as mdt
    data = os.path.dirname(mdt.NCDF)
    files = sorted(set(glob.glob(os.path.join(data, "*.nc")) + glob.glob(os.path.join(data, "*.ncdf"))))
    for f in files:
        try:
            netCDF4.Dataset(f).close()
        except OSError:
            continue
        with netCDF4.Dataset(f) as d:
            if "frame" not in d.dimensions:      # a restart, not a trajectory
                continue
        compare_netcdf("MDAnalysisTests", f)
except ImportError:
    rows.append(("MDAnalysisTests", "(not installed)", "skipped: pip install MDAnalysisTests", 0, True))

# 2. Trajectories written here by ASE, mdtraj and MDAnalysis.
from ase.build import bulk
from ase.io.netcdftrajectory import NetCDFTrajectory
rng = np.random.default_rng(5)
atoms = bulk("Cu", "fcc", a=3.61, cubic=True).repeat((2, 2, 2))
path = os.path.join(outdir, "ase.nc")
t = NetCDFTrajectory(path, "w")
ase_frames = []
for k in range(4):
    b = atoms.copy()
    b.positions += rng.normal(0, 0.1, b.positions.shape)
    b.set_velocities(rng.normal(0, 0.02, b.positions.shape))
    t.write(b)
    ase_frames.append(b)
t.close()
frames = convert(path, "ase")
if frames:
    record("ASE NetCDFTrajectory", "ase.nc", "positions (Å), float32 storage", max(np.abs(f.positions - a.positions).max() for f, a in zip(frames, ase_frames)), 1e-5)
    record("ASE NetCDFTrajectory", "ase.nc", "velocities: ASE units → Å/ps",
           max(np.abs(f.arrays["vel"] - a.get_velocities() * 1000 * ase.units.fs).max() for f, a in zip(frames, ase_frames)), 1e-4)

import mdtraj
for cells in (True, False):
    path = os.path.join(outdir, f"mdtraj-{'cell' if cells else 'nocell'}.nc")
    xyz = rng.normal(5, 1, (3, 10, 3)).astype(np.float32)
    with mdtraj.formats.NetCDFTrajectoryFile(path, "w") as f:
        if cells:
            f.write(xyz, time=np.array([0.0, 0.5, 1.0]), cell_lengths=np.full((3, 3), 12.0), cell_angles=np.full((3, 3), 90.0))
        else:
            f.write(xyz, time=np.array([0.0, 0.5, 1.0]))
    compare_netcdf("mdtraj NetCDFTrajectoryFile", path)

import MDAnalysis as mda
u = mda.Universe.empty(12, trajectory=True, velocities=True, forces=True)
u.dimensions = [10, 11, 12, 90, 90, 90]
path = os.path.join(outdir, "mdanalysis.ncdf")
with mda.Writer(path, n_atoms=12, velocities=True, forces=True) as w:
    for k in range(3):
        u.atoms.positions = rng.normal(5, 1, (12, 3))
        u.atoms.velocities = rng.normal(0, 3, (12, 3))
        u.atoms.forces = rng.normal(0, 2, (12, 3))
        u.trajectory.ts.time = 2.0 * k
        w.write(u)
compare_netcdf("MDAnalysis NCDFWriter", path)

# 3. One symmd trajectory re-stored in every NetCDF storage format.
deck = os.path.join(root, "Tests", "interop", "cu-small.toml")
src = os.path.join(root, "out", "interop", "traj.nc")
if os.path.exists(src):
    for fmt in ("NETCDF3_CLASSIC", "NETCDF3_64BIT_OFFSET", "NETCDF3_64BIT_DATA", "NETCDF4"):
        path = os.path.join(outdir, f"restored-{fmt}.nc")
        with netCDF4.Dataset(src) as a, netCDF4.Dataset(path, "w", format=fmt) as b:
            a.set_auto_scale(False)
            b.setncatts({k: a.getncattr(k) for k in a.ncattrs()})
            for n, d in a.dimensions.items():
                b.createDimension(n, None if d.isunlimited() else len(d))
            for n, v in a.variables.items():
                o = b.createVariable(n, v.datatype, v.dimensions)
                o.setncatts({k: v.getncattr(k) for k in v.ncattrs()})
                o.set_auto_scale(False)
                o[:] = v[:]
        compare_netcdf(f"netCDF4 {fmt}", path)
else:
    failures.append("out/interop/traj.nc missing: run make interop")

# 4. LAMMPS's own write_data and dumps.
lmp = shutil.which("lmp")
if lmp:
    ldir = os.path.join(outdir, "lammps")
    os.makedirs(ldir)
    deck = """units lj
atom_style atomic
lattice fcc 0.8442
region box block 0 3 0 3 0 3
create_box 2 box
create_atoms 1 box
set type 1 type/fraction 2 0.3 12345
mass 1 1.0
mass 2 2.0
pair_style lj/cut 2.5
pair_coeff * * 1.0 1.0
velocity all create 3.0 87287 loop geom
fix 1 all nve
dump a all custom 20 dump.wrapped id type x y z ix iy iz vx vy vz fx fy fz
dump b all custom 20 dump.unwrapped id type xu yu zu
dump_modify a sort id format float %.15g
dump_modify b sort id format float %.15g
run 100
write_data final.data
"""
    open(os.path.join(ldir, "in.lj"), "w").write(deck)
    subprocess.run([lmp, "-in", "in.lj", "-log", "log.lammps", "-screen", "none"], cwd=ldir, check=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ase.io.read(os.path.join(ldir, "dump.wrapped"), index=":", format="lammps-dump-text")
        data_ref = ase.io.read(os.path.join(ldir, "final.data"), format="lammps-data", atom_style="atomic", units="metal")
    for name in ("dump.wrapped", "dump.unwrapped"):
        frames = convert(os.path.join(ldir, name), f"lammps-{name}", ["--dt", "0.1", "--species", "1=Ar,2=Kr"])
        if not frames:
            continue
        # ASE reads x y z without applying images: compare modulo the cell; unwrapped exactly.
        cell = np.diag(ref[0].cell)
        d = max(np.abs(((f.positions - r.positions + cell / 2) % cell) - cell / 2).max() for f, r in zip(frames, ref))
        record("LAMMPS dump custom", name, f"{len(frames)} frames: positions (σ) vs ASE", d, 1e-9)
        if name == "dump.wrapped":
            record("LAMMPS dump custom", name, "forces vs ASE", max(np.abs(f.get_forces() - r.get_forces()).max() for f, r in zip(frames, ref)), 1e-9)
            unwrapped = convert(os.path.join(ldir, "dump.unwrapped"), "lammps-unwrapped-again", ["--dt", "0.1", "--species", "1=Ar,2=Kr"])
            record("LAMMPS dump custom", "x+ix vs xu", "image flags applied = LAMMPS's own xu",
                   max(np.abs(a.positions - b.positions).max() for a, b in zip(frames, unwrapped)), 1e-9)
    frames = convert(os.path.join(ldir, "final.data"), "lammps-data", ["--species", "1=Ar,2=Kr"])
    if frames:
        f = frames[0]
        cell = np.diag(data_ref.cell)
        d = np.abs(((f.positions - data_ref.positions + cell / 2) % cell) - cell / 2).max()
        record("LAMMPS write_data", "final.data", "positions vs ASE (modulo cell; symmd applies the image flags)", d, 1e-9)
        last = convert(os.path.join(ldir, "dump.unwrapped"), "lammps-last", ["--dt", "0.1", "--species", "1=Ar,2=Kr"])[-1]
        record("LAMMPS write_data", "final.data", "unwrapped positions = the last dump's xu", np.abs(f.positions - last.positions).max(), 1e-9)
        types = [int(x) for x in data_ref.arrays["type"]] if "type" in data_ref.arrays else None
        record("LAMMPS write_data", "final.data", "types 1, 2 named by --species 1=Ar,2=Kr",
               0.0 if types and [{1: "Ar", 2: "Kr"}[t] for t in types] == f.get_chemical_symbols() else 1.0, 0.5)
else:
    failures.append("lmp not installed (apt lammps)")

# 5. dpdata's deepmd/npy folder: symmd test reads it as the extxyz it came from.
try:
    import dpdata
    src = os.path.join(root, "Tests", "SymmdDeckTests", "Fixtures", "cu-emt-3.extxyz")
    npy = os.path.join(outdir, "dpdata-npy")
    system = dpdata.LabeledSystem(src, fmt="extxyz")
    system.to("deepmd/npy", npy)
    # The same frames as dpdata holds them, written by ASE as extxyz (energy, forces).
    same = os.path.join(outdir, "dpdata-frames.extxyz")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ase.io.write(same, system.to("ase/structure"), format="extxyz")
    src = same
    model = os.path.join(root, "potentials", "cu-emt-se.sdp")
    def test(data):
        r = subprocess.run([symmd, "test", "--model", model, "--data", data, "--out", "none", "--json"], capture_output=True, text=True)
        return json.loads(r.stdout) if r.returncode == 0 else None
    a, b = test(src), test(npy)
    if a and b:
        keys = [k for k in a if isinstance(a[k], (int, float)) and "virial" not in k]
        record("dpdata deepmd/npy", "cu-emt-3 → npy", f"{a['frames']} frames: symmd test's {len(keys)} numbers = ASE extxyz of dpdata's frames",
               max(abs(a[k] - b[k]) / max(1e-12, abs(a[k])) for k in keys), 1e-6)
    else:
        failures.append("dpdata: symmd test failed on the extxyz or the npy folder")
except ImportError:
    rows.append(("dpdata", "(not installed)", "skipped: pip install dpdata", 0, True))

print(f"{'source':30} {'file':34} {'compared':62} {'max diff':>10}")
for source, name, what, diff, ok in rows:
    d = "—" if diff is None else f"{diff:.2g}"
    print(f"{'' if ok else 'FAIL '}{source:30} {name[:34]:34} {what[:62]:62} {d:>10}")
for f in failures:
    print("FAIL  " + f)
print(f"\nother programs' files: {sum(1 for r in rows if r[4])}/{len(rows)} comparisons passed" + (" — FAIL" if failures else " — PASS"))
sys.exit(1 if failures else 0)
