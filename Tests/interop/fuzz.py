#!/usr/bin/env python3
"""Seeded mutation fuzzing of every reader and the deck parsers (run by `make test`).

Usage: fuzz.py SYMMD OUTDIR [--per-kind N] [--seed S]
Each input kind starts from a valid file; each mutation (bytes flipped, cut, duplicated or
deleted; lines swapped or dropped; numbers replaced by 1e22, -1e22, nan, inf, 0, -0, 1e-300,
999999999999, a letter) is fed to the command that reads it. A mutated file must be either
accepted (exit 0) or refused with one line on stderr starting with "error:" (exit 1). A signal
(trap, abort), any other exit status, a stack trace, or a hang past the timeout is a failure.
Prints a table per kind and exits 1 on any failure.
"""
import os
import random
import re
import shutil
import subprocess
import sys

symmd, outdir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
per_kind = int(sys.argv[sys.argv.index("--per-kind") + 1]) if "--per-kind" in sys.argv else 60
seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 20261205
root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
fixtures = os.path.join(root, "Tests", "SymmdDeckTests", "Fixtures")
shutil.rmtree(outdir, ignore_errors=True)
os.makedirs(outdir)
rng = random.Random(seed)

RUN_DECK = """units = "lj"
seed = 3
[system]
lattice = "fcc"
density = 0.8442
cells = [2, 2, 2]
mass = 1.0
temperature = 1.0
[potential]
kind = "lj"
cutoff = 2.5
[neighbors]
skin = 0.3
[[run]]
integrator = "nose-hoover"
timestep = 0.005
steps = 5
temperature = 1.0
tau = 0.5
barostat = { kind = "mttk", pressure = 1.0, tau = 1.0 }
[output]
thermo = { file = "thermo.csv", every = 5, extra = ["density"] }
"""
FIT_DECK = f"""[data]
type_map = ["Cu"]
train = ["{fixtures}/cu-emt-3.extxyz"]
[model.descriptor]
rcut = 4.0
rcut_smth = 3.0
sel = "auto"
neuron = [4, 8]
axis_neuron = 4
[model.fitting]
neuron = [8]
[training]
steps = 2
scale_by_worker = "sqrt"
precision = "mixed"
"""


def seed_files():
    """Valid starting files of every kind, written into OUTDIR/seeds: (kind, path, command template)."""
    d = os.path.join(outdir, "seeds")
    os.makedirs(d)
    open(os.path.join(d, "run.toml"), "w").write(RUN_DECK)
    open(os.path.join(d, "fit.toml"), "w").write(FIT_DECK)
    shutil.copy(os.path.join(fixtures, "config.extxyz"), os.path.join(d, "config.extxyz"))
    shutil.copy(os.path.join(fixtures, "config.data"), os.path.join(d, "config.data"))
    shutil.copy(os.path.join(root, "potentials", "cu-emt-se.sdp"), os.path.join(d, "model.sdp"))
    shutil.copy(os.path.join(root, "potentials", "Cu_u3.eam"), os.path.join(d, "Cu_u3.eam"))
    # A NetCDF trajectory and a LAMMPS dump of a short run.
    deck = RUN_DECK.replace('thermo = { file = "thermo.csv", every = 5, extra = ["density"] }',
                            'trajectory = { file = "t.nc", every = 1, velocities = true }\ndump = { file = "t.lammpstrj", every = 1 }')
    open(os.path.join(d, "traj.toml"), "w").write(deck)
    subprocess.run([symmd, "run", os.path.join(d, "traj.toml")], capture_output=True, check=True)
    return [
        # A valid deck may ask for a long run: the wall-time limit stops it cleanly (exit 0).
        ("run deck", os.path.join(d, "run.toml"), ["run", "{f}", "--walltime", "00:00:05"]),
        ("fit deck", os.path.join(d, "fit.toml"), ["model", "init", "{f}", "--seed", "1", "-o", "{o}.sdp"]),
        ("extxyz", os.path.join(d, "config.extxyz"), ["convert", "{f}", "{o}.extxyz"]),
        ("LAMMPS data", os.path.join(d, "config.data"), ["convert", "{f}", "{o}.extxyz"]),
        ("NetCDF", os.path.join(d, "t.nc"), ["convert", "{f}", "{o}.extxyz"]),
        ("LAMMPS dump", os.path.join(d, "t.lammpstrj"), ["analyze", "rdf", "{f}", "--bins", "10"]),
        ("model file", os.path.join(d, "model.sdp"), ["model", "info", "{f}"]),
        ("EAM file", os.path.join(d, "Cu_u3.eam"), ["eval", "--deck", "{eamdeck}", "--structure", os.path.join(d, "config.extxyz")]),
        ("deepmd npy", os.path.join(fixtures, "cu-emt-3-npy", "Cu32", "set.000", "coord.npy"),
         ["test", "--model", os.path.join(d, "model.sdp"), "--data", "{npy}", "--out", "none"]),
    ]


