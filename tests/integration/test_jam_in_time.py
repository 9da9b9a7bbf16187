#!/usr/bin/env python3
"""The jam in the player's time with the shipped model (issue 17): phrases of three bars at 80, 120
and 160 bpm (a melody in quarters, eighths and dotted rhythms over a bass on beats 1 and 3, every
onset off by a player's few milliseconds), four at each tempo, answered by
`music-lstm jam --offline`:
  --entry beat: every answer's first note within 5 ms of a beat of the tempo the jam heard, and
    that beat within 3% and 30 ms of the phrase's own for at least 90% of the phrases;
  --answer-tempo player: the same phrases played at 80, 120 and 160 bpm are answered at the
    player's tempo: the answers' mean inter-onset intervals 2x and 1.33x those at 160 bpm (the
    geometric mean over the phrases of four jams with other seeds, within 15%: drawn timing
    varies each answer's pace). With the model's own tempo (--answer-tempo model) the figures are
    printed beside.

  test_jam_in_time.py MUSIC_LSTM MODEL"""
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
from answer_figures import write_midi  # noqa: E402

TEMPOS = (80, 120, 160)
PER_TEMPO = 12
SEEDS = 4  # jams with drawn timing pooled for the tempo figures
SILENCE = 25.0  # after each phrase: the answer plays out before the next


