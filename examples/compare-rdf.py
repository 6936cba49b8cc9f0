#!/usr/bin/env python3
"""Compare a g(r) from `symmd analyze rdf` with the EMT reference (issue 7, "Must show" 4).

    symmd run examples/cu-md.toml
    symmd analyze rdf out/cu-md/traj.extxyz --bins 100 --frames 21: --out out/cu-md/rdf
    python3 examples/compare-rdf.py out/cu-md/rdf.csv [examples/reference/cu-emt-rdf-800K.csv]

Both CSVs must have the same bins (same r column: same box and --bins as
examples/reference/emt_reference.py, 100 by default). Passes when the first-peak positions agree
within one bin and max |g_model - g_EMT| < 0.1 over the bins where either g exceeds 0.5; exits 1
otherwise (2 for unusable input). Standard library only.
"""
import csv
import sys


def read(path):
    try:
        with open(path, newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as e:
        print(f"{path}: cannot read ({e.strerror})", file=sys.stderr)
        sys.exit(2)
    if not rows or "r" not in rows[0] or "g" not in rows[0]:
        print(f"{path}: expected a CSV with columns r and g", file=sys.stderr)
        sys.exit(2)
    return [float(x["r"]) for x in rows], [float(x["g"]) for x in rows], rows


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    model_path = sys.argv[1]
    ref_path = sys.argv[2] if len(sys.argv) == 3 else "examples/reference/cu-emt-rdf-800K.csv"
    r_m, g_m, _ = read(model_path)
    r_e, g_e, rows_e = read(ref_path)
    if len(r_m) != len(r_e) or any(abs(a - b) > 1e-4 for a, b in zip(r_m, r_e)):
        print(f"bins differ: {model_path} has {len(r_m)} bins to r = {r_m[-1]:.4f}, {ref_path} has "
              f"{len(r_e)} bins to r = {r_e[-1]:.4f}; use the same box and --bins", file=sys.stderr)
        sys.exit(2)
    dr = r_e[1] - r_e[0]
    k_m = max(range(len(g_m)), key=g_m.__getitem__)
    k_e = max(range(len(g_e)), key=g_e.__getitem__)
    peak_ok = abs(k_m - k_e) <= 1
    mask = [k for k in range(len(g_e)) if g_e[k] > 0.5 or g_m[k] > 0.5]
    k_worst = max(mask, key=lambda k: abs(g_m[k] - g_e[k]))
    worst = abs(g_m[k_worst] - g_e[k_worst])
    g_ok = worst < 0.1
    err = rows_e[k_worst].get("g_stderr")
    print(f"bins: {len(r_e)} of {dr:.4f} Å to r = {r_e[-1] + dr / 2:.4f} Å")
    print(f"first peak: model g = {g_m[k_m]:.3f} at r = {r_m[k_m]:.4f} Å, EMT g = {g_e[k_e]:.3f} at "
          f"r = {r_e[k_e]:.4f} Å ({k_m - k_e:+d} bins)  {'ok' if peak_ok else 'FAIL'} (within one bin)")
    print(f"max |Δg| where g > 0.5: {worst:.3f} at r = {r_e[k_worst]:.4f} Å (model {g_m[k_worst]:.3f}, EMT "
          f"{g_e[k_worst]:.3f}{'' if err is None else ' ± ' + format(float(err), '.3f')}) over {len(mask)} bins  "
          f"{'ok' if g_ok else 'FAIL'} (< 0.1)")
    sys.exit(0 if peak_ok and g_ok else 1)


if __name__ == "__main__":
    main()
