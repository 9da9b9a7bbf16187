#!/usr/bin/env python3
"""`music-lstm get-data --from <MAESTRO folder> --dest DIR` on the real dataset: it copies,
checks, indexes and caches all 1276 performances and prints the official split counts; a second
run copies and parses nothing. Exits 77 (skipped) when the data is absent."""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from support.maestro import SKIP, maestro_missing  # noqa: E402


def main():
    binary, data = sys.argv[1], sys.argv[2]
    missing = maestro_missing(data)
    if missing:
        print(missing)
        return SKIP
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, MUSIC_LSTM_CACHE=os.path.join(tmp, "cache"))
        cmd = [binary, "get-data", "--from", data, "--dest", os.path.join(tmp, "maestro")]
        first = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=800)
        print(first.stdout, first.stderr[-2000:])
        assert first.returncode == 0, f"exit {first.returncode}"
        assert "train 962, validation 137, test 177" in first.stdout, "wrong split counts"
        assert "0 corrupt and 0 missing files skipped" in first.stdout
        assert "(1276 parsed, 0 reused)" in first.stdout
        again = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=800)
        print(again.stdout, again.stderr[-500:])
        assert again.returncode == 0
        assert "train 962, validation 137, test 177" in again.stdout
        assert "(0 parsed, 1276 reused)" in again.stdout, "the cache was not reused"
        assert re.search(r"\b0 copied, \d+ up to date", again.stderr), "files were copied again"
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
