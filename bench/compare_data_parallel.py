#!/usr/bin/env python3
"""Data-parallel training side by side on this machine (docs/BENCHMARKS.md, docs/SCALING.md):
`music-lstm train` as 1 process with T threads, then as `--nproc N` processes with T/N threads
each, on the same data, configuration and global batch, one after the other in this run. For
each: the windows a second of the epoch (metrics.csv), and the memory, polled every 0.1 s: the
peak of each process's resident set, and the peak of all of them together, as resident sets
(which count a page two ranks share twice) and as proportional sets (PSS: a shared page split
among the processes that map it, what the machine really spends). A third run launches the N
ranks by hand with LOCAL_WORLD_SIZE=1, so that each builds its own copy of the windows from the
note cache, as before they were shared (data/window_file.hpp).

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


def memory_kb(pid):
    """(resident, proportional) set size of a process, in kB."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def run(cmds, envs):
    """Runs `cmds` together, polling the memory of their process trees; returns (peak of the
    resident sets' sum, peak of the proportional sets' sum, each process's peak resident set),
    in kB."""
    procs = [subprocess.Popen(c, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for c, e in zip(cmds, envs)]
    peak_rss, peak_pss, peaks = 0, 0, {}
    while any(p.poll() is None for p in procs):
        sizes = {q: memory_kb(q) for p in procs for q in tree(p.pid)}
        peak_rss = max(peak_rss, sum(r for r, _ in sizes.values()))
        peak_pss = max(peak_pss, sum(s for _, s in sizes.values()))
        for q, (r, _) in sizes.items():
            peaks[q] = max(peaks.get(q, 0), r)
        time.sleep(0.1)
    for c, p in zip(cmds, procs):
        _, err = p.communicate()
        if p.returncode != 0:
            sys.exit(f"{' '.join(c)} failed ({p.returncode}):\n{err[-3000:]}")
    return peak_rss, peak_pss, sorted(peaks.values(), reverse=True)


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
        per = str(args.threads // args.nproc)
        port = 29500 + os.getpid() % 20000
        by_hand = [dict(env, RANK=str(r), WORLD_SIZE=str(args.nproc), MASTER_ADDR="127.0.0.1",
                        MASTER_PORT=str(port), LOCAL_WORLD_SIZE="1")
                   for r in range(args.nproc)]
        for label, cmds, envs in (
                (f"1 process, {args.threads} threads",
                 [base + ["--threads", str(args.threads)]], [env]),
                (f"{args.nproc} processes (--nproc), {per} thread each, windows shared",
                 [base + ["--nproc", str(args.nproc), "--threads", per]], [env]),
                (f"{args.nproc} processes by hand, {per} thread each, each its own windows",
                 [base + ["--threads", per]] * args.nproc, by_hand)):
            out = os.path.join(work, str(len(rows)))
            rss, pss, peaks = run([c + ["--out", out] for c in cmds], envs)
            with open(os.path.join(out, "metrics.csv")) as f:
                wps = float(next(csv.DictReader(f))["windows_per_second"])
            rows.append((label, wps, rss, pss, peaks))
    print(f"| {cfg['name']}, global batch {batch}, {args.steps} steps | windows/s | "
          f"peak memory of all processes: resident (shared pages counted in each) | "
          f"proportional (PSS) | each process's peak resident set |")
    print("|---|---:|---:|---:|---|")
    for label, wps, rss, pss, peaks in rows:
        print(f"| {label} | {wps:.1f} | {rss / 1024:.0f} MiB | {pss / 1024:.0f} MiB | "
              f"{', '.join(f'{p / 1024:.0f}' for p in peaks)} MiB |")


if __name__ == "__main__":
    main()
