#!/usr/bin/env python3
"""The random-selection baseline of the active-learning example.

After `symmd learn examples/active-learning/learn.toml`, trains one model like the committee's on
the same starting frames plus as many frames as the loop labelled, chosen at random from plain MD
(random-md.extxyz: EMT Langevin MD of the perfect crystal at 300–1500 K), and compares its
held-out force RMSE with the loop's final model.

  .venv/bin/python examples/active-learning/baseline.py [SYMMD]   (default .build/release/symmd)
"""
import json
import os
import random
import subprocess
import sys

import ase.io

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
symmd = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, ".build", "release", "symmd")
work = os.path.join(root, "out", "active-learning")
state = json.load(open(os.path.join(work, "state.json")))
labelled = sum(r["labelled"] for r in state["history"])
out = os.path.join(work, "baseline")
os.makedirs(out, exist_ok=True)
pool = ase.io.read(os.path.join(here, "random-md.extxyz"), index=":")
random.seed(7)
chosen = random.sample(pool, min(labelled, len(pool)))
ase.io.write(os.path.join(out, "random.extxyz"), chosen, format="extxyz")
deck = open(os.path.join(here, "fit.toml")).read()
deck = deck.replace('train = ["start.extxyz"]', f'train = ["{os.path.join(here, "start.extxyz")}", "random.extxyz"]')
deck = deck.replace('model = "../../out/active-learning/unused.sdp"', 'model = "model.sdp"')
open(os.path.join(out, "fit.toml"), "w").write(deck)
subprocess.run([symmd, "fit", os.path.join(out, "fit.toml")], check=True, stdout=subprocess.DEVNULL)


def rmse(model):
    r = subprocess.run([symmd, "test", "--model", model, "--data", os.path.join(here, "holdout.extxyz"), "--out", "none", "--json"],
                       check=True, capture_output=True, text=True)
    return json.loads(r.stdout)["force_rmse"]


last = len(state["history"]) - 1
loop_model = os.path.join(work, f"iter.{last:03d}", "train.0", "model.sdp")
print(f"{'training set':48} {'frames':>7} {'held-out force RMSE (eV/Å)':>28}")
print(f"{'20 start + ' + str(labelled) + ' selected by the loop (final committee #0)':48} {20 + labelled:7d} {rmse(loop_model):28.4f}")
print(f"{'20 start + ' + str(len(chosen)) + ' random MD frames':48} {20 + len(chosen):7d} {rmse(os.path.join(out, 'model.sdp')):28.4f}")
