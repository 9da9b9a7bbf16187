#!/usr/bin/env python3
"""The scale lock with the shipped model (issue 17): phrases of 12 notes cut from 100 MAESTRO test
performances, answered by `music-lstm jam --offline` with the default settings
(scripts/answer_figures.py), three times:
  --scale "D minor": no note of any answer outside D natural minor;
  --scale key: no note outside the scale of the key the jam heard, which it heard for every answer;
  --scale off: some answers leave the key they were asked in (else the lock proves nothing).
Locked, the answers must still be music: none degenerate (answer_figures.py's definition).

  test_scale_lock.py MUSIC_LSTM MAESTRO_DIR MODEL
Exits 77 (skipped) when the data is absent."""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from support.maestro import SKIP, maestro_missing  # noqa: E402

FIGURES = os.path.join(HERE, "..", "..", "scripts", "answer_figures.py")
PERFORMANCES = 100
D_MINOR = {2, 4, 5, 7, 9, 10, 0}


def answers(binary, data, model, out, scale):
    path = os.path.join(out, "figures.json")
    r = subprocess.run([sys.executable, FIGURES, "--binary", binary, "--data", data, "--out", out,
                        "--performances", str(PERFORMANCES), "--continuous-seconds", "0",
                        "--json", path, "--", "--model", model, "--scale", scale],
                       capture_output=True, text=True, timeout=1200)
    print(f"--scale {scale}: {r.stdout.strip()}")
    if r.returncode != 0:
        print(r.stderr)
        sys.exit(f"FAIL: answer_figures.py exited {r.returncode}")
    with open(path) as f:
        figures = json.load(f)["call_and_response"]["model"]
    with open(os.path.join(out, "call-and-response-answers.jsonl")) as f:
        return [json.loads(line) for line in f], figures


def classes(mask):
    return {c for c in range(12) if mask >> c & 1}


def outside(answer, allowed):
    return [n["pitch"] for n in answer["notes"] if n["pitch"] % 12 not in allowed]


def main():
    binary, data, model = sys.argv[1:4]
    missing = maestro_missing(data)
    if missing:
        print(missing)
        sys.exit(SKIP)
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        fixed, fixed_figures = answers(binary, data, model, os.path.join(tmp, "d-minor"),
                                       "D minor")
        keyed, keyed_figures = answers(binary, data, model, os.path.join(tmp, "key"), "key")
        free, _ = answers(binary, data, model, os.path.join(tmp, "off"), "off")

    for name, got in (("D minor", fixed), ("key", keyed), ("off", free)):
        if len(got) < PERFORMANCES:
            failures.append(f"--scale {name}: {len(got)} answers to {PERFORMANCES} phrases")
    bad = [a["index"] for a in fixed if outside(a, D_MINOR)]
    if bad:
        failures.append(f"--scale 'D minor': answers {bad[:10]} have notes outside D minor")
    if any(classes(a["settings"]["pitch_classes"]) != D_MINOR for a in fixed):
        failures.append("--scale 'D minor': an answer was asked for with other pitch classes")

    unkeyed = [a["index"] for a in keyed if len(classes(a["settings"]["pitch_classes"])) > 8]
    if unkeyed:
        failures.append(f"--scale key: answers {unkeyed[:10]} were asked for with no key heard")
    bad = [a["index"] for a in keyed if outside(a, classes(a["settings"]["pitch_classes"]))]
    if bad:
        failures.append(f"--scale key: answers {bad[:10]} have notes outside their key")

    # The same phrases unlocked: how many answers leave the key the locked jam heard for them.
    heard = {a["index"]: classes(a["settings"]["pitch_classes"]) for a in keyed}
    leaving = sum(1 for a in free if a["index"] in heard and outside(a, heard[a["index"]]))
    print(f"unlocked, {leaving} of {len(free)} answers have notes outside the key heard; "
          f"locked, none")
    if leaving == 0:
        failures.append("--scale off: no answer left the key, so the lock was never tested")

    for name, f in (("D minor", fixed_figures), ("key", keyed_figures)):
        if f["share_degenerate"] > 0.01:
            failures.append(f"--scale {name}: {f['share_degenerate'] * 100:.1f}% of the answers "
                            "are degenerate (at most 1%)")
    if failures:
        print("\n".join("FAIL: " + f for f in failures))
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
