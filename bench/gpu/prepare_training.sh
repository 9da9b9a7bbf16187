#!/usr/bin/env bash
# Sourced by the training scripts in bench/gpu/: configures and builds music-lstm in build-gpu/
# (configure_gpu_build.sh), unpacks .deps/maestro-trainval.zip into $data, and points the note
# cache at /tmp. Sets $out and $data.
set -euo pipefail
source bench/gpu/configure_gpu_build.sh -DMUSIC_LSTM_BENCH=OFF
ninja -C build-gpu music-lstm > "$out/build.log" 2>&1
data=/tmp/maestro-data
python3 -c "import zipfile; zipfile.ZipFile('.deps/maestro-trainval.zip').extractall('$data')"
export MUSIC_LSTM_CACHE=/tmp/music-lstm-cache
