#!/usr/bin/env python3
"""The shipped model's answers as a listener hears them (issue 15): phrases of 12 notes cut from
30 MAESTRO test performances it never trained on, answered by `music-lstm jam --offline` with the
default settings and with every preset, in call and response and in continuous mode for 10
minutes of music (scripts/answer_figures.py); and with the defaults once more with the
performances' sustain pedal in the phrases (`--pedal`: the jam reads it as the model learnt it).
No answer may be degenerate (spanning under 1 s or
starting more than 10 notes within 30 ms); in continuous mode, with the defaults, the model's
events a second over any 10 s stay within the real performances' most.

  test_shipped_model_answers.py MUSIC_LSTM MAESTRO_DIR MODEL PRESETS_DIR
Exits 77 (skipped) when the data is absent."""
import glob
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from support.maestro import SKIP, maestro_missing  # noqa: E402

FIGURES = os.path.join(HERE, "..", "..", "scripts", "answer_figures.py")


def figures(binary, data, out, jam_options, continuous_seconds, pedal=False):
    path = os.path.join(out, "figures.json")
    r = subprocess.run([sys.executable, FIGURES, "--binary", binary, "--data", data, "--out", out,
                        "--continuous-seconds", str(continuous_seconds), "--json", path,
                        *(["--pedal"] if pedal else []), "--", *jam_options],
                       capture_output=True, text=True, timeout=900)
    print(r.stdout.strip())
    if r.returncode != 0:
        print(r.stderr)
        sys.exit(f"FAIL: answer_figures.py exited {r.returncode}")
    with open(path) as f:
        return json.load(f)


def main():
    binary, data, model, presets = sys.argv[1:5]
    missing = maestro_missing(data)
    if missing:
        print(missing)
        return SKIP
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        configs = [("defaults", [], False), ("defaults, with the pedal", [], True)] + [
            (os.path.basename(p), ["--preset", p], False)
            for p in sorted(glob.glob(presets + "/*.json"))]
        for k, (name, options, pedal) in enumerate(configs):
            print(f"== {name}")
            f = figures(binary, data, os.path.join(tmp, str(k)), ["--model", model, *options], 600,
                        pedal)
            cr, co = f["call_and_response"]["model"], f["continuous"]
            if cr["answers"] < 25:
                failures.append(f"{name}: only {cr['answers']} of 30 phrases were answered")
            if cr["share_degenerate"] > 0 or co["share_degenerate"] > 0:
                failures.append(f"{name}: degenerate answers ({cr['share_degenerate']:.1%} in call "
                                f"and response, {co['share_degenerate']:.1%} continuous)")
            if co["answers"] and co["span_min_s"] < 1.0:
                failures.append(f"{name}: a continuous answer spans {co['span_min_s']:.2f} s")
            if name.startswith("defaults") and (co["events_per_second_max_10s"] >
                                       co["real_events_per_second_max_10s"]):
                failures.append(f"{name}: {co['events_per_second_max_10s']:.1f} events a second "
                                f"over 10 s, more than the real performances' most "
                                f"({co['real_events_per_second_max_10s']:.1f})")
    for line in failures:
        print("FAIL:", line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
