#!/usr/bin/env python3
"""What a listener hears of the jam's answers to real phrases (issue 15; docs/MODELS.md,
"Playability"): phrases of --phrase-notes notes are cut from --performances MAESTRO performances
of a split the model never trained on, each followed by --silence seconds, and replayed with
`music-lstm jam --offline --replay`, in call and response and in continuous mode. For each answer:
its span (first to last onset), its largest cluster (onsets within 30 ms) and whether it is
degenerate (span under 1 s or a cluster over 10), beside as many real notes as followed the
phrase; in continuous mode, the shortest answer and the model's events a second over every 10 s,
beside the real performances' most.

Usage: answer_figures.py --binary build/music-lstm --data DIR --out DIR
                         [--split test] [--performances 30] [--phrase-notes 12] [--silence 6]
                         [--continuous-seconds 600] [--pedal] [--json FILE] [-- JAM OPTIONS...]
JAM OPTIONS (after --) go to both jams: --preset presets/x.json, --model FILE, --timing search...
"""
import argparse
import csv
import json
import os
import random
import statistics
import struct
import subprocess
import sys

from playability_stats import (largest_cluster, notes_of, notes_of_many,  # noqa: E402 (this folder's)
                               pedals_of_many)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "support"))
from smf import vlq  # noqa: E402

MIN_SPAN, MAX_CLUSTER = 1.0, 10  # midi/playability.hpp
TICKS = 480  # per quarter; 120 bpm: 960 a second


def figures(onsets):
    onsets = sorted(onsets)
    span = onsets[-1] - onsets[0] if onsets else 0.0
    cluster = largest_cluster(onsets)
    return {"span": span, "cluster": cluster,
            "degenerate": len(onsets) > 1 and (span < MIN_SPAN or cluster > MAX_CLUSTER)}


def answer_onsets(answer):
    """The answer's onsets as played: the jam's tempo knobs multiply its times."""
    scale = answer.get("played_time_scale", answer["settings"].get("time_scale", 1.0))
    t, out = 0.0, []
    for i, n in enumerate(answer["notes"]):
        if i > 0:
            t += max(n["step"], 0.0) * scale
        out.append(t)
    return out


def write_midi(path, notes, pedals=()):
    """A format-0 file at 120 bpm of (start, end, pitch, velocity) notes and (time, value) sustain
    pedal changes."""
    events = []
    for start, end, pitch, velocity in notes:
        events.append((round(start * 960), 1, bytes([0x90, pitch, velocity])))
        events.append((round(end * 960), 0, bytes([0x80, pitch, 0])))
    for at, value in pedals:
        # At one tick: note-offs, then the pedal, then note-ons (a key released as the pedal goes
        # down is not held by it).
        events.append((round(at * 960), 0.5, bytes([0xB0, 64, value])))
    events.sort(key=lambda e: (e[0], e[1]))
    body, now = b"", 0
    for tick, _, message in events:
        body += vlq(tick - now) + message
        now = tick
    body += b"\x00\xff\x2f\x00"
    with open(path, "wb") as f:
        f.write(b"MThd" + struct.pack(">IHHH", 6, 0, 1, TICKS) + b"MTrk" +
                struct.pack(">I", len(body)) + body)


def phrase_pedals(changes, origin, end, shift):
    """The pedal as it was from `origin` to `end` s of a performance, moved by `shift` s: down at
    the start if it was down then, lifted at `end` if still down (the silence after is clean)."""
    before = [v for t, v in changes if t <= origin]
    down = bool(before) and before[-1] >= 64
    out = [(origin + shift, 127)] if down else []
    for t, v in changes:
        if origin < t < end and (v >= 64) != down:
            down = v >= 64
            out.append((t + shift, 127 if down else 0))
    if down:
        out.append((end + shift, 0))
    return out


def events_per_second(notes, window=10.0):
    """The most note-ons and note-offs in any `window` seconds, a second."""
    times = sorted([s for s, _, _, _ in notes] + [e for _, e, _, _ in notes])
    return largest_cluster(times, window) / window


def jam(binary, replay, out_dir, name, extra, more):
    log = os.path.join(out_dir, name + "-answers.jsonl")
    rec = os.path.join(out_dir, name + ".mid")
    cmd = [binary, "jam", "--offline", "--replay", replay, "--answers-log", log, "--record", rec,
           *more, *extra]
    print("running:", " ".join(cmd), file=sys.stderr, flush=True)
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"answer_figures.py: the jam failed: {result.stderr.strip()}")
    with open(log) as f:
        return [json.loads(line) for line in f], rec


