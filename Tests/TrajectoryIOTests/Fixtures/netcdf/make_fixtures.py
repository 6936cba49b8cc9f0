#!/usr/bin/env python3
"""Writes the small NetCDF files other programs' conventions produce (run once; the files are committed).

  ase.nc      ASE 3.29 NetCDFTrajectory: atom_types per (frame, atom), no time, velocities in ASE units
  scaled.nc   netCDF4 with scale_factor on coordinates (0.5), cell_lengths (2.0), time (0.001, units fs)
  notime.nc   coordinates and cell only (as cpptraj may write)
The expected values are in expected.json (positions Å, velocities Å/ps, times ps).
"""
import json
import numpy as np
import netCDF4
from ase.build import bulk
from ase.io.netcdftrajectory import NetCDFTrajectory

rng = np.random.default_rng(7)
atoms = bulk("Cu", "fcc", a=3.61, cubic=True)            # 4 atoms
expected = {}

t = NetCDFTrajectory("ase.nc", "w")
frames = []
for k in range(2):
    b = atoms.copy()
    b.positions += rng.normal(0, 0.05, b.positions.shape)
    b.set_velocities(rng.normal(0, 0.01, b.positions.shape))
    t.write(b)
    frames.append(b)
t.close()
expected["ase"] = {"positions": [f.positions.tolist() for f in frames],
                   "velocities_A_per_ps": [(f.get_velocities() * 1000 / 10.180505671156725).tolist() for f in frames],
                   "cell": 3.61}


def amber(path, n, nframes):
    d = netCDF4.Dataset(path, "w", format="NETCDF3_64BIT_OFFSET")
    d.Conventions = "AMBER"
    d.ConventionVersion = "1.0"
    d.program = "fixture"
    d.createDimension("frame", None)
    d.createDimension("spatial", 3)
    d.createDimension("atom", n)
    d.createDimension("cell_spatial", 3)
    d.createDimension("cell_angular", 3)
    d.createDimension("label", 5)
    return d


x = rng.normal(0, 1, (2, 4, 3)) + 2
d = amber("scaled.nc", 4, 2)
c = d.createVariable("coordinates", "f8", ("frame", "atom", "spatial")); c.units = "angstrom"; c.scale_factor = 0.5
L = d.createVariable("cell_lengths", "f8", ("frame", "cell_spatial")); L.units = "angstrom"; L.scale_factor = 2.0
A = d.createVariable("cell_angles", "f8", ("frame", "cell_angular")); A.units = "degree"
tm = d.createVariable("time", "f8", ("frame",)); tm.units = "femtosecond"; tm.scale_factor = 0.001
c[:] = x                                   # netCDF4 packs: stored = x / scale_factor
L[:] = np.array([[5.0, 6.0, 7.0]] * 2)
A[:] = 90.0
tm[:] = np.array([0.0, 2.0])                # 0 and 2 fs
d.close()
expected["scaled"] = {"positions": x.tolist(), "cell": [5.0, 6.0, 7.0], "time_ps": [0.0, 0.002]}

d = amber("notime.nc", 4, 3)
c = d.createVariable("coordinates", "f4", ("frame", "atom", "spatial")); c.units = "angstrom"
L = d.createVariable("cell_lengths", "f8", ("frame", "cell_spatial")); L.units = "angstrom"
A = d.createVariable("cell_angles", "f8", ("frame", "cell_angular")); A.units = "degree"
c[:] = np.zeros((3, 4, 3)) + np.arange(3)[:, None, None]
L[:] = 10.0
A[:] = 90.0
d.close()
json.dump(expected, open("expected.json", "w"), indent=1)
