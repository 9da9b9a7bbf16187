#!/usr/bin/env python3
"""Training throughput of presets/training/seed.json and default.json: music-lstm (LibTorch,
bench_train_throughput) beside PyTorch (Python, train_step_pytorch.py), one after the other in
the same run, on the CPU and, when present, CUDA. Prints a Markdown table for BENCHMARKS.md.

Usage: compare_train_throughput.py BENCH_BINARY [--seconds S] [--devices cpu,cuda] [--python PY]
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed with exit {r.returncode}:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench")
    ap.add_argument("--seconds", default="20")
    ap.add_argument("--devices", default="cpu")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--configs", default="seed,default")
    args = ap.parse_args()
    print("| configuration | parameters | device | music-lstm windows/s | PyTorch windows/s | ratio |")
    print("|---|---:|---|---:|---:|---:|")
    for name in args.configs.split(","):
        cfg = os.path.join(ROOT, "presets", "training", name + ".json")
        for dev in args.devices.split(","):
            ours = run([args.bench, "--config", cfg, "--device", dev, "--seconds", args.seconds])
            ref = run([args.python, os.path.join(ROOT, "bench", "train_step_pytorch.py"), cfg,
                       "--device", dev, "--seconds", args.seconds])
            ratio = ours["windows_per_s"] / ref["windows_per_s"]
            print(f"| {name} | {ours['parameters']:,} | {dev} ({ours['threads']} threads) | "
                  f"{ours['windows_per_s']:.0f} ({ours['ms_per_step']:.1f} ms/step) | "
                  f"{ref['windows_per_s']:.0f} ({ref['ms_per_step']:.1f} ms/step) | {ratio:.2f} |",
                  flush=True)
    print(f"\n{ours['impl']}; {ref['impl']}; batch {ours['batch']}.")


if __name__ == "__main__":
    main()
