#!/usr/bin/env python3
"""`music-lstm compose` as a user runs it, with a small model made by the GPU check
(tests/data/): a 600-note song from a MIDI prime on its own track, the same seed giving the same
song, a prime shorter than the model reads filled as the jam fills a short phrase, and one clear
error line for a missing model, a corrupt model, a prime without notes, a missing prime and
out-of-range settings."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from support import smf  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from jam_check import context_midi  # noqa: E402

BINARY = None
MODEL = os.path.join(os.path.dirname(__file__), "..", "data", "tiny-libtorch-2.11-cuda.ckpt")
# Trained with durations as heard under the sustain pedal; reads 32 notes.
SHIPPED = os.path.join(os.path.dirname(__file__), "..", "..", "models", "default", "model.ckpt")


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

    def pitches_of_track(self, path, track):
        out = subprocess.run([BINARY, "inspect", path, "--notes"], capture_output=True, text=True,
                             check=True).stdout.splitlines()[1:]
        return [int(line.split(",")[0]) for line in out if int(line.split(",")[5]) == track]

    def test_short_prime_is_filled_as_the_jam_fills_a_phrase(self):
        # Four notes of the scale for a model that reads 10: the same song as from the ten notes
        # the jam would give it (the four repeated before themselves, each repeat one step on).
        short = os.path.join(self.tmp.name, "short.mid")
        r = self.compose("--prime", self.prime, "--prime-notes", "4", "--length", "60", "--out",
                         short)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("after 4 prime notes (repeated to the 10 the model reads", r.stdout)
        self.assertEqual(self.pitches_of_track(short, 1), [55, 56, 57, 58])
        step = 0.25  # smf.scale: 240 ticks a note at 480 a quarter note, 120 bpm
        filled = [{"pitch": p, "step": 0.0 if k == 0 else step, "duration": step / 2,
                   "velocity": 80} for k, p in enumerate([57, 58, 55, 56, 57, 58, 55, 56, 57, 58])]
        filled_file = os.path.join(self.tmp.name, "filled.mid")
        notes = context_midi(filled, filled_file)
        whole = os.path.join(self.tmp.name, "whole.mid")
        r = self.compose("--prime", filled_file, "--prime-notes", str(notes), "--length", "60",
                         "--out", whole)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("repeated", r.stdout)
        self.assertEqual(self.pitches_of_track(short, 2), self.pitches_of_track(whole, 2))

    def test_prime_read_under_the_pedal_as_the_model_learnt_it(self):
        # Twelve notes a quarter of a second apart under a pedal held for 4 s: the shipped default
        # learnt durations as heard under the pedal, so its prime's notes ring on to the pedal's
        # release; the small model learnt the keys alone, so its prime's notes end at the keys.
        events = [(0, bytes([0xB0, 64, 127]))]
        for k in range(12):
            events.append((0 if k == 0 else 120, bytes([0x90, 60 + k, 80])))
            events.append((120, bytes([0x80, 60 + k, 0])))
        events.append((3840 - (11 * 240 + 120), bytes([0xB0, 64, 0])))  # up at 4 s
        pedalled = os.path.join(self.tmp.name, "pedalled.mid")
        with open(pedalled, "wb") as f:
            f.write(smf.with_tempo(events))

        def prime_durations(model):
            out = os.path.join(self.tmp.name, "pedal-song.mid")
            r = self.compose("--prime", pedalled, "--prime-notes", "12", "--length", "10",
                             "--out", out, model=model)
            self.assertEqual(r.returncode, 0, r.stderr)
            lines = subprocess.run([BINARY, "inspect", out, "--notes"], capture_output=True,
                                   text=True, check=True).stdout.splitlines()[1:]
            return [float(line.split(",")[3]) - float(line.split(",")[2]) for line in lines
                    if int(line.split(",")[5]) == 1]
        keys = prime_durations(MODEL)
        self.assertTrue(all(abs(d - 0.125) < 1e-3 for d in keys), keys)
        heard = prime_durations(SHIPPED)
        self.assertTrue(all(abs(k * 0.25 + d - 4.0) < 1e-3 for k, d in enumerate(heard)), heard)

    def test_prime_without_notes(self):
        empty = os.path.join(self.tmp.name, "empty.mid")
        with open(empty, "wb") as f:
            f.write(smf.with_tempo([]))
        r = self.compose("--prime", empty, "--out", "x.mid")
        self.assert_error(r, "has no notes to start from")
        self.assertEqual(len(r.stderr.strip().splitlines()), 1)

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
        # --beam is --width's older name: the error names the option and says its range.
        self.assert_error(self.compose("--prime", self.prime, "--beam", "0", "--out", "x.mid"),
                          "--width: the beam width must be a whole number from 1 to 32")
        self.assert_error(self.compose("--prime", self.prime, "--temperature", "0", "--out", "x.mid"),
                          "--temperature: the temperature must be 0.01 to 4")
        self.assert_error(self.compose("--prime", self.prime, "--recall", "x", "--out", "x.mid"),
                          "'x' is not a number")


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main(verbosity=2)
