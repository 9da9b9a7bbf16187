#!/usr/bin/env python3
"""The listener's test with the shipped model and the default decoding (issue 33): `music-lstm
eval` answers 200 phrases of 16 notes cut from MAESTRO test performances it never trained on, and
a classifier over a listener's figures tries to tell each answer (call and response) and each
answer of a chain (continuous) from the real music that followed. The control, the real music
after one phrase against the real music after another of the same performances, must stay within
40-60%: otherwise the test itself leaks and its accuracy means nothing. The accuracy must stay
under today's bounds: 74% in call and response and 81% continuous (the default decoding,
stochastic beam search at width 4 with each answer's pace held within 1.5 times the phrase's,
figure recall, the register kept and chains that keep the phrase's last notes, measured 69.5% and
76.5% on 2026-12-07; without the last three 72.8% and 81.0%; beam search at width 8, the default
before, 75.8% and 89.6%; beam search without the repetition penalty, which loops, 91.5% and 95.9%
on the validation split). Issue 33 asks 75% in both, which the chains do not reach yet; the
bounds come down as they do.

  test_shipped_model_listener.py MUSIC_LSTM MAESTRO_DIR MODEL
Exits 77 (skipped) when the data is absent."""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from support.maestro import SKIP, maestro_missing  # noqa: E402

BOUNDS = {"call_and_response": 0.74, "continuous": 0.81}
CONTROL = (0.40, 0.60)


def main():
    binary, data, model = sys.argv[1:4]
    missing = maestro_missing(data)
    if missing:
        print(missing)
        return SKIP
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([binary, "eval", "--model", model, "--data", data, "--split", "test",
                            "--device", "cpu", "--threads", "1", "--prompts", "5",
                            "--max-windows", "1", "--listener-phrases", "200", "--quiet",
                            "--out", tmp], capture_output=True, text=True, timeout=900)
        print(r.stdout.strip())
        if r.returncode != 0:
            print(r.stderr)
            print(f"FAIL: eval exited {r.returncode}")
            return 1
        with open(os.path.join(tmp, "report.json")) as f:
            report = json.load(f)
    listener = report["listener"]
    failures = []
    if listener["phrases"] != 200 or listener["phrase_notes"] != 16:
        failures.append(f"the test ran {listener['phrases']} phrases of {listener['phrase_notes']}")
    for mode, bound in BOUNDS.items():
        t = listener[mode]
        control = t["control"]["accuracy"]
        top = ", ".join(f"{f['key']} {f['median_model']:.2f} against {f['median_real']:.2f}"
                        for f in t["figures"][:3])
        print(f"{mode}: told apart {t['accuracy']:.1%} (bound {bound:.0%}), control "
              f"{control:.1%}; what gives the answers away most: {top}")
        if not CONTROL[0] <= control <= CONTROL[1]:
            failures.append(f"{mode}: the control is {control:.1%}, outside 40-60%")
        if t["accuracy"] > bound:
            failures.append(f"{mode}: the answers are told apart {t['accuracy']:.1%} of the time, "
                            f"more than {bound:.0%}")
    for line in failures:
        print("FAIL:", line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
