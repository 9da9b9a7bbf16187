#!/usr/bin/env python3
"""`music-lstm train --config presets/training/tiny.json --data <MAESTRO>` end to end on the CPU:
it indexes the real dataset, trains two short epochs, validates, and writes checkpoints,
metrics.csv and TensorBoard events. Exits 77 (skipped) when the data is absent."""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def main():
    binary, data = sys.argv[1], sys.argv[2]
    if not os.path.exists(os.path.join(data, "maestro-v3.0.0.csv")):
        print(f"SKIP: no MAESTRO data at {data} (music-lstm get-data fetches it)")
        return 77
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
