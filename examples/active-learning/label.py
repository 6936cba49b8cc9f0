#!/usr/bin/env python3
"""The example's labeller: ASE's EMT copper on every frame of IN, written to OUT as labelled extxyz.

Usage (symmd learn runs it with {in} {out} filled in): label.py IN OUT
Energies (eV), forces (eV/Å) and stress (eV/Å³) exactly as systems/cu-emt was labelled.
"""
import sys

import ase.io
from ase.calculators.emt import EMT
from ase.calculators.singlepoint import SinglePointCalculator

frames = ase.io.read(sys.argv[1], index=":")
out = []
for atoms in frames:
    atoms.calc = EMT()
    e, f, s = atoms.get_potential_energy(), atoms.get_forces(), atoms.get_stress(voigt=False)
    atoms.calc = SinglePointCalculator(atoms, energy=e, forces=f, stress=s)
    out.append(atoms)
ase.io.write(sys.argv[2], out, format="extxyz")
