#!/usr/bin/env python3
"""The jam's answer latency on a dummy JACK server: a second process plays phrases of ten notes
with pauses between them to `music-lstm jam --virtual`; from the jam's answers log, the time from
each phrase's end (its last note-off) to the answer's first note, with speculation on and off, at
beam widths 1, 8 and 32, and the inference time per answer. Prints Markdown tables.

  bench/jam_latency.py MODEL [--phrases 12] [--widths 1 8 32]   (after scripts/build.sh)
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
import smf  # noqa: E402

MUSIC_LSTM = os.path.join(ROOT, "build", "music-lstm")
SENDER = os.path.join(ROOT, "build", "tests", "mlstm_test_midi_sender")
SERVER = os.path.join(ROOT, "tests", "support", "jack_server.sh")
GAP = 0.35


def player_file(path, phrases, spacing):
    events, t0 = [], 0.0
    for k in range(phrases):
        for i in range(10):
            pitch = 60 + (k * 3 + [0, 2, 4, 5, 7, 9, 11, 12, 11, 7][i]) % 24
            on = t0 + 0.23 * i + 0.02 * (i % 3)
            events.append((on, 1, bytes([0x90, pitch, 70 + 4 * i])))
            events.append((on + 0.18, 0, bytes([0x80, pitch, 0])))
        t0 += spacing
    events.sort(key=lambda e: (e[0], e[1]))
    body, now = [], 0
    for t, _, data in events:
        tick = round(t * 960)  # 480 a quarter at 120 bpm
        body.append((tick - now, data))
        now = tick
    with open(path, "wb") as f:
        f.write(b"MThd" + (6).to_bytes(4, "big") + (0).to_bytes(2, "big") + (1).to_bytes(2, "big")
                + (480).to_bytes(2, "big") + smf.track(body))
    return t0


def run(model, width, speculate, song, seconds, work):
    log = os.path.join(work, f"answers-{width}-{int(speculate)}.jsonl")
    stats = os.path.join(work, f"stats-{width}-{int(speculate)}.json")
    args = [MUSIC_LSTM, "jam", "--model", model, "--device", "cpu", "--virtual", "--headless",
            "--width", str(width), "--gap", str(GAP), "--answers-log", log, "--stats-json", stats,
            "--seconds", str(seconds)]
    if not speculate:
        args.append("--no-speculation")
    jam = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
    for _ in range(100):
        if "music-lstm:in" in subprocess.run(["jack_lsp"], capture_output=True,
                                             text=True).stdout:
            break
        time.sleep(0.1)
    subprocess.run([SENDER, "--port", "music-lstm:in", "--file", song, "--delay", "1"],
                   check=True, capture_output=True)
    try:
        _, err = jam.communicate(timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        subprocess.run(["gdb", "-p", str(jam.pid), "-batch", "-ex", "thread apply all bt 12"],
                       stdout=sys.stderr)
        jam.kill()
        raise
    with open(log) as f:
        answers = [json.loads(line) for line in f]
    with open(stats) as f:
        report = json.load(f)
    own = [a for a in answers if not a["chained"]]
    delays = np.array([(a["start_s"] - a["phrase_end_s"]) * 1000 for a in own])
    inference = np.array([a["inference_ms"] for a in own])
    return delays, inference, report


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("model")
    p.add_argument("--phrases", type=int, default=12)
    p.add_argument("--spacing", type=float, default=6.0, help="seconds from phrase to phrase")
    p.add_argument("--widths", type=int, nargs="+", default=[1, 8, 32])
    p.add_argument("--period", default="256")
    a = p.parse_args()
    work = tempfile.mkdtemp(prefix="jam-latency-")
    os.environ.update(JACK_DEFAULT_SERVER="mlstm-bench-jam", JACK_NO_START_SERVER="1")
    jack_log = os.path.join(work, "jackd.log")
    subprocess.run([SERVER, "start", "mlstm-bench-jam", jack_log, a.period], check=True)
    try:
        song = os.path.join(work, "phrases.mid")
        length = player_file(song, a.phrases, a.spacing)
        rows = []
        for width in a.widths:
            for speculate in (True, False):
                d, inf, rep = run(a.model, width, speculate, song, length + 4, work)
                rows.append((width, speculate, d, inf, rep))
                print(f"width {width}, speculation {'on' if speculate else 'off'}: "
                      f"{len(d)} answers, median {np.median(d):.1f} ms", file=sys.stderr)
    finally:
        subprocess.run([SERVER, "stop", "mlstm-bench-jam"])
    print(f"Phrase end (last note-off) to the answer's first note; gap {GAP * 1000:.0f} ms, "
          f"buffer {a.period} frames at 48 kHz; {a.phrases} phrases a run.\n")
    print("| width | speculation | answers | median | p95 | max | inference median | "
          "inference max | xruns |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for width, speculate, d, inf, rep in rows:
        print(f"| {width} | {'on' if speculate else 'off'} | {len(d)} | {np.median(d):.1f} ms | "
              f"{np.percentile(d, 95):.1f} ms | {d.max():.1f} ms | {np.median(inf):.1f} ms | "
              f"{inf.max():.1f} ms | {rep['xruns']} |")


if __name__ == "__main__":
    main()
