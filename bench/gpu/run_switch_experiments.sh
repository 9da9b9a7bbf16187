#!/usr/bin/env bash
# docs/MODELS.md's comparison on the lent CUDA machine: `seed`, each improvement switched on alone
# (presets/training/experiments/), and `default`, all trained at once for the same time on the
# real train split, validated on the validation split.
#
# Needs in .deps (git-ignored; name it in the device tool's carry):
#   root/      nlohmann-json3-dev, libfccp-dev and libcli11-dev unpacked (apt-get download; dpkg -x)
#   maestro-trainval.zip   the train and validation MIDI files with the CSV (the machine has no
#                          network, and the whole dataset is over the carry limit)
# MINUTES sets the training time of each configuration (default 3); CONFIGS the configurations
# (default: seed, its improvements and default; issue 16's augmentation runs set
# CONFIGS="presets/training/default.json presets/training/experiments/default-*.json").
# Results go to $OUT.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/gpu/prepare_training.sh
python3 scripts/compare_configs.py --binary build-gpu/music-lstm --data "$data/maestro-v3.0.0" \
  --minutes "${MINUTES:-3}" --device cuda --parallel --threads 2 --out /tmp/runs \
  ${CONFIGS:-presets/training/seed.json presets/training/experiments/seed-*.json presets/training/default.json} \
  | tee "$out/switches.md"
# The figures behind the table (the checkpoints stay there: the seed-sized ones are 200 MB each).
for run in /tmp/runs/*/; do
  name=$(basename "$run")
  mkdir -p "$out/runs/$name"
  cp "$run/metrics.csv" "$run/config.json" "$run/train.log" "$out/runs/$name/" 2>/dev/null || true
done
nvidia-smi --query-gpu=name --format=csv,noheader > "$out/gpu.txt"
