#!/usr/bin/env python3
"""Clean stops of `symmd run` and `symmd fit` as a batch scheduler and a user cause them (make test).

Usage: check_stops.py SYMMD
Starts each command on a deck with far more steps than the check waits, sends SIGTERM or SIGINT
after a few seconds (or gives `run` a two-second --walltime), and checks: the exit status (143,
130, 0 for the wall-time stop), the one-line message naming the signal, a checkpoint, and that
--restart continues from it. Every wait has a timeout, so a hung command is a FAIL, never a hang.
Prints one PASS/FAIL line per check and exits 1 on any failure.
"""
import os
import shutil
import signal
import subprocess
import sys
import time

symmd = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "..", "out", "interop", "stop")
results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(f"{'PASS' if ok else 'FAIL'}  {name}" + (f"  ({detail})" if detail else ""))


def stopped(args, sig, wait_for, seconds=3.0):
    """Runs symmd ARGS, waits until WAIT_FOR exists (or `seconds`), sends SIG; returns (code, stdout)."""
    p = subprocess.Popen([symmd] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    t0 = time.time()
    while time.time() - t0 < 60 and not os.path.exists(wait_for) and p.poll() is None:
        time.sleep(0.1)
    time.sleep(seconds)
    if p.poll() is None and sig is not None:
        p.send_signal(sig)
    try:
        text, _ = p.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        p.kill()
        text, _ = p.communicate()
        return None, text
    return p.returncode, text


def restarts(args, ckpt):
    """symmd ARGS --restart CKPT with a 2 s --walltime (run) or SIGTERM (fit): continues from the checkpoint."""
    return stopped(args + ["--restart", ckpt], signal.SIGTERM, ckpt, 2.0)


shutil.rmtree(out, ignore_errors=True)
run_deck = os.path.join(here, "stop-run.toml")
fit_deck = os.path.join(here, "stop-fit.toml")
thermo = os.path.join(out, "thermo.csv")
ckpt = os.path.join(out, "run.ckpt")

for sig, code in [(signal.SIGTERM, 143), (signal.SIGINT, 130)]:
    if os.path.exists(ckpt):
        os.remove(ckpt)
    rc, text = stopped(["run", run_deck], sig, thermo)
    name = signal.Signals(sig).name
    last = [l for l in text.splitlines() if l.startswith("# stopped by")]
    check(f"run: {name} exits {code} with one line naming it and the checkpoint", rc == code and len(last) == 1 and name in last[0]
          and os.path.exists(ckpt), f"exit {rc}, {last[-1] if last else text[-300:]}")
    rows = [l for l in open(thermo).read().splitlines()[1:]]
    step = int(rows[-1].split(",")[0]) if rows else -1
    check(f"run: after {name} the thermo CSV ends with the stop step's full row", rows and step > 0 and step % 1000 != 0
          and len(rows[-1].split(",")) == len(rows[0].split(",")), f"last step {step}")
rc, text = restarts(["run", run_deck], ckpt)
check("run --restart continues from the checkpoint (and stops again on SIGTERM)", rc == 143 and "restarted at step" in text, f"exit {rc}")
os.remove(ckpt)
rc, text = stopped(["run", run_deck, "--walltime", "00:00:03"], None, thermo, 0)
check("run --walltime 00:00:03 stops cleanly, exit 0, with a checkpoint", rc == 0 and "wall-time limit" in text and os.path.exists(ckpt),
      f"exit {rc}")

fckpt = os.path.join(out, "fit.ckpt")
for sig, code in [(signal.SIGTERM, 143), (signal.SIGINT, 130)]:
    if os.path.exists(fckpt):
        os.remove(fckpt)
    rc, text = stopped(["fit", fit_deck], sig, os.path.join(out, "lcurve.csv"))
    name = signal.Signals(sig).name
    check(f"fit: {name} exits {code} with a checkpoint and the model", rc == code and f"stopped by {name}" in text
          and os.path.exists(fckpt) and os.path.exists(os.path.join(out, "fit.sdp")), f"exit {rc}: {text[-300:]}")
rc, text = restarts(["fit", fit_deck], fckpt)
check("fit --restart continues from the checkpoint", rc == 143 and "restarted at step" in text, f"exit {rc}")

print(f"\nclean stops: {sum(results)}/{len(results)} checks passed" + (" — FAIL" if not all(results) else " — PASS"))
sys.exit(0 if all(results) else 1)
