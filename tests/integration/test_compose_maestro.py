#!/usr/bin/env python3
"""`music-lstm compose --prime-from-test 0 --length 600 --beam 20 --wav` with a MAESTRO prime:
a song of 600 notes on its own track, and a WAV that is not silent. Uses the small model in
tests/data/. Exits 77 (skipped) when the data is absent."""
import array
import os
import subprocess
import sys
import tempfile
import wave

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from support.maestro import SKIP, maestro_missing  # noqa: E402

MODEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                     "tiny-libtorch-2.11-cuda.ckpt")


def main():
    binary, data = sys.argv[1], sys.argv[2]
    missing = maestro_missing(data)
    if missing:
        print(missing)
        return SKIP
    with tempfile.TemporaryDirectory() as tmp:
        mid, wav = os.path.join(tmp, "song.mid"), os.path.join(tmp, "song.wav")
        r = subprocess.run([binary, "compose", "--model", MODEL, "--prime-from-test", "0",
                            "--data", data, "--length", "600", "--beam", "20", "--device", "cpu",
                            "--out", mid, "--wav", wav], capture_output=True, text=True, timeout=300)
        print(r.stdout, r.stderr)
        assert r.returncode == 0, f"exit {r.returncode}"
        notes = subprocess.run([binary, "inspect", mid, "--notes"], capture_output=True, text=True,
                               check=True).stdout.splitlines()[1:]
        answer = [n for n in notes if n.split(",")[5] == "2"]
        assert len(answer) == 600, f"{len(answer)} notes on the answer's track"
        with wave.open(wav) as w:
            samples = array.array("h", w.readframes(w.getnframes()))
        peak = max(abs(x) for x in samples)
        assert peak > 300, f"the WAV is silent (peak {peak} of 32767)"
        print(f"600 notes; WAV of {len(samples) // 2 / 48000:.1f} s, peak {peak}")
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
