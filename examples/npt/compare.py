#!/usr/bin/env python3
"""Block averages of symmd's NPT runs (out/npt/*.csv) beside the references of Tests/reference/npt.

  .venv/bin/python examples/npt/compare.py [--blocks 20]

For each run it prints the production mean and its standard error from `--blocks` blocks, for
c-rescale copper the bulk modulus from the volume fluctuations, B = k_B T <V> / <dV^2>, and for
MTTK the drift of the conserved quantity per atom (least-squares slope, as the reference's analyze.py).
"""
import argparse
import csv
import json
import math
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "out", "npt")
REF = os.path.join(ROOT, "Tests", "reference", "npt", "results.json")
KB = 8.617343e-5          # eV/K (LAMMPS metal)
EV_A3_GPA = 160.21766208  # GPa per eV/Å³


def read(name, first_step):
    path = os.path.join(OUT, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        rows = [r for r in csv.DictReader(f) if int(r["step"]) > first_step]
    return {k: [float(r[k]) for r in rows] for k in rows[0]} if rows else None


def block(x, blocks):
    n = len(x) // blocks
    means = [sum(x[b * n:(b + 1) * n]) / n for b in range(blocks)]
    m = sum(means) / blocks
    var = sum((v - m) ** 2 for v in means) / (blocks - 1)
    return sum(x) / len(x), math.sqrt(var / blocks)


def drift(time, conserved, atoms):
    """Least-squares slope of conserved/atoms against time (energy per atom per time unit)."""
    n = len(time)
    mt, me = sum(time) / n, sum(conserved) / n
    num = sum((t - mt) * (e - me) for t, e in zip(time, conserved))
    return num / sum((t - mt) ** 2 for t in time) / atoms


def bulk_modulus(volumes, temperature, blocks):
    """B (GPa) from <V>/<dV^2>, with a block-jackknife standard error."""
    def b_of(v):
        m = sum(v) / len(v)
        var = sum((x - m) ** 2 for x in v) / (len(v) - 1)
        return KB * temperature * m / var * EV_A3_GPA
    n = len(volumes) // blocks
    full = b_of(volumes[:n * blocks])
    jack = [b_of(volumes[:b * n] + volumes[(b + 1) * n:n * blocks]) for b in range(blocks)]
    jm = sum(jack) / blocks
    return full, math.sqrt((blocks - 1) / blocks * sum((j - jm) ** 2 for j in jack))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--blocks", type=int, default=20)
    args = ap.parse_args()
    ref = json.load(open(REF)) if os.path.exists(REF) else {}
    result = {}
    for name, first, column, scale, atoms in [("lj-mttk.csv", 5000, "density", 1, 500), ("lj-crescale.csv", 5000, "density", 1, 500),
                                              ("cu-eam-mttk.csv", 10000, "lx", 0.1, 4000), ("cu-eam-crescale.csv", 5000, "lx", 0.2, 500),
                                              ("cu-deep-800K.csv", 1000, "lx", 0.25, 256)]:
        d = read(name, first)
        if d is None:
            print(f"{name}: not run (out/npt/{name} missing)")
            continue
        m, se = block([v * scale for v in d[column]], args.blocks)
        what = "density" if column == "density" else "lattice constant a (Å)"
        p, pse = block(d["pressure"], args.blocks)
        line = f"{name}: {what} {m:.6f} ± {se:.6f}, pressure {p:.4f} ± {pse:.4f}, {len(d[column])} samples"
        result[name] = {"mean": m, "se": se, "pressure": p, "pressure_se": pse}
        if name == "cu-eam-crescale.csv":
            b, bse = bulk_modulus(d["volume"], 300.0, args.blocks)
            line += f"; B = k_BT<V>/<dV²> = {b:.1f} ± {bse:.1f} GPa"
            result[name].update({"bulk_modulus_gpa": b, "bulk_modulus_se": bse})
        if "mttk" in name:
            rate = drift(d["time"], d["conserved"], atoms)
            unit = "per atom per τ" if column == "density" else "eV/atom/ps"
            line += f"; conserved-quantity drift {rate:.2e} {unit}"
            result[name]["conserved_drift"] = rate
        print(line)
    if ref:
        print("references (Tests/reference/npt/results.json):")
        print(json.dumps(ref, indent=1)[:3000])
    json.dump(result, open(os.path.join(OUT, "compare.json"), "w"), indent=1)


if __name__ == "__main__":
    sys.exit(main())
