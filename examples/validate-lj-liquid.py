#!/usr/bin/env python3
"""Compare a symmd run of examples/lj-liquid.toml with the LAMMPS reference (shared/data/lj-liquid).

Usage: python3 examples/validate-lj-liquid.py [out/lj-liquid]
Reads OUT/thermo.csv (production = steps after 5000) and OUT/rdf.csv (from
`symmd analyze rdf OUT/traj.nc --rmax 4 --bins 100 --frames 51: --out OUT/rdf`), and prints
each quantity beside LAMMPS's 5-run mean with the tolerance the issue sets. Exit 1 on a miss.
"""
import csv, os, sys

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "out", "lj-liquid")
N = 500

rows = list(csv.DictReader(open(os.path.join(out, "thermo.csv"))))
prod = [r for r in rows if int(r["step"]) > 5000]
pe = sum(float(r["potential_energy"]) for r in prod) / len(prod) / N
p = sum(float(r["pressure"]) for r in prod) / len(prod)
t = sum(float(r["temperature"]) for r in prod) / len(prod)

ref = list(csv.DictReader(open(os.path.join(here, "reference", "lj-liquid-rdf-all-runs.csv"))))
ours = list(csv.DictReader(open(os.path.join(out, "rdf.csv"))))
assert len(ref) == len(ours), f"bins differ: {len(ref)} vs {len(ours)}"
worst = max((abs(float(a["g"]) - float(b["g_mean"])), float(b["r"])) for a, b in zip(ours, ref))

ok = True
def check(name, ours, ref, tol):
    global ok
    good = abs(ours - ref) <= tol
    ok &= good
    print(f"{name:28s} symmd {ours:9.4f}   LAMMPS {ref:9.4f}   |diff| {abs(ours-ref):.4f} (≤ {tol})  {'ok' if good else 'MISS'}")

print(f"production samples: {len(prod)} thermo rows; temperature {t:.4f}")
check("potential energy per atom", pe, -4.6760, 0.01)
check("pressure", p, 1.7743, 0.05)
check("g(r): max |diff| over bins", worst[0], 0.0, 0.05)
print(f"  (largest g(r) difference at r = {worst[1]})")
sys.exit(0 if ok else 1)