def summary(rows):
    spans = [r["span"] for r in rows]
    return {"answers": len(rows),
            "share_degenerate": sum(r["degenerate"] for r in rows) / max(1, len(rows)),
            "span_median_s": statistics.median(spans) if spans else 0.0,
            "span_p10_s": sorted(spans)[len(spans) // 10] if spans else 0.0,
            "span_min_s": min(spans) if spans else 0.0,
            "cluster_median": statistics.median(r["cluster"] for r in rows) if rows else 0,
            "cluster_max": max((r["cluster"] for r in rows), default=0)}


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", required=True, help="the music-lstm binary")
    ap.add_argument("--data", required=True, help="MAESTRO v3.0.0's folder")
    ap.add_argument("--out", required=True, help="folder for the phrases, answers and records")
    ap.add_argument("--split", default="test", choices=["train", "validation", "test"])
    ap.add_argument("--performances", type=int, default=30)
    ap.add_argument("--phrase-notes", type=int, default=12)
    ap.add_argument("--silence", type=float, default=6.0)
    ap.add_argument("--continuous-seconds", type=float, default=600.0,
                    help="seconds of music of the continuous jam (0: none)")
    ap.add_argument("--seed", type=int, default=1, help="where in each performance the phrase is")
    ap.add_argument("--pedal", action="store_true",
                    help="the phrases keep the performances' sustain pedal")
    ap.add_argument("--json", help="write the figures here too")
    a = ap.parse_args(argv)
    table = os.path.join(a.data, "maestro-v3.0.0.csv")
    if not os.path.exists(table):
        sys.exit(f"answer_figures.py: {table}: not found (is --data MAESTRO v3.0.0's folder?)")
    os.makedirs(a.out, exist_ok=True)
    with open(table, newline="") as f:
        files = [r["midi_filename"] for r in csv.DictReader(f) if r["split"] == a.split]
    files = files[::max(1, len(files) // a.performances)][:a.performances]
    rng = random.Random(a.seed)

    # The phrases one after another, each followed by the silence; the real notes after each.
    player, pedals, real, phrase_ends, real_rate, t = [], [], [], [], 0.0, 1.0
    paths = [os.path.join(a.data, name) for name in files]
    performances = notes_of_many(a.binary, paths)
    pedal_tracks = pedals_of_many(a.binary, paths) if a.pedal else [[] for _ in paths]
    for name, notes, changes in zip(files, performances, pedal_tracks):
        real_rate = max(real_rate, events_per_second(notes))
        at = rng.randrange(len(notes) // 4, len(notes) - a.phrase_notes - 60)
        phrase = notes[at:at + a.phrase_notes]
        # The real notes after the phrase, as many as an answer may have (a preset's length).
        real.append([s for s, _, _, _ in notes[at + a.phrase_notes:at + a.phrase_notes + 500]])
        origin = phrase[0][0]
        shifted = [(s - origin + t, e - origin + t, p, v) for s, e, p, v in phrase]
        player += shifted
        phrase_ends.append(max(e for _, e, _, _ in shifted))
        if a.pedal:
            pedals += phrase_pedals(changes, origin, max(e for _, e, _, _ in phrase), t - origin)
        t = phrase_ends[-1] + a.silence
    replay = os.path.join(a.out, "phrases.mid")
    write_midi(replay, player, pedals)

    # Call and response: the answer to phrase k is the first that starts after its end.
    answers, _ = jam(a.binary, replay, a.out, "call-and-response", extra,
                     ["--mode", "call-and-response", "--seconds", str(t)])
    model_rows, real_rows = [], []
    for k, end in enumerate(phrase_ends):
        after = [x for x in answers if x["start_s"] >= end - 1e-3]
        if after and (k + 1 == len(phrase_ends) or after[0]["start_s"] < phrase_ends[k + 1]):
            onsets = answer_onsets(after[0])
            model_rows.append(figures(onsets))
            real_rows.append(figures(real[k][:len(onsets)]))  # as many real notes
    out = {"performances": len(files), "phrase_notes": a.phrase_notes, "settings": extra,
           "call_and_response": {"model": summary(model_rows), "real": summary(real_rows),
                                 "phrases": len(phrase_ends)}}
    m, r = out["call_and_response"]["model"], out["call_and_response"]["real"]
    m["span_ratio"] = m["span_median_s"] / r["span_median_s"] if r["span_median_s"] else 0.0
    print(f"call and response, {len(model_rows)} answers to {len(phrase_ends)} phrases: "
          f"{m['share_degenerate'] * 100:.1f}% degenerate; median span {m['span_median_s']:.2f} s "
          f"({m['span_ratio']:.2f}x the real {r['span_median_s']:.2f} s); median largest cluster "
          f"{m['cluster_median']} (real {r['cluster_median']}), most {m['cluster_max']}")

    if a.continuous_seconds > 0:
        # The first phrase, then the model on its own for the rest of the time.
        first = [n for n in player if n[0] < phrase_ends[0] + 1e-9]
        lead = os.path.join(a.out, "first-phrase.mid")
        write_midi(lead, first, [p for p in pedals if p[0] < phrase_ends[0] + 1e-9])
        chained, rec = jam(a.binary, lead, a.out, "continuous", extra,
                           ["--mode", "continuous", "--seconds", str(a.continuous_seconds)])
        rows = [figures(answer_onsets(x)) for x in chained]
        model = [(s, e, p, v) for s, e, p, v in notes_of(a.binary, rec)
                 if s >= phrase_ends[0]]  # the recording's player notes end there
        rate = events_per_second(model) if model else 0.0
        c = summary(rows)
        c["events_per_second_max_10s"] = rate
        c["real_events_per_second_max_10s"] = real_rate
        out["continuous"] = c
        print(f"continuous, {a.continuous_seconds:.0f} s of music, {len(rows)} answers: "
              f"{c['share_degenerate'] * 100:.1f}% degenerate; shortest span {c['span_min_s']:.2f} s; "
              f"median cluster {c['cluster_median']}, most {c['cluster_max']}; events a second "
              f"over 10 s at most {rate:.1f} (the real performances' most: {real_rate:.1f})")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=2)


if __name__ == "__main__":
    main()
