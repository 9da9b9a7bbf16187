#!/usr/bin/env python3
"""Time to parse all MAESTRO v3.0.0 MIDI files: music-lstm's reader (bench_midi_parse, one
thread) beside mido (one thread, same files, same run), with the ratio.

Both do the same work: read the file, convert ticks to seconds through the tempo map, and pair
note-ons with note-offs into notes. Prints a Markdown table for docs/BENCHMARKS.md.

Usage: compare_parse_with_mido.py BENCH_BINARY DATA_DIR [--files N]
"""
import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "functional"))
from compare_with_mido import mido_notes  # noqa: E402  (the same note extraction as the test)


def cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bench")
    ap.add_argument("data")
    args = ap.parse_args()

    env = dict(os.environ, MUSIC_LSTM_MAESTRO_DIR=args.data)
    out = subprocess.run([args.bench, "--benchmark_format=json"], check=True, env=env,
                         capture_output=True, text=True).stdout
    ours = {b["name"]: b for b in json.loads(out)["benchmarks"]}
    disk = ours["BM_ReadAndParseAllMaestro/min_time:2.000"]
    mem = ours["BM_ParseAllMaestroFromMemory/min_time:2.000"]
    ours_s = disk["real_time"] / 1000.0
    files, notes = int(disk["files"]), int(disk["notes"])

    with open(os.path.join(args.data, "maestro-v3.0.0.csv"), newline="") as f:
        paths = [os.path.join(args.data, r["midi_filename"]) for r in csv.DictReader(f)]
    start = time.perf_counter()
    mido_count = sum(len(mido_notes(p)) for p in paths)
    mido_s = time.perf_counter() - start
    assert mido_count == notes, f"mido read {mido_count} notes, we read {notes}"

    import mido
    print(f"Machine: {cpu_name()}, {os.cpu_count()} cores; one thread each. "
          f"Date: {time.strftime('%Y-%m-%d')}. mido {mido.__version__}, Python {platform.python_version()}.")
    print()
    print("| parser | files | notes | time | files/s | vs. mido |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| music-lstm (read + parse) | {files} | {notes} | {ours_s:.2f} s | {files / ours_s:.0f} | "
          f"{mido_s / ours_s:.0f}x faster |")
    print(f"| music-lstm (parse from memory) | {files} | {notes} | {mem['real_time'] / 1000:.2f} s | "
          f"{files / (mem['real_time'] / 1000):.0f} | {mido_s / (mem['real_time'] / 1000):.0f}x faster |")
    print(f"| mido {mido.__version__} (read + parse) | {len(paths)} | {mido_count} | {mido_s:.1f} s | "
          f"{len(paths) / mido_s:.1f} | 1x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