def phrase(bpm, start, seed):
    """Three bars of 4/4 from `start`, the same music for the same `seed` at any tempo (the
    player's timing off by the same share of a beat); returns the notes and the beat period."""
    rng = random.Random(seed)
    beat = 60.0 / bpm
    notes, pitch = [], 67
    for b in range(12):
        accent = 92 if b % 4 == 0 else 82 if b % 4 == 2 else 74
        pitch = min(84, max(60, pitch + rng.randint(-2, 2)))
        t = start + b * beat
        kind = rng.randrange(10)
        if kind < 4:
            parts = [(0.0, 1.0)]
        elif kind < 8:
            parts = [(0.0, 0.5), (0.5, 0.5)]
        else:
            parts = [(0.0, 0.75), (0.75, 0.25)]
        for i, (at, length) in enumerate(parts):
            on = t + at * beat + rng.gauss(0.0, 0.016) * beat
            notes.append((on, on + 0.9 * length * beat, pitch + 2 * i,
                          max(1, accent - 16 * i + rng.randint(-5, 5))))
        if b % 2 == 0:
            on = t + rng.gauss(0.0, 0.016) * beat
            notes.append((on, on + 1.8 * beat, 43 + (b // 4) * 2, accent - 4))
    return notes, beat


def jam(binary, model, replay, out, name, options, seconds):
    log = os.path.join(out, name + ".jsonl")
    cmd = [binary, "jam", "--offline", "--replay", replay, "--model", model, "--answers-log", log,
           "--seconds", str(seconds), *options]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if r.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {r.returncode}: {r.stderr.strip()}")
    with open(log) as f:
        return [json.loads(line) for line in f]


def first_answers(answers, phrases):
    """The answer to each phrase: the first that starts after it ends and before the next."""
    out = []
    for k, (_, _, end, _) in enumerate(phrases):
        nxt = phrases[k + 1][0] if k + 1 < len(phrases) else float("inf")
        after = [a for a in answers if end - 1e-3 <= a["start_s"] < nxt and not a["chained"]]
        out.append(after[0] if after else None)
    return out


def mean_ioi(answer):
    """The answer's mean inter-onset interval as played."""
    steps = [max(0.0, n["step"]) for n in answer["notes"][1:]]
    return statistics.mean(steps) * answer["played_time_scale"] if steps else 0.0


def main():
    binary, model = sys.argv[1:3]
    notes, phrases, t = [], [], 1.0
    for k in range(PER_TEMPO):
        for bpm in TEMPOS:
            got, beat = phrase(bpm, t, 17 + k)
            notes += got
            end = max(e for _, e, _, _ in got)
            phrases.append((t, beat, end, bpm))
            t = end + SILENCE
    failures = []
    with tempfile.TemporaryDirectory() as out:
        replay = os.path.join(out, "phrases.mid")
        write_midi(replay, notes)
        on_beat = first_answers(jam(binary, model, replay, out, "beat", ["--entry", "beat"], t),
                                phrases)
        # Drawn timing makes each answer's own pace vary (x/1.3 to x/1.6 between two answers to
        # one phrase): four seeds, pooled, so the figure is the feature's and not one draw's.
        player = [first_answers(jam(binary, model, replay, out, f"player-{seed}",
                                    ["--answer-tempo", "player", "--seed", str(seed)], t), phrases)
                  for seed in range(SEEDS)]
        own = [first_answers(jam(binary, model, replay, out, f"model-{seed}",
                                 ["--seed", str(seed)], t), phrases)
               for seed in range(SEEDS)]

    # On the beat: exactly on the beat the jam heard, and that beat near the phrase's own.
    exact, heard_ok, offsets = [], 0, []
    for (start, beat, end, bpm), a in zip(phrases, on_beat):
        if a is None or "beat" not in a:
            failures.append(f"--entry beat: no answer, or no beat heard, after {start:.1f} s")
            continue
        heard = a["beat"]
        period = 60.0 / heard["bpm"]
        k = round((a["start_s"] - heard["phase_s"]) / period)
        exact.append(abs(a["start_s"] - (heard["phase_s"] + k * period)) * 1000)
        if exact[-1] > 5.0:
            failures.append(f"--entry beat: the answer at {a['start_s']:.3f} s is "
                            f"{exact[-1]:.1f} ms off the beat the jam heard")
        # The jam's clock starts the replay after a short delay, which the answer's record of
        # the phrase's end (its last note-off) tells.
        delay = a["phrase_end_s"] - end
        k = round((a["start_s"] - delay - start) / beat)
        offsets.append(abs(a["start_s"] - delay - (start + k * beat)) * 1000)
        heard_ok += abs(period / beat - 1) <= 0.03 and offsets[-1] <= 30.0
    if exact:
        print(f"--entry beat: {len(exact)} answers, at most {max(exact):.2f} ms off the beat the "
              f"jam heard; that beat within 3% and 30 ms of the phrase's own for {heard_ok} "
              f"(median {statistics.median(offsets):.1f} ms off it)")
    if heard_ok < 0.9 * len(phrases):
        failures.append(f"--entry beat: the beat heard is the phrase's for {heard_ok} of "
                        f"{len(phrases)} phrases (at least 90%)")

    # The player's tempo: the same music at 80, 120 and 160 bpm is answered at the player's tempo.
    # Answers to one phrase at two tempos are not the same notes (the model hears each a little
    # differently, and draws its timing), so the figure is the geometric mean of their ratios.
    for name, answers in (("player", player), ("model", own)):
        figures = {}
        for slow, want in ((80, 2.0), (120, 4.0 / 3.0)):
            logs = []
            for run in answers:
                for k in range(PER_TEMPO):
                    a, b = run[3 * k + TEMPOS.index(slow)], run[3 * k + 2]
                    if a and b and mean_ioi(a) > 0 and mean_ioi(b) > 0:
                        logs.append(math.log(mean_ioi(a) / mean_ioi(b)))
            ratio = math.exp(statistics.mean(logs)) if logs else 0.0
            spread = math.exp(statistics.pstdev(logs)) if logs else 0.0
            figures[slow] = ratio
            print(f"--answer-tempo {name}: {slow} against 160 bpm, the answers' mean inter-onset "
                  f"intervals {ratio:.2f}x apart (the player's {want:.2f}x; geometric mean of "
                  f"{len(logs)}, spread x/{spread:.2f})")
            if name == "player" and abs(ratio / want - 1) > 0.15:
                failures.append(f"--answer-tempo player: {slow} against 160 bpm gives "
                                f"{ratio:.2f}x, not {want:.2f}x within 15%")

    if failures:
        print("\n".join("FAIL: " + f for f in failures))
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
