#!/usr/bin/env bash
# Prepares the DeePMD-kit inference anchor for `symmd-bench --only deep-infer`: a frozen
# DeePMD-kit model (PyTorch backend) of the benchmark's size (se_e2_a [25,50,100], axis 16,
# fitting [240,240,240], rcut 6, rcut_smth 5, sel 92) and its compressed form.
#
# Timing does not depend on the weights, so the model is trained for only NUMB_STEPS steps
# (default 10) on the copper EMT data. The anchors folder is read-only, so its scripts
# (input.json, convert.py, bench_infer.py) are copied into a scratch folder (default
# .deepmd-anchor/ at the repository root, git-ignored); bench_infer.py then writes the
# benchmark boxes into <scratch>/infer/structures/ and the frozen models are
#   <scratch>/train/frozen_model.pth             (uncompressed)
#   <scratch>/train/frozen_model_compressed.pth  (dp --pt compress)
#
# Usage: scripts/deepmd-anchor.sh [SCRATCH]     (env: ANCHORS, DATA, NUMB_STEPS)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ANCHORS="${ANCHORS:-$ROOT/../shared/anchors}"
DATA="${DATA:-$ROOT/../shared/data/cu-emt}"
WORK="${1:-$ROOT/.deepmd-anchor}"
NUMB_STEPS="${NUMB_STEPS:-10}"
python3 -c "import deepmd, dpdata, ase" || { echo "deepmd-kit, dpdata or ase not importable: nothing prepared" >&2; exit 1; }
mkdir -p "$WORK"
cp -f "$ANCHORS/deepmd/bench_infer.py" "$ANCHORS/deepmd/convert.py" "$WORK/"
chmod u+w "$WORK"/*.py
cd "$WORK"
# The data set ships train.extxyz only (valid.extxyz is absent here): validate on train too.
VALID="$DATA/valid.extxyz"; [ -f "$VALID" ] || VALID="$DATA/train.extxyz"
[ -d data/train ] || python3 convert.py "$DATA/train.extxyz" data/train Cu
[ -d data/valid ] || python3 convert.py "$VALID" data/valid Cu
mkdir -p train
python3 - "$ANCHORS/deepmd/input.json" train/input.json "$NUMB_STEPS" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["training"]["numb_steps"] = int(sys.argv[3])
d["training"]["disp_freq"] = 5
d["training"]["save_freq"] = int(sys.argv[3])
for k in ("training_data", "validation_data"):
    d["training"][k]["systems"] = ["../" + s for s in d["training"][k]["systems"]]
json.dump(d, open(sys.argv[2], "w"), indent=1)
PY
cd train
export OMP_NUM_THREADS=2 DP_INTRA_OP_PARALLELISM_THREADS=2 DP_INTER_OP_PARALLELISM_THREADS=1
dp --pt train input.json > train.log 2>&1 || { tail -30 train.log; exit 1; }
dp --pt freeze -o frozen_model.pth > freeze.log 2>&1 || { tail -30 freeze.log; exit 1; }
dp --pt compress -i frozen_model.pth -o frozen_model_compressed.pth > compress.log 2>&1 || { tail -30 compress.log; exit 1; }
cd ..
# The benchmark boxes (cu32 = frame 0 of the validation file, cu108, cu4000), as bench_infer.py writes them.
BENCH_DATA="$VALID" python3 -c "import bench_infer; bench_infer.structures()"
ls -l "$WORK/train/"*.pth "$WORK/infer/structures/"
