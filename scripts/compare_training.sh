#!/bin/bash
# Trains the same small runs with two builds of music-lstm and compares what they learnt, for a
# change to the training loop that must not change training (issue 35: the loop in parts, then
# data-parallel). Each run: a tiny model on 640 MAESTRO windows, one thread, augmentation and
# dropout on; one with a cooldown over the last two epochs, one whose learning rate is high
# enough that the plateau schedule decays it. Compared: metrics.csv and steps.csv (every loss and
# rate, the timing columns left out) and the exported weights, byte for byte.
#
#   scripts/compare_training.sh OLD_BINARY NEW_BINARY [MAESTRO_DIR]
#
# Exit status 1 when any run differs. About a minute on 2 cores (the first run indexes MAESTRO).
set -u
if [ $# -lt 2 ] || [ "$1" = "--help" ] || [ "$1" = "-h" ]; then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
old=$1 new=$2
maestro=${3:-$(dirname "$0")/../../shared/data/maestro-v3.0.0}
for b in "$old" "$new"; do
  [ -x "$b" ] || { echo "compare_training: $b is not an executable music-lstm" >&2; exit 2; }
done
[ -d "$maestro" ] || { echo "compare_training: no MAESTRO at $maestro (pass its folder)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export MUSIC_LSTM_CACHE=$work/cache
# name, learning rate, epochs, cooldown epochs, validation windows
runs=("cooldown 0.03 6 2 300" "plateau 1.0 6 0 40")
status=0
for run in "${runs[@]}"; do
  read -r name rate epochs cooldown valid <<< "$run"
  cat > "$work/$name.json" <<JSON
{
  "name": "$name",
  "model": {"kind": "seq2seq", "embedding": 8, "encoder_hidden": 32, "decoder_hidden": 32,
            "velocity": true, "log_time_inputs": true, "time_head": "classes",
            "velocity_head": "classes", "time_bins": 32, "velocity_bins": 16, "dropout": 0.2},
  "training": {"batch_size": 32, "learning_rate": $rate, "epochs": $epochs, "stride": 50,
               "max_train_windows": 640, "max_valid_windows": $valid, "early_stopping": 0,
               "lr_patience": 0, "cooldown_epochs": $cooldown, "augment_transpose": 3,
               "augment_stretch": 0.05, "threads": 1}
}
JSON
  for side in old new; do
    b=$old
    [ "$side" = new ] && b=$new
    if ! "$b" train --config "$work/$name.json" --data "$maestro" --out "$work/$name-$side" \
        --device cpu -q > "$work/$name-$side.log" 2>&1; then
      echo "$name: the $side build failed: $(tail -1 "$work/$name-$side.log")"
      status=1
      continue 2
    fi
    "$b" export-model "$work/$name-$side/last.ckpt" "$work/$name-$side.mlstm" > /dev/null
    cut -d, -f1-3,6- "$work/$name-$side/metrics.csv" > "$work/$name-$side.metrics"
    cut -d, -f1,3 "$work/$name-$side/steps.csv" > "$work/$name-$side.steps"
  done
  same=()
  for what in metrics steps mlstm; do
    if cmp -s "$work/$name-old.$what" "$work/$name-new.$what"; then
      same+=("$what same")
    else
      same+=("$what DIFFER")
      status=1
    fi
  done
  rates=$(cut -d, -f3 "$work/$name-new.metrics" | tail -n +2 | tr '\n' ' ')
  echo "$name: ${same[*]} (rates by epoch: $rates)"
done
exit $status
