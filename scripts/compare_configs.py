#!/usr/bin/env python3
"""Trains several configurations for the same time and tabulates their validation figures
(docs/MODELS.md): `music-lstm train --max-minutes M` for each, one after the other or all at once
(--parallel, for a GPU that one small model leaves idle), then one Markdown row per run from its
metrics.csv: pitch NLL, pitch accuracy, step and duration error of the most likely note, velocity
error, how many windows it trained on.

Usage: compare_configs.py --binary build/music-lstm --data DIR --minutes M [--device cuda]
                          [--parallel] [--threads N] --out RUNS_DIR CONFIG.json...
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import time


def params_of(binary, ckpt):
    out = subprocess.run([binary, "inspect-model", ckpt], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("parameters:"):
            return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--minutes", type=float, required=True)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--parallel", action="store_true")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--out", required=True)
    ap.add_argument("configs", nargs="+")
    args = ap.parse_args()

    runs, procs = [], []
    for cfg in args.configs:
        name = json.load(open(cfg)).get("name", os.path.splitext(os.path.basename(cfg))[0])
        out = os.path.join(args.out, name)
        os.makedirs(out, exist_ok=True)
        cmd = [args.binary, "train", "--config", cfg, "--data", args.data, "--out", out,
               "--device", args.device, "--max-minutes", str(args.minutes), "--threads",
               str(args.threads)]
        log = open(os.path.join(out, "train.log"), "w")
        p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        runs.append((name, cfg, out))
        procs.append(p)
        if not args.parallel:
            p.wait()
    start = time.time()
    for p in procs:
        p.wait()
    failed = [r[0] for r, p in zip(runs, procs) if p.returncode != 0]

    print(f"Each configuration trained for {args.minutes:g} minutes on {args.device}"
          f"{' (all at once)' if args.parallel else ''}; validation split, most likely note of "
          "each head.\n")
    print("| configuration | parameters | windows trained | pitch NLL (nats) | pitch accuracy | "
          "step error (ms) | duration error (ms) | velocity error |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, cfg, out in runs:
        path = os.path.join(out, "metrics.csv")
        if name in failed or not os.path.exists(path):
            print(f"| {name} | failed: see {out}/train.log | | | | | | |")
            continue
        rows = list(csv.DictReader(open(path)))
        best = min(rows, key=lambda r: float(r["validation_loss"]))
        batch = json.load(open(os.path.join(out, "config.json")))["training"]["batch_size"]
        windows = int(rows[-1]["step"]) * batch
        vel = best.get("validation_velocity_mae")
        vel_text = f"{float(vel):.1f}" if vel else "—"
        print(f"| {name} | {params_of(args.binary, os.path.join(out, 'last.ckpt')):,} | {windows:,} | "
              f"{float(best['validation_pitch']):.3f} | "
              f"{100 * float(best['validation_pitch_accuracy']):.1f}% | "
              f"{float(best['validation_step_mae_ms']):.0f} | "
              f"{float(best['validation_duration_mae_ms']):.0f} | {vel_text} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
