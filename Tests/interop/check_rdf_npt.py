#!/usr/bin/env python3
"""g(r) of an NPT trajectory (make test): `symmd analyze rdf` with its defaults against MDAnalysis InterRDF.

Usage: check_rdf_npt.py TRAJ.nc RDF_PREFIX BINS
RDF_PREFIX.csv is `symmd analyze rdf TRAJ.nc --bins BINS --frames 10:` with the default r_max (half
the narrowest cell of all frames) and normalisation (InterRDF's). Passes when the range equals the
narrowest half-width and g agrees to 1e-3 relative wherever g > 0.5.
"""
import csv
import sys
import warnings

import numpy as np
import MDAnalysis as mda
from MDAnalysis.analysis.rdf import InterRDF

traj, prefix, bins = sys.argv[1], sys.argv[2], int(sys.argv[3])
results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(f"{'PASS' if ok else 'FAIL'}  {name}" + (f"  ({detail})" if detail else ""))


with warnings.catch_warnings():
    warnings.simplefilter("ignore")   # an lj run's file keeps AMBER's unit names; MDAnalysis notes it
    from MDAnalysis.coordinates.TRJ import NCDFReader
    r = NCDFReader(traj, n_atoms=256)
    widths = [ts.dimensions[:3].min() for ts in r[10:]]
    rmax = 0.5 * min(widths)
    vols = [ts.volume for ts in r[10:]]
    u = mda.Universe.empty(256, trajectory=True)
    u.load_new(traj, format="NCDF")
    rdf = InterRDF(u.atoms, u.atoms, nbins=bins, range=(0.0, rmax), exclusion_block=(1, 1)).run(start=10)
ours = list(csv.DictReader(open(prefix + ".csv")))
r_ours = np.array([float(x["r"]) for x in ours])
g_ours = np.array([float(x["g"]) for x in ours])
check("the cell breathes (volume range > 2 %)", (max(vols) - min(vols)) / np.mean(vols) > 0.02,
      f"{min(vols):.1f} … {max(vols):.1f} σ³")
check("default r_max = half the narrowest cell of all frames", abs(r_ours[-1] + (r_ours[1] - r_ours[0]) / 2 - rmax) < 1e-6,
      f"{r_ours[-1] + (r_ours[1] - r_ours[0]) / 2:.6f} vs {rmax:.6f}")
mask = rdf.results.rdf > 0.5
rel = np.abs(g_ours[mask] / rdf.results.rdf[mask] - 1).max()
check("g(r) equals InterRDF's to 1e-3 wherever g > 0.5", len(g_ours) == bins and rel < 1e-3, f"max rel diff {rel:.2g}")
print(f"\nNPT g(r): {sum(results)}/{len(results)} checks passed" + (" — FAIL" if not all(results) else " — PASS"))
sys.exit(0 if all(results) else 1)