NUMBERS = ["1e22", "-1e22", "nan", "inf", "0", "-0", "1e-300", "999999999999", "x", "-1", "2147483648"]


def mutate(data: bytes, text: bool) -> bytes:
    kind = rng.randrange(7 if text else 4)
    b = bytearray(data)
    if kind == 0 and b:                       # flip a few bytes
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif kind == 1 and b:                     # cut
        del b[rng.randrange(len(b)):]
    elif kind == 2 and b:                     # delete a span
        i = rng.randrange(len(b)); del b[i:i + rng.randint(1, 64)]
    elif kind == 3 and b:                     # duplicate a span
        i = rng.randrange(len(b)); b[i:i] = b[i:i + rng.randint(1, 64)]
    elif kind >= 4:
        lines = data.decode("utf-8", "replace").split("\n")
        if kind == 4:                         # replace a number
            nums = [(k, m) for k, l in enumerate(lines) for m in re.finditer(r"-?\d+\.?\d*(e-?\d+)?", l)]
            if nums:
                k, m = rng.choice(nums)
                lines[k] = lines[k][:m.start()] + rng.choice(NUMBERS) + lines[k][m.end():]
        elif kind == 5 and len(lines) > 1:    # drop or swap lines
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            if rng.random() < 0.5:
                del lines[i]
            else:
                lines[i], lines[j] = lines[j], lines[i]
        else:                                 # insert a TOML-ish or random line
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(['[ = "nose-hoover"', "[[", "x = {", "= 3", "[.a]", "ITEM: ATOMS id", "1e22 1e22 1e22", "\x00\xff"]))
        b = bytearray("\n".join(lines).encode("utf-8", "replace"))
    return bytes(b)


def main():
    seeds = seed_files()
    eamdeck = os.path.join(outdir, "seeds", "eam.toml")
    failures = []
    table = []
    for kind, path, template in seeds:
        counts = {"accepted": 0, "refused": 0, "crash": 0, "hang": 0}
        original = open(path, "rb").read()
        text = kind not in ("NetCDF", "model file", "deepmd npy")
        for k in range(per_kind):
            case = os.path.join(outdir, f"{kind.replace(' ', '_')}-{k}")
            os.makedirs(case)
            if kind == "deepmd npy":
                # The whole system folder, one of its arrays mutated.
                npy = os.path.join(case, "system")
                shutil.copytree(os.path.dirname(os.path.dirname(path)), npy)
                f = os.path.join(npy, "set.000", rng.choice(["coord.npy", "box.npy", "energy.npy", "force.npy"]))
                open(f, "wb").write(mutate(open(f, "rb").read(), False))
            else:
                npy = ""
                f = os.path.join(case, os.path.basename(path))
                open(f, "wb").write(mutate(original, text))
            if kind == "EAM file":
                open(eamdeck, "w").write(f'units = "metal"\n[potential]\nkind = "eam"\nfile = "{f}"\nelements = ["Cu"]\n')
                if os.path.exists(os.path.join(case, "..", "seeds", "Cu_u3.eam")):
                    pass
            args = [a.format(f=f, o=os.path.join(case, "out"), eamdeck=eamdeck, npy=npy) for a in template]
            try:
                r = subprocess.run([symmd] + args, capture_output=True, text=True, timeout=30, cwd=case,
                                   errors="replace")
            except subprocess.TimeoutExpired:
                counts["hang"] += 1
                failures.append(f"{kind} #{k}: hang ({' '.join(args)})")
                continue
            err = [l for l in r.stderr.splitlines() if l.strip() and not l.startswith("warning:")]
            if r.returncode == 0:
                counts["accepted"] += 1
            elif r.returncode == 1 and len(err) >= 1 and err[0].startswith("error:") and "Backtrac" not in r.stderr and "crashed" not in r.stderr:
                counts["refused"] += 1
            else:
                counts["crash"] += 1
                failures.append(f"{kind} #{k}: exit {r.returncode}: {r.stderr[-400:]} (kept in {case})")
                continue
            shutil.rmtree(case, ignore_errors=True)
        table.append((kind, per_kind, counts))
    print(f"{'input':14} {'mutations':>9} {'accepted':>9} {'refused':>8} {'crash':>6} {'hang':>5}")
    for kind, n, c in table:
        print(f"{kind:14} {n:9d} {c['accepted']:9d} {c['refused']:8d} {c['crash']:6d} {c['hang']:5d}")
    for f in failures:
        print("FAIL  " + f)
    total = sum(n for _, n, _ in table)
    print(f"\nfuzz: {total} mutations (seed {seed}), {len(failures)} crashes or hangs" + (" — FAIL" if failures else " — PASS"))
    return 1 if failures else 0


sys.exit(main())
