#!/usr/bin/env python3
"""Runs `music-lstm eval` over several decoding settings of one model and tabulates what changes
with them (docs/MODELS.md, "Decoding"): the five continuation overlaps against the real music,
their mean, and the repetition figures of the composed songs next to the real music's.

Pick the setting on the validation split (the default here), then report it on the test split, so
the choice is not fitted to the figures it is judged by. Each setting is one eval run; --jobs runs
that many at once (one CPU thread each).

Usage: sweep_decoding.py --binary build/music-lstm --model FILE --data DIR --out DIR
                         [--split validation] [--prompts 100] [--jobs 2]
                         --setting "penalty=0.5,window=16" [--setting ...]
A setting's keys: penalty, window, width, temperature, sampling, timing (search or sample).
"""
import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

FLAGS = {
    "penalty": "--repetition-penalty",
    "window": "--repetition-window",
    "width": "--width",
    "temperature": "--temperature",
    "sampling": "--sampling",
    "timing": "--timing",  # search or sample
}


def parse_setting(text):
    setting = {}
    for part in filter(None, text.split(",")):
        key, sep, value = part.partition("=")
        if not sep or key not in FLAGS:
            sys.exit(f"sweep_decoding.py: bad setting '{part}'; keys are {', '.join(FLAGS)}")
        if key == "timing" and value not in ("search", "sample"):
            sys.exit(f"sweep_decoding.py: bad setting '{part}'; timing is search or sample")
        setting[key] = value
    return setting


def run_eval(args, setting):
    name = "_".join(f"{k}-{v}" for k, v in setting.items()) or "plain"
    out = os.path.join(args.out, name)
    cmd = [args.binary, "eval", "--model", args.model, "--data", args.data, "--split", args.split,
           "--prompts", str(args.prompts), "--max-windows", "1", "--threads", "1", "--quiet",
           "--out", out]
    for key, value in setting.items():
        cmd += [FLAGS[key], value]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"sweep_decoding.py: {' '.join(cmd)} failed:\n{done.stderr}")
    with open(os.path.join(out, "report.json")) as f:
        return name, json.load(f)


def row(name, r):
    c, p = r["continuations"], r["repetition"]
    overlaps = [c["pitch_class_overlap"], c["pitch_range"]["overlapping_area"],
                c["mean_abs_interval"]["overlapping_area"],
                c["inter_onset_interval_overlapping_area"], c["duration_overlapping_area"]]
    cells = [name] + [f"{v:.3f}" for v in overlaps] + [f"{sum(overlaps) / len(overlaps):.3f}",
             f"{p['longest_two_pitch_run_mean']:.1f}", f"{100 * p['share_stuck']:.0f}%",
             f"{p['distinct_four_gram_share']:.3f}", f"{c['answer_ms']['median']:.0f}"]
    return "| " + " | ".join(cells) + " |"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default="build/music-lstm")
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--split", default="validation")
    ap.add_argument("--prompts", type=int, default=100)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--setting", action="append", required=True)
    args = ap.parse_args()
    settings = [parse_setting(s) for s in args.setting]
    os.makedirs(args.out, exist_ok=True)
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda s: run_eval(args, s), settings))
    print("| setting | pitch classes | range | interval | IOI | duration | mean overlap | "
          "longest 2-pitch run | stuck | distinct 4-grams | answer ms |")
    print("|---|" + "---:|" * 10)
    for name, r in results:
        print(row(name, r))
    real = results[0][1]["repetition"].get("real", {})
    if real.get("songs"):
        print(f"| real music ({real['songs']} stretches) | | | | | | | "
              f"{real['longest_two_pitch_run_mean']:.1f} | {100 * real['share_stuck']:.0f}% | "
              f"{real['distinct_four_gram_share']:.3f} | |")


if __name__ == "__main__":
    main()
