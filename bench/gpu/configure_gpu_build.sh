#!/usr/bin/env bash
# Sourced by the scripts in bench/gpu/: configures build-gpu/ against the machine's PyTorch
# LibTorch, with the header-only libraries that machine lacks taken from .deps/root (git-ignored;
# see run_on_gpu_machine.sh for how to fill it). Extra CMake options are passed as arguments.
# That machine's g++ 13 at -O3 reports false -Warray-bounds inside std::vector<at::Tensor> growth;
# it stays a warning there. Sets $out (results folder, $OUT on the device machine) and logs to $out/cmake.log.
set -euo pipefail
out=${OUT:-out-gpu}
mkdir -p "$out"
deps=$PWD/.deps/root/usr
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DMUSIC_LSTM_REALTIME=OFF -DMUSIC_LSTM_UI=OFF -DMUSIC_LSTM_FETCH=OFF -DMUSIC_LSTM_TESTS=OFF \
  -DCMAKE_PREFIX_PATH="$torch_prefix;$deps" \
  -DCMAKE_CXX_FLAGS="-isystem $deps/include -Wno-error=deprecated-declarations -Wno-error=array-bounds" "$@" \
  > "$out/cmake.log" 2>&1
