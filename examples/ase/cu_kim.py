#!/usr/bin/env python3
"""symmd's fitted copper potential in ASE through the KIM API.

Run `make kim` once (installs the symmd KIM driver and the portable model symmd_cu_emt_se), then
    .venv/bin/python examples/ase/cu_kim.py          # the interop environment has ase and kimpy
It prints the energy, forces and stress of a distorted fcc cell, relaxes the cell with ASE's
FrechetCellFilter + FIRE to the model's lattice constant, and runs 200 steps of Langevin MD at
800 K, all with the KIM calculator.
"""
import numpy as np
from ase.build import bulk
from ase.calculators.kim import KIM
from ase.filters import FrechetCellFilter
from ase.md.langevin import Langevin
from ase.optimize import FIRE
from ase import units

atoms = bulk("Cu", "fcc", a=3.62, cubic=True).repeat((3, 3, 3))
rng = np.random.default_rng(1)
atoms.positions += rng.uniform(-0.05, 0.05, atoms.positions.shape)
atoms.calc = KIM("symmd_cu_emt_se")

print(f"{len(atoms)} Cu atoms, a = 3.62 Å, displaced by up to 0.05 Å")
print(f"  energy {atoms.get_potential_energy():.6f} eV")
print(f"  max |F| {np.abs(atoms.get_forces()).max():.4f} eV/Å")
print(f"  pressure {-atoms.get_stress()[:3].mean() / units.GPa:.3f} GPa")

FIRE(FrechetCellFilter(atoms), logfile=None).run(fmax=1e-3, steps=500)
a = atoms.cell.lengths()[0] / 3
print(f"relaxed (positions and cell): a = {a:.4f} Å, energy {atoms.get_potential_energy() / len(atoms):.6f} eV/atom, "
      f"pressure {-atoms.get_stress()[:3].mean() / units.GPa:.4f} GPa")

# Maxwell–Boltzmann momenta at 1600 K (half goes into the lattice), then Langevin at 800 K.
masses = atoms.get_masses()[:, None]
atoms.set_momenta(rng.normal(size=(len(atoms), 3)) * np.sqrt(masses * units.kB * 1600))
dyn = Langevin(atoms, 1 * units.fs, temperature_K=800, friction=0.02, fixcm=False, rng=rng)
dyn.run(200)
print(f"after 200 Langevin steps at 800 K: T = {atoms.get_temperature():.0f} K, "
      f"E_pot {atoms.get_potential_energy() / len(atoms):.4f} eV/atom")
