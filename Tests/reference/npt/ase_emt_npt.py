"""ASE EMT Cu NPT reference (ASE 3.29, ase.md.nose_hoover_chain.IsotropicMTKNPT).

usage: python ase_emt_npt.py T_K equil_ps prod_ps outfile.dat[.gz]
       python ase_emt_npt.py relax            (0 K lattice constant)
"""
import sys, time, gzip
import numpy as np
from ase.build import bulk
from ase.calculators.emt import EMT
from ase import units


def make_atoms():
    atoms = bulk('Cu', 'fcc', a=3.61, cubic=True).repeat((4, 4, 4))  # 256 atoms
    atoms.calc = EMT()
    return atoms


def relax():
    from ase.filters import FrechetCellFilter
    from ase.optimize import BFGS, FIRE
    for Opt in (BFGS, FIRE):
        atoms = make_atoms()
        opt = Opt(FrechetCellFilter(atoms, scalar_pressure=0.0), logfile=None)
        opt.run(fmax=1e-5, steps=5000)
        a = (atoms.get_volume() / 64) ** (1 / 3)
        s = atoms.get_stress(voigt=True)
        print(f"A0_RELAX optimizer={Opt.__name__} a0={a:.10f} "
              f"cell_diag={np.diag(atoms.cell).tolist()} "
              f"epot_per_atom={atoms.get_potential_energy()/len(atoms):.10f} "
              f"max|stress|_eV/A3={np.abs(s).max():.3e} nsteps={opt.nsteps}")


def md(T, equil_ps, prod_ps, out):
    from ase.md.velocitydistribution import MaxwellBoltzmannDistribution, Stationary
    from ase.md.nose_hoover_chain import IsotropicMTKNPT
    atoms = make_atoms()
    MaxwellBoltzmannDistribution(atoms, temperature_K=T, rng=np.random.default_rng(42))
    Stationary(atoms)
    dt = 2.0 * units.fs
    dyn = IsotropicMTKNPT(atoms, timestep=dt, temperature_K=T, pressure_au=0.0,
                          tdamp=100 * dt, pdamp=1000 * dt)  # 0.2 ps, 2 ps
    nequil = int(round(equil_ps * 1000 / 2.0))
    nprod = int(round(prod_ps * 1000 / 2.0))
    t0 = time.time()
    dyn.run(nequil)
    t1 = time.time()
    op = gzip.open if out.endswith('.gz') else open
    with op(out, 'wt') as f:
        f.write(f"# ASE EMT Cu256 IsotropicMTKNPT T={T} K P=0 dt=2 fs tdamp=0.2 ps pdamp=2 ps "
                f"seed=default_rng(42) equil={nequil} steps\n")
        f.write("# step temp_K epot_eV ekin_eV volume_A3 pressure_GPa econs_eV\n")

        def sample():
            s = atoms.get_stress(voigt=True, include_ideal_gas=True)
            p = -s[:3].mean() / units.GPa
            f.write(f"{dyn.nsteps - nequil} {atoms.get_temperature():.6f} "
                    f"{atoms.get_potential_energy():.8f} {atoms.get_kinetic_energy():.8f} "
                    f"{atoms.get_volume():.8f} {p:.6f} {dyn.get_conserved_energy():.8f}\n")
        dyn.attach(sample, interval=10)
        sample()
        dyn.run(nprod)
    t2 = time.time()
    print(f"MD T={T} nequil={nequil} nprod={nprod} wall_equil={t1-t0:.1f}s wall_prod={t2-t1:.1f}s")


if __name__ == '__main__':
    if sys.argv[1] == 'relax':
        relax()
    else:
        md(float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
