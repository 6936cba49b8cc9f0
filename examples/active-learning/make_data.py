#!/usr/bin/env python3
"""The example's structures and reference frames, all labelled with ASE's EMT (run once by make_data).

Writes into this folder:
  start.extxyz       the first 20 frames of systems/cu-emt/train.extxyz (the loop's starting data)
  bulk.extxyz, vacancy.extxyz, surface.extxyz   one starting structure each for the exploration
  holdout.extxyz     60 frames never trained on: EMT Langevin MD of bulk, vacancy and surface at
                     300, 900 and 1500 K (the kinds the loop explores)
  random-md.extxyz   160 EMT MD frames (bulk at 300, 700, 1100, 1500 K) for the random-selection baseline
                     (not committed: make data writes it)
"""
import os

import numpy as np
import ase.io
from ase import units
from ase.build import bulk, fcc100
from ase.calculators.emt import EMT
from ase.calculators.singlepoint import SinglePointCalculator
from ase.md.langevin import Langevin
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
rng = np.random.default_rng(2026)


def labelled(atoms):
    a = atoms.copy()
    a.calc = EMT()
    e, f, s = a.get_potential_energy(), a.get_forces(), a.get_stress(voigt=False)
    a.calc = SinglePointCalculator(a, energy=e, forces=f, stress=s)
    return a


def structures():
    b = bulk("Cu", "fcc", a=3.61, cubic=True).repeat((2, 2, 2))
    v = b.copy()
    del v[0]
    s = fcc100("Cu", size=(2, 2, 4), a=3.61, vacuum=4.0, periodic=True)
    return {"bulk": b, "vacancy": v, "surface": s}


def md_frames(atoms, temperature, n, every=25, seed=0):
    a = atoms.copy()
    a.calc = EMT()
    MaxwellBoltzmannDistribution(a, temperature_K=temperature, rng=np.random.default_rng(seed))
    dyn = Langevin(a, 2 * units.fs, temperature_K=temperature, friction=0.02, rng=np.random.default_rng(seed + 1))
    dyn.run(200)
    out = []
    for _ in range(n):
        dyn.run(every)
        out.append(labelled(a))
    return out


train = ase.io.read(os.path.join(root, "systems", "cu-emt", "train.extxyz"), index=":20")
ase.io.write(os.path.join(here, "start.extxyz"), train, format="extxyz")
for name, atoms in structures().items():
    ase.io.write(os.path.join(here, f"{name}.extxyz"), labelled(atoms), format="extxyz")
holdout = []
for k, (name, atoms) in enumerate(structures().items()):
    for j, t in enumerate([300, 900, 1500]):
        holdout += md_frames(atoms, t, 7 if j < 2 else 6, seed=100 + 10 * k + j)
ase.io.write(os.path.join(here, "holdout.extxyz"), holdout, format="extxyz")
pool = []
for j, t in enumerate([300, 700, 1100, 1500]):
    pool += md_frames(structures()["bulk"], t, 40, seed=500 + j)
ase.io.write(os.path.join(here, "random-md.extxyz"), pool, format="extxyz")
print(f"start 20, holdout {len(holdout)}, random pool {len(pool)} frames")
