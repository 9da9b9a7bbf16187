#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test (the
# real-time ones on dummy JACK servers they start themselves); then builds the torch-free unit
# tests again with AddressSanitizer and UndefinedBehaviorSanitizer and runs them there; then the
# audio thread's code with clang-22's RealtimeSanitizer. Tests that need MAESTRO look for it in ../shared/data/maestro-v3.0.0 (beside the
# checkout) and skip with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

scripts/setup.sh
# Without the benchmarks (bench/): none of them is a test, and the three that include LibTorch
# take about a minute of CI's 2 cores. scripts/build.sh -DMUSIC_LSTM_BENCH=ON builds them again.
scripts/build.sh -DMUSIC_LSTM_BENCH=OFF
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== torch-free unit tests under AddressSanitizer + UndefinedBehaviorSanitizer =="
# -O1 and line tables, as AddressSanitizer's documentation advises: the same findings, with files
# and lines, in half the compile time of -O2 -g (21 s against 43 s for the slowest file).
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMUSIC_LSTM_SANITIZE=ON \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DMUSIC_LSTM_BENCH=OFF -DMUSIC_LSTM_APP=OFF > /dev/null
cmake --build build-asan -j"$jobs" --target unit_midi unit_music unit_maestro unit_config unit_eval \
  unit_fast_decode \
  unit_realtime unit_app_cli unit_ui
ctest --test-dir build-asan --output-on-failure -j"$jobs" -L unit -LE torch

echo "== the audio callback under RealtimeSanitizer (clang-22) =="
CC=clang-22 CXX=clang++-22 cmake -S . -B build-rtsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMUSIC_LSTM_RTSAN=ON > /dev/null
cmake --build build-rtsan -j"$jobs"
ctest --test-dir build-rtsan --output-on-failure
