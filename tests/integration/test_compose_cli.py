#!/usr/bin/env python3
"""`music-lstm compose` as a user runs it, with a small model made by the GPU check
(tests/data/): a 600-note song from a MIDI prime on its own track, the same seed giving the same
song, and one clear error line for a missing model, a corrupt model, a short prime, a missing
prime and out-of-range settings."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from support import smf  # noqa: E402

BINARY = None
MODEL = os.path.join(os.path.dirname(__file__), "..", "data", "tiny-libtorch-2.11-cuda.ckpt")


class ComposeCli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.prime = os.path.join(self.tmp.name, "prime.mid")
        with open(self.prime, "wb") as f:
            f.write(smf.scale(55, count=20))

    def tearDown(self):
        self.tmp.cleanup()

    def compose(self, *args, model=MODEL):
        return subprocess.run([BINARY, "compose", "--model", model, "--device", "cpu", *args],
                              capture_output=True, text=True, timeout=120)

    def notes_per_track(self, path):
        out = subprocess.run([BINARY, "inspect", path, "--notes"], capture_output=True, text=True,
                             check=True).stdout.splitlines()[1:]
        tracks = {}
        for line in out:
            t = int(line.split(",")[5])
            tracks[t] = tracks.get(t, 0) + 1
        return tracks

    def assert_error(self, r, fragment):
        self.assertNotEqual(r.returncode, 0)
        self.assertGreater(r.returncode, 0, "killed by a signal")
        self.assertIn(fragment, r.stderr)

    def test_song_of_600_notes(self):
        out = os.path.join(self.tmp.name, "song.mid")
        r = self.compose("--prime", self.prime, "--length", "600", "--beam", "8", "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.notes_per_track(out), {1: 10, 2: 600})

    def test_wav_is_not_silent(self):
        out = os.path.join(self.tmp.name, "song.mid")
        wav = os.path.join(self.tmp.name, "song.wav")
        r = self.compose("--prime", self.prime, "--length", "100", "--out", out, "--wav", wav)
        if "unrecognised" in r.stderr or "--wav" in r.stderr and r.returncode != 0:
            self.skipTest("built without the real-time part (no --wav)")
        self.assertEqual(r.returncode, 0, r.stderr)
        import array
        import wave
        with wave.open(wav) as w:
            self.assertEqual(w.getnchannels(), 2)
            self.assertEqual(w.getframerate(), 48000)
            samples = array.array("h", w.readframes(w.getnframes()))
        peak = max(abs(x) for x in samples)
        self.assertGreater(peak, 300, "the WAV is silent")  # of 32767

    def test_missing_soundfont(self):
        r = self.compose("--prime", self.prime, "--length", "20", "--out",
                         os.path.join(self.tmp.name, "s.mid"), "--wav",
                         os.path.join(self.tmp.name, "s.wav"), "--soundfont",
                         os.path.join(self.tmp.name, "none.sf2"))
        self.assert_error(r, "no such soundfont")

    def test_same_seed_same_song(self):
        songs = []
        for name in ("a.mid", "b.mid"):
            out = os.path.join(self.tmp.name, name)
            r = self.compose("--prime", self.prime, "--length", "80", "--sampling", "sample",
                             "--temperature", "1.5", "--seed", "7", "--out", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(out, "rb") as f:
                songs.append(f.read())
        self.assertEqual(songs[0], songs[1])

    def test_missing_model(self):
        self.assert_error(self.compose("--prime", self.prime, "--out", "x.mid",
                                       model=os.path.join(self.tmp.name, "none.ckpt")), "none.ckpt")

    def test_corrupt_model(self):
        bad = os.path.join(self.tmp.name, "bad.ckpt")
        with open(bad, "w") as f:
            f.write("garbage")
        r = self.compose("--prime", self.prime, "--out", "x.mid", model=bad)
        self.assert_error(r, "not a music-lstm model file")
        self.assertEqual(len(r.stderr.strip().splitlines()), 1)

    def test_short_prime(self):
        r = self.compose("--prime", self.prime, "--prime-notes", "4", "--out", "x.mid")
        self.assert_error(r, "the model reads 10")

    def test_no_prime(self):
        self.assert_error(self.compose("--out", "x.mid"), "needs a prime")

    def test_scale_lock(self):
        out = os.path.join(self.tmp.name, "blues.mid")
        r = self.compose("--prime", self.prime, "--scale", "F# blues", "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("in F# blues", r.stdout)
        lines = subprocess.run([BINARY, "inspect", out, "--notes"], capture_output=True,
                               text=True, check=True).stdout.splitlines()[1:]
        song = [int(line.split(",")[0]) for line in lines if int(line.split(",")[5]) == 2]
        self.assertEqual(len(song), 600)
        self.assertEqual({p % 12 for p in song} - {6, 9, 11, 0, 1, 4}, set())
        r = self.compose("--prime", self.prime, "--scale", "key", "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("in the prime's key", r.stdout)
        self.assert_error(self.compose("--prime", self.prime, "--scale", "H major", "--out", out),
                          "not a scale")

    def test_out_of_range_settings(self):
        self.assert_error(self.compose("--prime", self.prime, "--beam", "0", "--out", "x.mid"), "--beam")
        self.assert_error(self.compose("--prime", self.prime, "--temperature", "0", "--out", "x.mid"),
                          "--temperature")


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main(verbosity=2)
