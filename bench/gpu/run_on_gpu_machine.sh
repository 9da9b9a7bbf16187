#!/usr/bin/env bash
# The GPU checks, in one go, on the lent CUDA machine (see DEVELOPERS.md): builds the engine,
# training and the throughput benchmark against the machine's PyTorch LibTorch, measures training
# throughput on CUDA (ours beside PyTorch in Python), and trains a tiny model through the real
# training loop on CUDA so that its checkpoint can be loaded back with Debian's LibTorch 1.13.
#
# It needs the header-only libraries that machine lacks, unpacked into .deps/root (git-ignored):
#   mkdir -p .deps && cd .deps && apt-get download nlohmann-json3-dev libfccp-dev &&
#   for d in *.deb; do dpkg -x "$d" root; done
# Results go to $OUT (the device tool brings that folder back).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/gpu/configure_gpu_build.sh -DMUSIC_LSTM_APP=OFF
{
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'
  lscpu | grep "Model name"
  date -u
} > "$out/machine.txt" 2>&1
ninja -C build-gpu bench_train_throughput > "$out/build.log" 2>&1
python3 bench/compare_train_throughput.py build-gpu/bench/bench_train_throughput \
  --devices cuda --seconds "${SECONDS_PER_CASE:-10}" --python python3 | tee "$out/train_throughput_cuda.md"
./build-gpu/bench/bench_train_throughput --config presets/training/tiny.json --device cuda \
  --seconds 2 --save-run "$out/tiny-cuda-run" | tee "$out/tiny_cuda_run.txt"
rm -f "$out"/tiny-cuda-run/events.out.tfevents.*
