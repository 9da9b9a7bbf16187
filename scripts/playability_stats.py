#!/usr/bin/env python3
"""What real piano music allows: the statistics behind the decoder's playability limits
(engine/decode/search_settings.hpp, docs/MODELS.md "Playability").

Cuts every performance of a MAESTRO split into windows of --notes notes (the answer's length) and
prints, over the windows, the quantiles of
  - the largest cluster: most onsets within 30 ms (midi/playability.hpp), and
  - the pace: the lowest rate R (notes a second) that admits the window under the decoder's rule
    "note n of an answer starts no earlier than (n - B) / R seconds after the first", B being the
    burst the rule allows (the cluster limit).
A limit at a high quantile of these leaves nearly all real music alone and forbids what no pianist
plays. Reads notes with `music-lstm inspect --notes`.

Usage: playability_stats.py --binary build/music-lstm --data DIR [--split train] [--files 0]
                            [--notes 50] [--burst 8]
"""
import argparse
import csv
import os
import subprocess
import sys
import time

CLUSTER_WINDOW = 0.030


def notes_of(binary, path):
    """(start, end, pitch, velocity) of each note, sorted by start then pitch."""
    return notes_of_many(binary, [path])[0]


def inspect_csv(binary, flag, paths):
    """The rows of `music-lstm inspect FLAG paths...` (--notes, --pedals) for each of `paths`,
    read in one run of the binary (a run loads LibTorch: about a second, where reading a
    performance takes milliseconds)."""
    out = subprocess.run([binary, "inspect", flag, *paths], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{os.path.basename(sys.argv[0])}: {out.stderr.strip()}")
    rows = [[] for _ in paths]
    several = len(paths) > 1
    for row in csv.reader(out.stdout.splitlines()[1:]):  # after the header
        file, row = (int(row[0]), row[1:]) if several else (0, row)
        rows[file].append(row)
    return rows


def notes_of_many(binary, paths):
    """notes_of() for each of `paths`."""
    return [sorted((float(r[2]), float(r[3]), int(r[0]), int(r[1])) for r in rows)
            for rows in inspect_csv(binary, "--notes", paths)]


def pedals_of_many(binary, paths):
    """(seconds, value) of each sustain-pedal change (CC64, any channel) of each of `paths`."""
    return [[(float(r[0]), int(r[1])) for r in rows]
            for rows in inspect_csv(binary, "--pedals", paths)]


def largest_cluster(times, window=CLUSTER_WINDOW):
    """The most of the sorted `times` within any `window` seconds."""
    best, to = 0, 0
    for i in range(len(times)):
        to = max(to, i)
        while to < len(times) and times[to] - times[i] < window:
            to += 1
        best = max(best, to - i)
    return best


def pace(onsets, burst):
    """The lowest R with onsets[n] - onsets[0] >= (n - burst) / R for every n."""
    need = 0.0
    for n in range(burst + 1, len(onsets)):
        elapsed = onsets[n] - onsets[0]
        need = max(need, (n - burst) / elapsed if elapsed > 0 else float("inf"))
    return need


def quantiles(values, qs=(0.5, 0.9, 0.99, 0.999, 1.0)):
    s = sorted(values)
    return {q: s[min(len(s) - 1, int(q * (len(s) - 1) + 0.5))] for q in qs}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", required=True, help="the music-lstm binary")
    ap.add_argument("--data", required=True, help="MAESTRO v3.0.0's folder (with its .csv)")
    ap.add_argument("--split", default="train", choices=["train", "validation", "test"])
    ap.add_argument("--files", type=int, default=0, help="at most this many files (0: all)")
    ap.add_argument("--notes", type=int, default=50, help="notes per window (an answer's length)")
    ap.add_argument("--burst", type=int, default=8, help="notes the pace rule lets start at once")
    a = ap.parse_args()
    table = os.path.join(a.data, "maestro-v3.0.0.csv")
    if not os.path.exists(table):
        sys.exit(f"playability_stats.py: {table}: not found (is --data MAESTRO v3.0.0's folder?)")
    with open(table, newline="") as f:
        files = [r["midi_filename"] for r in csv.DictReader(f) if r["split"] == a.split]
    if a.files:
        files = files[::max(1, len(files) // a.files)][:a.files]
    clusters, paces = [], []
    began = time.time()
    for i, name in enumerate(files):
        onsets = [start for start, _, _, _ in notes_of(a.binary, os.path.join(a.data, name))]
        for w in range(0, len(onsets) - a.notes + 1, a.notes):
            window = onsets[w:w + a.notes]
            clusters.append(largest_cluster(window))
            paces.append(pace(window, a.burst))
        left = (time.time() - began) / (i + 1) * (len(files) - i - 1)
        print(f"\r{i + 1}/{len(files)} files, {len(clusters)} windows, about {left:.0f} s left ",
              end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    print(f"{a.split}: {len(files)} performances, {len(clusters)} windows of {a.notes} notes")
    for name, values in (("largest cluster (onsets within 30 ms)", clusters),
                         (f"pace (notes a second, burst {a.burst})", paces)):
        q = quantiles(values)
        print(f"{name}: " + ", ".join(f"q{k * 100:g} {v:.2f}" for k, v in q.items()))
    for limit in range(4, 13):
        share = sum(c > limit for c in clusters) / len(clusters)
        print(f"  windows with a cluster over {limit}: {share * 100:.3f}%")


if __name__ == "__main__":
    main()
