#!/usr/bin/env python3
"""Total-energy drift of the NVE stage of a cu-nve-*.toml run: a least-squares slope over the NVE
rows (time after the 0.5 ps equilibration), in meV/atom/ps, and the RMS fluctuation about the line.

Usage: drift.py THERMO.CSV [THERMO.CSV …]
"""
import csv
import sys

ATOMS, START = 108, 0.5   # atoms, ps when NVE begins
for path in sys.argv[1:]:
    rows = list(csv.DictReader(open(path)))
    t = [float(r["time"]) for r in rows if float(r["time"]) >= START]
    e = [float(r["total_energy"]) / ATOMS for r in rows if float(r["time"]) >= START]
    n = len(t)
    mt, me = sum(t) / n, sum(e) / n
    slope = sum((a - mt) * (b - me) for a, b in zip(t, e)) / sum((a - mt) ** 2 for a in t)
    rms = (sum((b - me - slope * (a - mt)) ** 2 for a, b in zip(t, e)) / n) ** 0.5
    temp = sum(float(r["temperature"]) for r in rows if float(r["time"]) >= START) / n
    print(f"{path}: {n} rows over {t[-1] - t[0]:.1f} ps, <T> {temp:.0f} K, drift {1000 * slope:+.2e} meV/atom/ps, "
          f"RMS about the line {1000 * rms:.2e} meV/atom")
