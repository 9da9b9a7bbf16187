#!/usr/bin/env python3
"""Data-parallel training side by side on this machine (docs/BENCHMARKS.md, docs/SCALING.md):
`music-lstm train` as 1 process with T threads, then as `--nproc N` processes with T/N threads
each, on the same data, configuration and global batch, one after the other in this run. For
each: the windows a second of the epoch (metrics.csv), and the resident memory, polled every
0.1 s: the peak of each process and of all of them together (the launcher too).

Usage: compare_data_parallel.py MUSIC_LSTM --data MAESTRO_DIR [--config default] [--steps 60]
       [--threads 2] [--nproc 2]
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def tree(pid):
    """pid and its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run(cmd, env):
    """Runs `cmd`, polling the memory of its process tree; returns (seconds, peak of the sum in
    kB, peak of each process in kB)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    peak_sum, peaks = 0, {}
    while proc.poll() is None:
        pids = tree(proc.pid)
        sizes = {p: rss_kb(p) for p in pids}
        peak_sum = max(peak_sum, sum(sizes.values()))
        for p, s in sizes.items():
            peaks[p] = max(peaks.get(p, 0), s)
        time.sleep(0.1)
    out, err = proc.communicate()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    return time.monotonic() - start, peak_sum, sorted(peaks.values(), reverse=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("music_lstm")
    ap.add_argument("--data", required=True)
    ap.add_argument("--config", default="default")
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--nproc", type=int, default=2)
    args = ap.parse_args()
    with open(os.path.join(ROOT, "presets", "training", args.config + ".json")) as f:
        cfg = json.load(f)
    batch = cfg["training"]["batch_size"]
    cfg["training"].update({"epochs": 1, "max_train_windows": batch * args.steps,
                            "max_valid_windows": batch, "early_stopping": 0})
    cfg["training"].pop("threads", None)
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "cfg.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        env = dict(os.environ, MUSIC_LSTM_CACHE=os.environ.get(
            "MUSIC_LSTM_CACHE", os.path.join(work, "cache")))
        base = [args.music_lstm, "train", "--config", path, "--data", args.data, "--device",
                "cpu", "-q"]
        # The note cache first (built once; both runs then read it).
        subprocess.run(base + ["--out", os.path.join(work, "warm"), "--max-train-windows",
                               str(batch)], env=env, check=True, capture_output=True)
        rows = []
        for label, extra in (
                (f"1 process, {args.threads} threads", ["--threads", str(args.threads)]),
                (f"{args.nproc} processes, {args.threads // args.nproc} thread each",
                 ["--nproc", str(args.nproc), "--threads", str(args.threads // args.nproc)])):
            out = os.path.join(work, label.split(",")[0].replace(" ", "-"))
            seconds, peak_sum, peaks = run(base + ["--out", out] + extra, env)
            with open(os.path.join(out, "metrics.csv")) as f:
                wps = float(next(csv.DictReader(f))["windows_per_second"])
            rows.append((label, wps, peak_sum, peaks, seconds))
    print(f"| {cfg['name']}, global batch {batch}, {args.steps} steps | windows/s | "
          f"peak resident memory, all processes | each process's peak |")
    print("|---|---:|---:|---|")
    for label, wps, peak_sum, peaks, _ in rows:
        print(f"| {label} | {wps:.1f} | {peak_sum / 1024:.0f} MiB | "
              f"{', '.join(f'{p / 1024:.0f}' for p in peaks)} MiB |")


if __name__ == "__main__":
    main()
