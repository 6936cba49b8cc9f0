#!/usr/bin/env python3
"""Data-parallel `symmd fit`, `symmd test` and `symmd model devi` under Debian's OpenMPI (make mpi-check).

Usage: check_mpi.py SYMMD OUTDIR
Runs the tiny fit deck (fit-tiny.toml, keys overridden per run) under `mpirun.openmpi` (never a
bare `mpirun`, which may be another MPI's) and checks:
- the ranks see each other (the fit's header says "× 2 ranks");
- 2 ranks at batch_size 1 give the weights, statistics and optimiser moments of 1 rank at batch_size
  2 to 1e-10 relative after 100 steps (scale_by_worker = "none"), and 2 ranks at batch 1 do NOT give
  1 rank at batch 1's (the comparison can fail);
- a 2-rank fit stopped by SIGTERM to mpirun stops every rank after the same step with a checkpoint,
  and --restart on 2 ranks ends bit-identical to the uninterrupted 2-rank fit;
- a rank killed (SIGKILL) mid-fit ends the job (non-zero, OpenMPI names the rank and the signal)
  and leaves the last checkpoint readable, and a restart from it runs;
- a deck error is printed once (by rank 0) and stops both ranks;
- symmd test (also --precision mixed, which gathers twice) and symmd model devi on 2 ranks print and
  write what 1 rank does;
- a launch by MPICH's mpirun (PMI_SIZE set, no OpenMPI variables) is refused with the launcher to use;
- symmd run (not split over ranks) under 2 ranks is refused.
Every wait has a timeout, so a hang is a FAIL. Exits 1 on any failure.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

symmd, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.abspath(os.path.join(here, "..", ".."))
launcher = shutil.which("mpirun.openmpi")
results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(f"{'PASS' if ok else 'FAIL'}  {name}" + (f"  ({detail})" if detail else ""), flush=True)


def mpirun(n):
    extra = ["--allow-run-as-root"] if os.geteuid() == 0 else []
    return [launcher, "-np", str(n), "--oversubscribe"] + extra


def deck(name, **keys):
    """fit-tiny.toml with [training]/[output] keys replaced, outputs under OUT/NAME; returns its path."""
    text = open(os.path.join(here, "fit-tiny.toml")).read()
    text = text.replace('"../../systems/', f'"{repo}/systems/').replace('"out/', f'"{out}/{name}/')
    for k, v in keys.items():
        line = f"{k} = {json.dumps(v) if isinstance(v, str) else v}"
        text, n = re.subn(rf"(?m)^{k} = .*$", line, text)
        if n == 0:   # a [training] key the deck leaves out
            text = text.replace("\n[output]", f"{line}\n\n[output]")
    path = os.path.join(out, f"{name}.toml")
    with open(path, "w") as f:
        f.write(text)
    return path


def run(args, ranks=1, timeout=300, env=None):
    cmd = (mpirun(ranks) if ranks > 1 else []) + [symmd] + args
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired as e:
        return None, f"timed out after {timeout} s: {' '.join(cmd)}"


def same(a, b, tolerance):
    code, text = run(["model", "diff", a, b, "--tolerance", str(tolerance)])
    last = text.strip().splitlines()[-1] if text.strip() else text
    return code == 0, last


def started_then(args, ranks, wait_for, action, timeout=120):
    """Starts ARGS on RANKS ranks, waits until WAIT_FOR exists, calls ACTION(popen); returns (code, output)."""
    p = subprocess.Popen(mpirun(ranks) + [symmd] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         start_new_session=True)
    t0 = time.time()
    while time.time() - t0 < 60 and not os.path.exists(wait_for) and p.poll() is None:
        time.sleep(0.05)
    if p.poll() is None:
        action(p)
    try:
        text, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        text, _ = p.communicate()
        return None, text
    return p.returncode, text


if launcher is None:
    print("FAIL  mpirun.openmpi not found (make deps installs openmpi-bin)")
    sys.exit(1)
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)

# 1. Equivalence: 2 ranks × batch 1 against 1 rank × batch 2, and the negative control.
code1, text1 = run(["fit", deck("one-b2", batch_size=2)])
code2, text2 = run(["fit", deck("two-b1", batch_size=1)], ranks=2)
check("2-rank fit runs, and the ranks see each other", code2 == 0 and "× 2 ranks" in text2,
      (re.search(r"batch 1 per rank.*?ranks = \d+", text2) or [text2[-300:]])[0])
if code1 == 0 and code2 == 0:
    ok, detail = same(f"{out}/one-b2/model.sdp", f"{out}/two-b1/model.sdp", 1e-10)
    check("2 ranks × batch 1 = 1 rank × batch 2 after 100 steps (weights, 1e-10 relative)", ok, detail)
    ok, detail = same(f"{out}/one-b2/fit.ckpt", f"{out}/two-b1/fit.ckpt", 1e-10)
    check("... and the checkpoints (Adam's moments too)", ok, detail)
    code3, _ = run(["fit", deck("one-b1", batch_size=1)])
    ok, detail = same(f"{out}/one-b1/model.sdp", f"{out}/two-b1/model.sdp", 1e-10)
    check("negative control: 1 rank × batch 1 differs from 2 ranks × batch 1", code3 == 0 and not ok, detail)
else:
    check("fits for the equivalence ran", False, (text1 + text2)[-600:])

# 2. A SIGTERM to mpirun stops both ranks at one step; --restart on 2 ranks continues exactly.
long = dict(steps=400, checkpoint_every=50)
code, text = run(["fit", deck("whole", **long)], ranks=2)
check("uninterrupted 2-rank fit of 400 steps", code == 0, text[-200:] if code else "")
stop_deck = deck("stopped", **long)
code, text = started_then(["fit", stop_deck], 2, f"{out}/stopped/fit.ckpt", lambda p: (time.sleep(0.5), p.send_signal(signal.SIGTERM)))
m = re.search(r"stopped by SIGTERM after step (\d+)", text)
check("SIGTERM to mpirun: rank 0 reports the stop and the checkpoint", m is not None and code is not None,
      f"exit {code}; " + (m.group(0) if m else text[-400:]))
if m:
    code, text = run(["fit", stop_deck, "--restart", f"{out}/stopped/fit.ckpt"], ranks=2)
    check("restart on 2 ranks continues from that step", code == 0 and f"restarted at step {m.group(1)}" in text, text[-200:] if code else "")
    ok, detail = same(f"{out}/whole/model.sdp", f"{out}/stopped/model.sdp", 0)
    check("stopped + restarted = uninterrupted, bit for bit", ok, detail)


# 3. A rank killed mid-fit ends the job and leaves the last checkpoint readable.
def kill_a_rank(p):
    time.sleep(0.3)
    kids = subprocess.run(["pgrep", "-P", str(p.pid)], capture_output=True, text=True).stdout.split()
    if kids:
        os.kill(int(kids[-1]), signal.SIGKILL)


kill_deck = deck("killed", steps=100000, checkpoint_every=20)
code, text = started_then(["fit", kill_deck], 2, f"{out}/killed/fit.ckpt", kill_a_rank, timeout=60)
check("a rank killed by SIGKILL ends the 2-rank job with a message", code not in (None, 0) and "signal 9" in text,
      f"exit {code}; " + " ".join(l.strip() for l in text.splitlines() if "signal 9" in l)[:200])
code, text = run(["model", "info", f"{out}/killed/fit.ckpt"])
check("... the last checkpoint is readable", code == 0 and "deep potential" in text, text[-200:] if code else "")
code, text = run(["fit", deck("killed-restart", steps=100000, checkpoint_every=20, time_limit_minutes=0.02),
                  "--restart", f"{out}/killed/fit.ckpt"], ranks=2)
stop = re.search(r"# time limit.*", text)
check("... and a 2-rank restart from it runs", code == 0 and "restarted at step" in text and stop is not None,
      stop.group(0) if stop else text[-300:])

# 4. A deck error: printed once, both ranks stop.
bad = deck("bad", scale_by_worker="quadratic")
code, text = run(["fit", bad], ranks=2, timeout=60)
check("a deck error stops both ranks, printed once", code not in (None, 0) and text.count("scale_by_worker") == 1,
      " ".join(l for l in text.splitlines() if "error" in l)[:240])

# 5. symmd test and symmd model devi split the frames and give what one process gives.
valid = f"{repo}/systems/cu-emt/valid.extxyz"
model = f"{repo}/potentials/cu-emt-se.sdp"
c1, t1 = run(["test", "--model", model, "--data", valid, "--json", "--out", f"{out}/test1/parity"])
c2, t2 = run(["test", "--model", model, "--data", valid, "--json", "--out", f"{out}/test2/parity"], ranks=2)
same_csv = all(os.path.exists(f"{out}/test{k}/parity-force.csv") for k in (1, 2)) and \
    open(f"{out}/test1/parity-force.csv").read() == open(f"{out}/test2/parity-force.csv").read()
check("symmd test on 2 ranks = 1 rank (JSON and parity CSV)", c1 == 0 and c2 == 0 and t1.strip() == t2.strip() and same_csv,
      t2.strip()[:120])
c1, t1 = run(["test", "--model", model, "--data", valid, "--json", "--out", "none", "--precision", "mixed"])
c2, t2 = run(["test", "--model", model, "--data", valid, "--json", "--out", "none", "--precision", "mixed"], ranks=2, timeout=120)
check("symmd test --precision mixed (two gathers: mixed and float64) on 2 ranks = 1 rank",
      c1 == 0 and c2 == 0 and t1.strip() == t2.strip() and "vs_float64" in t2, t2.strip()[-120:])
models = [f"{out}/one-b2/model.sdp", f"{out}/two-b1/model.sdp", f"{out}/one-b1/model.sdp"]
c1, _ = run(["model", "devi", "-m"] + models + ["-s", valid, "-o", f"{out}/devi1.out", "--atomic"])
c2, t2 = run(["model", "devi", "-m"] + models + ["-s", valid, "-o", f"{out}/devi2.out", "--atomic"], ranks=2)
ok = c1 == 0 and c2 == 0 and open(f"{out}/devi1.out").read() == open(f"{out}/devi2.out").read()
check("symmd model devi on 2 ranks = 1 rank (same file)", ok, t2.strip()[-120:])

# 6. Another MPI's launcher is refused with the one to use.
env = dict(os.environ, PMI_SIZE="2", PMI_RANK="0")
for k in [k for k in env if k.startswith("OMPI_") or k.startswith("PMIX_")]:
    del env[k]
code, text = run(["fit", deck("mpich", batch_size=1)], env=env, timeout=60)
check("a launch by MPICH's mpirun (PMI_SIZE=2) is refused, naming mpirun.openmpi", code == 1 and "mpirun.openmpi" in text,
      text.strip()[:160])

# 7. symmd run does not split over ranks: two copies would write the same files, so it is refused.
code, text = run(["run", f"{repo}/Tests/interop/cu-small.toml"], ranks=2, timeout=60)
check("symmd run under 2 ranks is refused with what to use instead", code not in (None, 0) and "does not split its work" in text,
      next((l for l in text.splitlines() if "does not split" in l), text[-200:])[:160])

print(f"mpi-check: {sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
