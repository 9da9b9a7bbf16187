#!/usr/bin/env bash
# Configures and builds music-lstm into build/ (or $BUILD_DIR). Extra arguments go to CMake,
# e.g. scripts/build.sh -DMUSIC_LSTM_UI=OFF
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
# Optimised, with line tables only (-g1): a backtrace still names every file and line, and a file
# that includes LibTorch compiles in three quarters of the time full debug info takes (34 s
# against 46 s for app/commands/inspect_model.cpp on this 2-core machine). For a debugger's
# variables: scripts/build.sh -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g -DNDEBUG"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
  "$@"
cmake --build "$build_dir" -j"$(nproc)"
