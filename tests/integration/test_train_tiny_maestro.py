#!/usr/bin/env python3
"""`music-lstm train --config presets/training/tiny.json --data <MAESTRO>` end to end on the CPU:
it indexes the real dataset, trains two short epochs, validates, and writes checkpoints,
metrics.csv and TensorBoard events. Exits 77 (skipped) when the data is absent."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from support.maestro import SKIP, maestro_missing  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def main():
    binary, data = sys.argv[1], sys.argv[2]
    missing = maestro_missing(data)
    if missing:
        print(missing)
        return SKIP
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "tiny")
        r = subprocess.run([binary, "train", "--config", os.path.join(ROOT, "presets/training/tiny.json"),
                            "--data", data, "--out", out, "--device", "cpu", "-q"],
                           capture_output=True, text=True, timeout=900,
                           env=dict(os.environ, MUSIC_LSTM_CACHE=os.path.join(tmp, "cache")))
        print(r.stdout, r.stderr[-3000:])
        assert r.returncode == 0, f"exit {r.returncode}"
        assert "done after 2 epochs" in r.stdout
        assert "962 train performances" in r.stderr
        files = os.listdir(out)
        for f in ("last.ckpt", "best.ckpt", "metrics.csv", "config.json"):
            assert f in files, f"{f} missing"
        assert any(f.startswith("events.out.tfevents.") for f in files), "no TensorBoard events"
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
