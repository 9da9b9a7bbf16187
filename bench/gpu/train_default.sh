#!/usr/bin/env bash
# Trains one configuration to convergence on the lent CUDA machine (issue 16's fully trained
# default): the whole train split, early stopping on the validation split, then brings back the
# best checkpoint, its metrics and the training log. A later session on this machine evaluates it
# (`music-lstm eval`, `scripts/answer_figures.py`) and ships it in models/default/.
#
# Needs .deps as run_switch_experiments.sh does (root/ and maestro-trainval.zip).
# CONFIG (default presets/training/default.json), EPOCHS (default 20), MINUTES (training time,
# default 8: leave the device budget room for the build and the copy). Results go to $OUT.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/gpu/prepare_training.sh
config=${CONFIG:-presets/training/default.json}
./build-gpu/music-lstm train --config "$config" --data "$data/maestro-v3.0.0" --device cuda \
  --epochs "${EPOCHS:-20}" --max-minutes "${MINUTES:-8}" --out /tmp/run -q 2>&1 | tee "$out/train.txt"
mkdir -p "$out/run"
cp /tmp/run/best.ckpt /tmp/run/metrics.csv /tmp/run/steps.csv /tmp/run/config.json "$out/run/"
{ nvidia-smi --query-gpu=name --format=csv,noheader; date -u; } > "$out/machine.txt"
