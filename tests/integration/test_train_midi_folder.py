#!/usr/bin/env python3
"""`music-lstm train` on any folder of MIDI files, and fine-tuning, as a user runs them, on small
files this test writes:

- a plain folder (nested, two tracks and a drum part per file): trained end to end, the split and
  what is learnt from said;
- fine-tuning: a model trained on one kind of music (random pitches), fine-tuned with --init-from
  on a folder of another character (arpeggios in C major), has a lower pitch NLL on that folder's
  held-out test files than before (`eval`), and --reference-data reports the first kind's
  validation NLL before and after;
- one clear line for an empty folder, a folder of corrupt files, and --init-from a checkpoint of
  another model; `get-data --from` on a plain folder checks and caches it.
"""
import csv
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from support import smf  # noqa: E402

BINARY = None
MODEL = {"embedding": 8, "encoder_hidden": 32, "decoder_hidden": 32, "context_notes": 10,
         "target_notes": 20, "velocity": True, "log_time_inputs": True, "time_head": "classes",
         "velocity_head": "classes", "time_bins": 16, "velocity_bins": 8}


def config(name, epochs, lr, model=MODEL):
    return {"name": name, "model": model,
            "training": {"batch_size": 16, "epochs": epochs, "stride": 5, "threads": 1,
                         "learning_rate": lr, "early_stopping": 0}}


def name_event(name):
    data = name.encode()
    return b"\xff\x03" + smf.vlq(len(data)) + data


