#!/usr/bin/env python3
"""EMT copper reference numbers for examples/cu-eos and examples/cu-md.toml.

Computed with ASE's effective-medium-theory calculator, `ase.calculators.emt.EMT()` (defaults,
asap_cutoff=False; ASE 3.29.0), the calculator that labelled ../shared/data/cu-emt (systems/cu-emt):

  (a) equation of state of fcc Cu: E/atom on a grid of lattice constants (4-atom cubic cell; EMT has
      no size effect for the perfect crystal), fitted with the Birch-Murnaghan form in ASE's
      `EquationOfState(eos="birchmurnaghan")` -> a0 (Å), B (GPa), B' ;
  (b) vacancy formation energy E_v = E(N-1) - (N-1)/N * E(N) in the 3x3x3 (108-site) and 4x4x4
      (256-site) conventional cells at a0, positions relaxed with BFGS to fmax 1e-3 eV/Å, cell fixed;
  (c) g(r) of 108-atom fcc Cu (3x3x3 cells, a = 3.61 Å, the conditions of examples/cu-md.toml) under
      `ase.md.langevin.Langevin` at 800 K: dt 2 fs, friction 0.01 1/fs, centre of mass fixed (FixCom),
      Maxwell-Boltzmann start at 800 K from the perfect lattice, 2 ps equilibration, then 10 ps
      sampled every 20 fs (500 frames). g(r) is binned exactly as `symmd analyze rdf` does
      (Sources/Analysis/RadialDistribution.swift): minimum image, r_max = half the shortest
      perpendicular box width, `bins` bins of width r_max/bins, ordered pairs i != j normalised by
      V / (N (N-1)) / shell volume, bin centres in the r column.

Outputs (beside this file): cu-emt-eos.json (a0, B, E_v and the E/atom grid), cu-emt-rdf-800K.csv
(r, g, g_stderr from 5 blocks of 2 ps).

Run from the repository root (about a minute of one core):
    python3 examples/reference/emt_reference.py            # everything
    python3 examples/reference/emt_reference.py --skip-md  # EOS and vacancies only (seconds)
Deterministic: the MD uses numpy's default_rng(--seed), default 800.
"""
import argparse
import json
import os
import time

import numpy as np
import ase
from ase.build import bulk
from ase.calculators.emt import EMT
from ase.eos import EquationOfState
from ase.md.langevin import Langevin
from ase.constraints import FixCom
from ase.md.velocitydistribution import Stationary, thermalize_momenta
from ase.optimize import BFGS
from ase import units

EV_PER_A3_IN_GPA = 160.21766208
HERE = os.path.dirname(os.path.abspath(__file__))


def fcc(a, n):
    return bulk("Cu", "fcc", a=a, cubic=True).repeat((n, n, n))


def equation_of_state(grid):
    energies = []
    for a in grid:
        atoms = fcc(a, 1)
        atoms.calc = EMT()
        energies.append(atoms.get_potential_energy() / len(atoms))
    volumes = np.asarray(grid) ** 3 / 4.0
    eos = EquationOfState(volumes, energies, eos="birchmurnaghan")
    v0, e0, b = eos.fit()
    bprime = float(eos.eos_parameters[2]) if hasattr(eos, "eos_parameters") else float("nan")
    return dict(a0=float((4 * v0) ** (1 / 3)), e0_per_atom=float(e0), v0_per_atom=float(v0),
                bulk_modulus_GPa=float(b * EV_PER_A3_IN_GPA), bulk_modulus_prime=bprime,
                lattice_constants=[float(a) for a in grid], energy_per_atom=[float(e) for e in energies])


