#!/usr/bin/env bash
# Configures and builds music-lstm into build/ (or $BUILD_DIR). Extra arguments go to CMake,
# e.g. scripts/build.sh -DMUSIC_LSTM_UI=OFF
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
cmake --build "$build_dir" -j"$(nproc)"