def midi_file(pitches, step_ticks=120, extra_tracks=(), name="piano", pedal_every=0):
    """Format 1 at 480 ticks per quarter (120 bpm): a tempo track, a track `name` of `pitches`,
    then `extra_tracks` as (name, channel, pitches). With `pedal_every`, the first part's sustain
    pedal goes down at its first note and is changed every `pedal_every` notes."""
    def part(name, channel, notes, pedal_every=0):
        events = [(0, name_event(name))]
        for k, p in enumerate(notes):
            delta = 0 if k == 0 else step_ticks // 2
            if pedal_every and k % pedal_every == 0:
                if k:
                    events.append((delta, bytes([0xB0 | channel, 64, 0])))
                    delta = 0
                events.append((0, bytes([0xB0 | channel, 64, 127])))
            events.append((delta, bytes([0x90 | channel, p, 80])))
            events.append((step_ticks // 2, bytes([0x80 | channel, p, 0])))
        if pedal_every:
            events.append((step_ticks // 2, bytes([0xB0 | channel, 64, 0])))
        return smf.track(events)
    tracks = [smf.track([(0, b"\xff\x51\x03\x07\xa1\x20")]),
              part(name, 0, pitches, pedal_every)]
    tracks += [part(n, c, p) for n, c, p in extra_tracks]
    return b"MThd" + struct.pack(">IHHH", 6, 1, len(tracks), 480) + b"".join(tracks)


def random_pitches(rng, n=160):
    return [rng.randrange(30, 96) for _ in range(n)]


def arpeggios(rng, n=160):
    chords = [[60, 64, 67, 72], [62, 65, 69, 74], [64, 67, 71, 76], [65, 69, 72, 77]]
    out = []
    while len(out) < n:
        out += chords[rng.randrange(len(chords))]
    return out[:n]


class TrainMidiFolder(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.env = dict(os.environ, MUSIC_LSTM_CACHE=os.path.join(self.dir, "cache"))

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, rel, data):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def cfg(self, cfg):
        return self.write(cfg["name"] + ".json", json.dumps(cfg).encode())

    def run_cli(self, *args, timeout=600):
        return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=timeout,
                              env=self.env)

    def assert_one_line_error(self, r, *fragments):
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        last = r.stderr.strip().splitlines()[-1]
        self.assertTrue(last.startswith("music-lstm: error: "), r.stderr)
        for f in fragments:
            self.assertIn(f, last)

    def folder(self, name, make, files, seed, split=None):
        """`files` MIDI files of `make`'s music under DIR/name, a few in subfolders; each with a
        drum part on channel 10 (left out of training)."""
        rng = random.Random(seed)
        for i in range(files):
            sub = "set-b/" if i % 3 == 0 else ""
            drums = ("drums", 9, [36, 38] * 80)
            self.write(f"{name}/{sub}f{i}.mid", midi_file(make(rng), extra_tracks=[drums]))
        if split:
            rows = ["midi_filename,split"] + [f"{k},{v}" for k, v in split.items()]
            self.write(f"{name}/split.csv", ("\n".join(rows) + "\n").encode())
        return os.path.join(self.dir, name)

    def pitch_nll(self, model, data, split="test"):
        out = os.path.join(self.dir, "eval-" + os.path.basename(os.path.dirname(model)))
        r = self.run_cli("eval", "--model", model, "--data", data, "--split", split, "--prompts",
                         "2", "--song-notes", "50", "--quiet", "--out", out, "--device", "cpu")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "report.json")) as f:
            return json.load(f)["likelihood"]["pitch_nll"]

    def test_fine_tuning_learns_the_character_and_says_what_it_kept(self):
        base_data = self.folder("random", random_pitches, 10, seed=1)
        split = {"set-b/f0.mid": "test", "f1.mid": "test", "f2.mid": "validation",
                 "set-b/f3.mid": "validation"}
        own = self.folder("arpeggios", arpeggios, 10, seed=2, split=split)
        base = os.path.join(self.dir, "base")
        r = self.run_cli("train", "--config", self.cfg(config("base", 2, 0.003)), "--data",
                         base_data, "--out", base, "--device", "cpu", "-q")
        self.assertEqual(r.returncode, 0, r.stderr)
        # The plain folder's split and what is learnt from are said.
        self.assertIn("MIDI files in", r.stderr)
        self.assertIn("not the drum channel (10)", r.stderr)

        tuned = os.path.join(self.dir, "tuned")
        r = self.run_cli("train", "--config", self.cfg(config("tune", 3, 0.003)), "--data", own,
                         "--init-from", os.path.join(base, "best.ckpt"), "--reference-data",
                         base_data, "--out", tuned, "--device", "cpu", "-q")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("split.csv, the rest by a hash", r.stderr)
        self.assertIn("starting from the weights of", r.stderr)
        self.assertIn("what it knew", r.stdout)
        with open(os.path.join(tuned, "reference.json")) as f:
            reference = json.load(f)
        print(f"reference (random music) validation pitch NLL: before "
              f"{reference['pitch_nll_before']:.3f}, after {reference['pitch_nll_after']:.3f}")
        self.assertGreater(reference["pitch_nll_before"], 0.0)
        self.assertGreater(reference["pitch_nll_after"], 0.0)

        before = self.pitch_nll(os.path.join(base, "best.ckpt"), own)
        after = self.pitch_nll(os.path.join(tuned, "best.ckpt"), own)
        print(f"held-out arpeggio files, pitch NLL: before fine-tuning {before:.3f}, after "
              f"{after:.3f}")
        self.assertLess(after, before - 0.5)

        # --init-from a checkpoint of another model: one line naming the difference.
        bigger = dict(MODEL, decoder_hidden=48)
        r = self.run_cli("train", "--config", self.cfg(config("other", 1, 0.003, bigger)),
                         "--data", own, "--init-from", os.path.join(base, "best.ckpt"), "--out",
                         os.path.join(self.dir, "other"), "--device", "cpu", "-q")
        self.assert_one_line_error(r, "--init-from", "decoder_hidden")

        # How many notes the model reads shapes no weight: a fine-tune may read more. At a rate
        # too small to learn anything in one epoch, the tuned model made to read 16 notes still
        # knows the arpeggios that only its weights learnt (a fresh model: about 4.85 nats).
        longer = dict(MODEL, context_notes=16)
        out = os.path.join(self.dir, "longer")
        r = self.run_cli("train", "--config", self.cfg(config("longer", 1, 1e-7, longer)),
                         "--data", own, "--init-from", os.path.join(tuned, "best.ckpt"), "--out",
                         out, "--device", "cpu", "-q")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("model.context_notes 10 in the checkpoint, 16 in this run", r.stderr)
        longer_nll = self.pitch_nll(os.path.join(out, "best.ckpt"), own)
        print(f"held-out arpeggio files, pitch NLL of the tuned weights reading 16 notes: "
              f"{longer_nll:.3f}")
        self.assertLess(longer_nll, before - 0.5)

    def test_the_reference_is_read_as_the_run_reads_its_data(self):
        # Under the sustain pedal a note sounds on: a run with training.sustain_pedal learns those
        # durations, and --reference-data must be measured with them too (it was not, and the
        # shipped default's MAESTRO figure read 0.19 nats worse than its validation's). With the
        # run's own data as the reference, the reference figure of best.ckpt is the run's
        # validation pitch NLL of that epoch: the same windows, read the same way.
        rng = random.Random(5)
        for i in range(8):
            self.write(f"pedal/f{i}.mid", midi_file(arpeggios(rng), pedal_every=8))
        data = os.path.join(self.dir, "pedal")
        cfg = config("pedal", 1, 0.003)
        cfg["training"]["sustain_pedal"] = True
        out = os.path.join(self.dir, "pedal-run")
        r = self.run_cli("train", "--config", self.cfg(cfg), "--data", data, "--reference-data",
                         data, "--out", out, "--device", "cpu", "-q")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "reference.json")) as f:
            reference = json.load(f)
        with open(os.path.join(out, "metrics.csv")) as f:
            validation = float(list(csv.DictReader(f))[-1]["validation_pitch"])
        print(f"pitch NLL of best.ckpt: validation {validation:.6f}, reference "
              f"{reference['pitch_nll_after']:.6f}")
        self.assertAlmostEqual(reference["pitch_nll_after"], validation, places=5)

    def test_a_jam_recording_teaches_the_players_track(self):
        rng = random.Random(3)
        for i in range(4):
            # The recorder's layout: the player's track, then the model's.
            data = midi_file(arpeggios(rng), extra_tracks=[("model", 1, random_pitches(rng))],
                             name="player")
            self.write(f"recordings/jam-{i}.mid", data)
        r = self.run_cli("train", "--config", self.cfg(config("rec", 1, 0.003)), "--data",
                         os.path.join(self.dir, "recordings"), "--out",
                         os.path.join(self.dir, "rec"), "--device", "cpu", "-q")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("of the jam's recordings, the player's", r.stderr)
        self.assertRegex(r.stderr, r"validation [1-9]")  # a small folder still validates

    def test_empty_and_corrupt_folders_are_one_line(self):
        os.makedirs(os.path.join(self.dir, "empty"))
        r = self.run_cli("train", "--config", self.cfg(config("e", 1, 0.003)), "--data",
                         os.path.join(self.dir, "empty"), "--out", os.path.join(self.dir, "e"))
        self.assert_one_line_error(r, "no MIDI files")
        for i in range(3):
            self.write(f"corrupt/c{i}.mid", b"MThd garbage" * i)
        r = self.run_cli("train", "--config", self.cfg(config("c", 1, 0.003)), "--data",
                         os.path.join(self.dir, "corrupt"), "--out", os.path.join(self.dir, "c"))
        self.assert_one_line_error(r, "none of the 3 MIDI files", "can be read")
        # get-data checks a plain folder in place and caches it.
        folder = self.folder("checked", arpeggios, 5, seed=4)
        self.write("checked/broken.mid", b"not MIDI")
        r = self.run_cli("get-data", "--from", folder, "--dest", folder, "-q")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("MIDI folder in", r.stdout)
        self.assertIn("1 corrupt", r.stdout)


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main(verbosity=2)