def vacancy(a0, n, fmax):
    perfect = fcc(a0, n)
    perfect.calc = EMT()
    e_n = perfect.get_potential_energy()
    nat = len(perfect)
    vac = perfect.copy()
    del vac[0]
    vac.calc = EMT()
    e_unrelaxed = vac.get_potential_energy()
    opt = BFGS(vac, logfile=None)
    opt.run(fmax=fmax, steps=2000)
    e_relaxed = vac.get_potential_energy()
    fmax_final = float(np.sqrt((vac.get_forces() ** 2).sum(axis=1)).max())
    scale = (nat - 1) / nat
    return dict(cells=n, sites=nat, e_perfect=float(e_n), e_vacancy_relaxed=float(e_relaxed),
                e_vacancy_unrelaxed=float(e_unrelaxed),
                formation_energy_relaxed=float(e_relaxed - scale * e_n),
                formation_energy_unrelaxed=float(e_unrelaxed - scale * e_n),
                bfgs_steps=int(opt.get_number_of_steps()), fmax_final=fmax_final)


def rdf_accumulate(pos, cell_lengths, rmax, bins, counts):
    d = pos[None, :, :] - pos[:, None, :]
    d -= cell_lengths * np.round(d / cell_lengths)
    r = np.sqrt((d ** 2).sum(axis=-1))
    n = len(pos)
    r = r[~np.eye(n, dtype=bool)]
    r = r[r < rmax]
    k = (r * (bins / rmax)).astype(int)
    k = k[k < bins]
    counts += np.bincount(k, minlength=bins)


