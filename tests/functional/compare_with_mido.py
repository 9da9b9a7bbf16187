#!/usr/bin/env python3
"""Compares the notes `music-lstm inspect --notes` reads from MAESTRO files with the notes mido
(an independent MIDI parser) reads from the same files: same count, same pitch, velocity and
channel, start and end within 1 ms; and the sustain-pedal changes `inspect --pedals` reads with
mido's: same count, value and channel, time within 1 ms.

Usage: compare_with_mido.py MUSIC_LSTM DATA_DIR [--files N]
Exits 77 (skipped) when mido or the data is absent.
"""
import argparse
import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
from support.maestro import SKIP, maestro_missing  # noqa: E402
from playability_stats import inspect_csv  # noqa: E402

TOLERANCE_S = 0.001


def mido_read(path):
    """Notes and sustain-pedal changes from mido's merged playback of all tracks (one parse: mido
    takes about a second a performance). Notes are paired first in, first out per (channel,
    pitch), as the issue specifies; unterminated notes end at the end of the file. Pedal changes
    (CC64, any channel): [time, value, channel]."""
    import mido

    mid = mido.MidiFile(path)
    now = 0.0
    notes, sounding, pedals = [], {}, []
    for msg in mid:  # merged tracks, msg.time = seconds since the previous message
        now += msg.time
        if msg.type == "control_change" and msg.control == 64:
            pedals.append([now, msg.value, msg.channel])
        elif msg.type == "note_on" and msg.velocity > 0:
            note = [msg.note, msg.velocity, now, None, msg.channel]
            notes.append(note)
            sounding.setdefault((msg.channel, msg.note), []).append(note)
        elif msg.type in ("note_on", "note_off"):
            queue = sounding.get((msg.channel, msg.note))
            if queue:
                queue.pop(0)[3] = now
    for note in notes:
        if note[3] is None:
            note[3] = now
    notes.sort(key=lambda n: (n[2], n[0]))
    return notes, pedals


def our_pedals(binary, paths):
    """[time, value, channel] of each pedal change of each of `paths` (one run of the binary)."""
    return [[[float(r[0]), int(r[1]), int(r[2])] for r in rows]
            for rows in inspect_csv(binary, "--pedals", paths)]


def compare_pedals(ours, theirs):
    """Problems (empty when they agree), changes matched in order of time (ties by channel)."""
    if len(ours) != len(theirs):
        return [f"{len(ours)} pedal changes, mido reads {len(theirs)}"]
    key = lambda p: (round(p[0], 3), p[2])
    problems = []
    for a, b in zip(sorted(ours, key=key), sorted(theirs, key=key)):
        if a[1:] != b[1:] or abs(a[0] - b[0]) > TOLERANCE_S:
            problems.append(f"pedal {a} vs mido {b}")
        if len(problems) >= 3:
            break
    return problems


def our_notes(binary, paths):
    """[pitch, velocity, start, end, channel] of each note of each of `paths` (one run)."""
    return [[[int(r[0]), int(r[1]), float(r[2]), float(r[3]), int(r[4])] for r in rows]
            for rows in inspect_csv(binary, "--notes", paths)]


def compare(ours, theirs):
    """Returns a list of problems (empty when they agree). Notes are matched in order; at equal
    start and pitch the order may differ between parsers, so ties are matched by sorting them."""
    if len(ours) != len(theirs):
        return [f"{len(ours)} notes, mido reads {len(theirs)}"]
    key = lambda n: (round(n[2], 3), n[0], n[4], n[1], n[3])
    problems = []
    for a, b in zip(sorted(ours, key=key), sorted(theirs, key=key)):
        if a[0] != b[0] or a[1] != b[1] or a[4] != b[4]:
            problems.append(f"note {a} vs mido {b}")
        elif abs(a[2] - b[2]) > TOLERANCE_S or abs(a[3] - b[3]) > TOLERANCE_S:
            problems.append(f"times of {a} vs mido {b}")
        if len(problems) >= 3:
            break
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binary")
    ap.add_argument("data")
    ap.add_argument("--files", type=int, default=50, help="how many files (0: all)")
    args = ap.parse_args()
    try:
        import mido  # noqa: F401
    except ImportError:
        print("SKIP: python3-mido is not installed (scripts/setup.sh installs it)")
        return SKIP
    missing = maestro_missing(args.data)
    if missing:
        print(missing)
        return SKIP
    csv_path = os.path.join(args.data, "maestro-v3.0.0.csv")
    with open(csv_path, newline="") as f:
        files = sorted(r["midi_filename"] for r in csv.DictReader(f))
    if args.files:
        # Spread over the whole set (all years), not the first N of one year.
        stride = max(1, len(files) // args.files)
        files = files[::stride][: args.files]
    failed = 0
    total_notes = total_pedals = 0
    paths = [os.path.join(args.data, rel) for rel in files]
    # The binary reads them all in one run for each flag: it loads LibTorch once, not per file.
    all_notes, all_pedals = our_notes(args.binary, paths), our_pedals(args.binary, paths)
    for rel, path, ours, our_pedal in zip(files, paths, all_notes, all_pedals):
        theirs, pedals = mido_read(path)
        total_notes += len(theirs)
        problems = compare(ours, theirs)
        total_pedals += len(pedals)
        problems += compare_pedals(our_pedal, pedals)
        if problems:
            failed += 1
            print(f"MISMATCH {rel}: " + "; ".join(problems))
    print(f"{len(files) - failed} passed, {failed} failed  ({len(files)} files, {total_notes} notes, "
          f"{total_pedals} pedal changes)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
