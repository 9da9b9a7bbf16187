#!/usr/bin/env python3
"""The groove knob measured as a listener would hear it (issue 36): phrases of 16 notes cut from
MAESTRO test performances are played, one every --spacing seconds, into an offline jam that keeps
a beat of its own (the metronome's count-in, then silent: a beat source, as a drum machine's
clock is), with entry on the beat and the answer in the player's tempo, once for each groove
value. For each value it prints, over the answers:

  - on the grid: the median share of an answer's onsets within 20 ms of the beat's sixteenths;
  - degenerate: the share of answers under 1 s or with more than 10 onsets within 30 ms
    (issue 15's playability, midi/playability.hpp);
  - largest cluster: the median of the most onsets within 30 ms.

Usage: groove_figures.py --binary build/music-lstm --data DIR [--phrases 40] [--bpm 100]
                         [--grooves 0,0.5,0.75,1] [--seed 1]
"""
import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile

import mido

CLUSTER_WINDOW = 0.030


def test_files(data):
    with open(os.path.join(data, "maestro-v3.0.0.csv")) as f:
        return [os.path.join(data, r["midi_filename"]) for r in csv.DictReader(f)
                if r["split"] == "test"]


def phrases(binary, files, count, rng):
    """`count` runs of 16 notes (start, end, pitch, velocity), each from 0 s, from random files."""
    picked = rng.sample(files, min(count, len(files)))
    out = subprocess.run([binary, "inspect", "--notes", *picked], capture_output=True, text=True,
                         check=True)
    by_file = {}
    for row in csv.reader(out.stdout.splitlines()[1:]):
        file, row = (int(row[0]), row[1:]) if len(picked) > 1 else (0, row)
        by_file.setdefault(file, []).append((float(row[2]), float(row[3]), int(row[0]),
                                             int(row[1])))
    result = []
    for notes in by_file.values():
        notes.sort()
        if len(notes) < 200:
            continue
        i = rng.randrange(50, len(notes) - 20)
        cut = notes[i:i + 16]
        t0 = cut[0][0]
        result.append([(s - t0, e - t0, p, v) for s, e, p, v in cut])
    return result[:count]


def write_phrases(path, cut, spacing):
    """One MIDI file: the phrases, one every `spacing` seconds from 4 s."""
    events = []
    for k, notes in enumerate(cut):
        base = 4.0 + k * spacing
        for s, e, p, v in notes:
            events.append((base + s, mido.Message("note_on", note=p, velocity=v)))
            events.append((base + max(e, s + 0.05), mido.Message("note_off", note=p)))
    events.sort(key=lambda x: (x[0], x[1].type == "note_on"))
    mid = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    mid.tracks.append(track)
    track.append(mido.MetaMessage("set_tempo", tempo=500000))
    last = 0
    for t, msg in events:
        tick = round(t * 960)
        msg.time = tick - last
        last = tick
        track.append(msg)
    mid.save(path)


def largest_cluster(onsets):
    best, j = 0, 0
    for i in range(len(onsets)):
        while onsets[i] - onsets[j] > CLUSTER_WINDOW:
            j += 1
        best = max(best, i - j + 1)
    return best


def figures(binary, model, song, groove, bpm, work):
    log = os.path.join(work, f"answers-{groove}.jsonl")
    rec = os.path.join(work, f"jam-{groove}.mid")
    subprocess.run([binary, "jam", "--offline", "--model", model, "--replay", song,
                    "--render", os.path.join(work, "jam.wav"), "--record", rec,
                    "--answers-log", log, "--metronome", "count-in", "--metronome-bpm", str(bpm),
                    "--entry", "beat", "--answer-tempo", "player", "--groove", str(groove)],
                   capture_output=True, text=True, check=True)
    with open(log) as f:
        answers = [json.loads(line) for line in f if line.strip()]
    # The model's note-ons as played (the recording's model track).
    mid = mido.MidiFile(rec)
    ons, t = [], 0.0
    for msg in mid.tracks[2]:
        t += mido.tick2second(msg.time, mid.ticks_per_beat, 500000)
        if msg.type == "note_on" and msg.velocity > 0:
            ons.append(t)
    sixteenth = 60.0 / bpm / 4
    shares, degenerate, clusters = [], 0, []
    starts = [a["start_s"] for a in answers] + [1e9]
    for a, nxt in zip(answers, starts[1:]):
        mine = [x for x in ons if a["start_s"] - 1e-4 <= x < nxt - 1e-4]
        if not mine:
            continue
        phase = a["beat"]["phase_s"] if a.get("beat") else 0.0
        near = sum(1 for x in mine
                   if abs((x - phase) / sixteenth - round((x - phase) / sixteenth)) * sixteenth
                   <= 0.020)
        shares.append(near / len(mine))
        cluster = largest_cluster(mine)
        clusters.append(cluster)
        # As the answer was planned (the log), not as the next phrase cut it.
        span = sum(max(0.0, n["step"]) for n in a["notes"][1:]) * a["played_time_scale"]
        degenerate += span < 1.0 or cluster > 10
    shares.sort()
    clusters.sort()
    n = len(shares)
    return {"groove": groove, "answers": n, "on_grid_median": shares[n // 2] if n else 0.0,
            "on_grid_worst": shares[0] if n else 0.0, "degenerate": degenerate / max(n, 1),
            "largest_cluster_median": clusters[n // 2] if n else 0}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--model", default=os.path.join(os.path.dirname(__file__), "..", "models",
                                                    "default", "model.ckpt"))
    ap.add_argument("--phrases", type=int, default=40)
    ap.add_argument("--spacing", type=float, default=14.0)
    ap.add_argument("--bpm", type=float, default=100.0)
    ap.add_argument("--grooves", default="0,0.5,0.75,1")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if not os.path.exists(os.path.join(args.data, "maestro-v3.0.0.csv")):
        sys.exit(f"no MAESTRO data at {args.data} (music-lstm get-data fetches it)")
    rng = random.Random(args.seed)
    cut = phrases(args.binary, test_files(args.data), args.phrases, rng)
    with tempfile.TemporaryDirectory() as work:
        song = os.path.join(work, "phrases.mid")
        write_phrases(song, cut, args.spacing)
        print(f"{len(cut)} phrases of 16 notes from MAESTRO test, metronome {args.bpm:g} bpm")
        print("| groove | answers | on the sixteenths (median, worst) | degenerate | "
              "largest cluster (median) |")
        print("|---:|---:|---:|---:|---:|")
        for g in [float(x) for x in args.grooves.split(",")]:
            f = figures(args.binary, args.model, song, g, args.bpm, work)
            print(f"| {g:g} | {f['answers']} | {f['on_grid_median'] * 100:.0f} % "
                  f"({f['on_grid_worst'] * 100:.0f} %) | {f['degenerate'] * 100:.1f} % | "
                  f"{f['largest_cluster_median']} |", flush=True)


if __name__ == "__main__":
    main()