def md_rdf(a, n, temperature, dt_fs, friction_per_fs, equil_steps, sample_steps, every, bins, seed, blocks):
    atoms = fcc(a, n)
    atoms.calc = EMT()
    rng = np.random.default_rng(seed)
    thermalize_momenta(atoms, temperature, rng=rng)
    Stationary(atoms)
    atoms.set_constraint(FixCom())
    dyn = Langevin(atoms, timestep=dt_fs * units.fs, temperature_K=temperature,
                   friction=friction_per_fs / units.fs, fixcm=False, rng=rng)
    dyn.run(equil_steps)
    cell = atoms.cell.lengths()
    assert np.allclose(atoms.cell.array, np.diag(cell)), "orthorhombic cell expected"
    rmax = 0.5 * cell.min()  # half the shortest perpendicular width (cubic cell)
    nat = len(atoms)
    volume = atoms.get_volume()
    frames = sample_steps // every
    per_block = frames // blocks
    block_counts = np.zeros((blocks, bins))
    temps, epots = [], []
    for f in range(frames):
        dyn.run(every)
        b = min(f // per_block, blocks - 1)
        rdf_accumulate(atoms.get_positions(), cell, rmax, bins, block_counts[b])
        temps.append(atoms.get_temperature())
        epots.append(atoms.get_potential_energy() / nat)
    frames_in = np.array([per_block] * (blocks - 1) + [frames - per_block * (blocks - 1)])
    dr = rmax / bins
    edges = np.arange(bins + 1) * dr
    shell = 4.0 / 3.0 * np.pi * (edges[1:] ** 3 - edges[:-1] ** 3)
    norm = volume / (nat * (nat - 1)) / shell
    g_blocks = block_counts * norm / frames_in[:, None]
    g = block_counts.sum(axis=0) * norm / frames
    g_err = g_blocks.std(axis=0, ddof=1) / np.sqrt(blocks)
    r = (np.arange(bins) + 0.5) * dr
    k = int(np.argmax(g))
    return dict(r=r, g=g, g_err=g_err, rmax=float(rmax), frames=frames, first_peak_r=float(r[k]),
                first_peak_g=float(g[k]), mean_temperature=float(np.mean(temps)),
                mean_epot_per_atom=float(np.mean(epots)))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--skip-md", action="store_true", help="EOS and vacancies only; keep the existing RDF CSV")
    p.add_argument("--seed", type=int, default=800)
    p.add_argument("--bins", type=int, default=100, help="g(r) bins (pass the same --bins to symmd analyze rdf)")
    p.add_argument("--out-dir", default=HERE)
    args = p.parse_args()
    t0 = time.time()

    grid = np.round(np.arange(3.50, 3.6801, 0.01), 4)
    eos = equation_of_state(grid)
    print(f"EOS: a0 = {eos['a0']:.4f} Å, B = {eos['bulk_modulus_GPa']:.1f} GPa, "
          f"E0 = {eos['e0_per_atom']:.5f} eV/atom  (REFERENCE.md §6: 3.5898 Å, 134.3 GPa)")
    vac = [vacancy(eos["a0"], n, 1e-3) for n in (3, 4)]
    for v in vac:
        print(f"vacancy {v['cells']}x{v['cells']}x{v['cells']} ({v['sites']} sites): "
              f"E_v = {v['formation_energy_relaxed']:.4f} eV relaxed, "
              f"{v['formation_energy_unrelaxed']:.4f} eV unrelaxed ({v['bfgs_steps']} BFGS steps)")

    md_conditions = dict(lattice="fcc", a=3.61, cells=[3, 3, 3], atoms=108, temperature_K=800.0,
                         thermostat="ase.md.langevin.Langevin (fixcm=False) with ase.constraints.FixCom", timestep_fs=2.0,
                         friction_per_fs=0.01, equilibration_steps=1000, sample_steps=5000,
                         sample_every=10, bins=args.bins, seed=args.seed)
    result = dict(
        generator="examples/reference/emt_reference.py", ase_version=ase.__version__,
        calculator="ase.calculators.emt.EMT() (asap_cutoff=False)",
        units=dict(length="Å", energy="eV", bulk_modulus="GPa (1 eV/Å³ = 160.21766 GPa)"),
        eos=dict(fit="Birch-Murnaghan (ase.eos.EquationOfState, eos='birchmurnaghan'), E/atom vs volume/atom",
                 cell="4-atom conventional fcc cell", **eos),
        vacancy=dict(definition="E_v = E(N-1) - (N-1)/N E(N), fixed cell at a0, BFGS fmax 1e-3 eV/Å",
                     cells=vac),
    )
    rdf_path = os.path.join(args.out_dir, "cu-emt-rdf-800K.csv")
    if not args.skip_md:
        t1 = time.time()
        md = md_rdf(3.61, 3, 800.0, 2.0, 0.01, md_conditions["equilibration_steps"],
                    md_conditions["sample_steps"], md_conditions["sample_every"], args.bins, args.seed, 5)
        print(f"MD 800 K: {md['frames']} frames, <T> = {md['mean_temperature']:.1f} K, "
              f"<E>/atom = {md['mean_epot_per_atom']:.4f} eV; g(r) first peak {md['first_peak_g']:.3f} at "
              f"r = {md['first_peak_r']:.4f} Å (bin {md['rmax'] / args.bins:.4f} Å); {time.time() - t1:.0f} s")
        with open(rdf_path, "w") as fh:
            fh.write("r,g,g_stderr\n")
            for r, g, e in zip(md["r"], md["g"], md["g_err"]):
                fh.write(f"{r:.6f},{g:.6f},{e:.6f}\n")
        result["rdf_800K"] = dict(file="cu-emt-rdf-800K.csv", **md_conditions, rmax=md["rmax"],
                                  frames=md["frames"], first_peak_r=md["first_peak_r"],
                                  first_peak_g=md["first_peak_g"], mean_temperature_K=md["mean_temperature"],
                                  mean_epot_per_atom=md["mean_epot_per_atom"])
    else:
        old = os.path.join(args.out_dir, "cu-emt-eos.json")
        if os.path.exists(old):
            with open(old) as fh:
                prev = json.load(fh)
            if "rdf_800K" in prev:
                result["rdf_800K"] = prev["rdf_800K"]
    with open(os.path.join(args.out_dir, "cu-emt-eos.json"), "w") as fh:
        json.dump(result, fh, indent=1)
        fh.write("\n")
    print(f"written: {args.out_dir}/cu-emt-eos.json" + ("" if args.skip_md else f", {rdf_path}")
          + f" ({time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main()
