#!/usr/bin/env python3
"""`music-lstm train` as a user runs it, on a small MAESTRO-shaped dataset this test writes:
a run end to end (checkpoints, metrics.csv, TensorBoard events), Ctrl-C saving a checkpoint and
--resume continuing it, --resume-from continuing a run from a weights-only checkpoint in another
folder, a corrupt file skipped and counted, and one clear error line for a missing
data folder, an unknown configuration key, a wrong type and a missing configuration."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from support import smf  # noqa: E402

BINARY = None
TINY = {
    "name": "cli-test",
    "model": {"embedding": 4, "encoder_hidden": 8, "decoder_hidden": 8, "context_notes": 10,
              "target_notes": 20},
    "training": {"batch_size": 4, "epochs": 2, "stride": 5, "threads": 1},
}


def make_dataset(root, corrupt=None):
    rows = ["canonical_composer,canonical_title,split,year,midi_filename,audio_filename,duration"]
    for i, split in enumerate(["train"] * 4 + ["validation"] * 2 + ["test"]):
        name = f"2004/p{i}.midi"
        rows.append(f"A,B,{split},2004,{name},x.wav,10")
        os.makedirs(os.path.join(root, "2004"), exist_ok=True)
        with open(os.path.join(root, name), "wb") as f:
            f.write(b"not midi at all" if name == corrupt else smf.scale(30 + i, count=80, ticks=120))
    with open(os.path.join(root, "maestro-v3.0.0.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")


class TrainCli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.data = os.path.join(self.dir, "data")
        self.out = os.path.join(self.dir, "run")
        self.env = dict(os.environ, MUSIC_LSTM_CACHE=os.path.join(self.dir, "cache"))

    def tearDown(self):
        self.tmp.cleanup()

    def config(self, cfg=TINY, name="c.json"):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            json.dump(cfg, f)
        return path

    def train(self, *extra, config=None):
        cmd = [BINARY, "train", "--config", config or self.config(), "--data", self.data,
               "--out", self.out, "--device", "cpu", "-q", *extra]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=self.env)

    def assert_error(self, r, fragment):
        self.assertEqual(r.returncode, 1, r.stderr)
        last = r.stderr.strip().splitlines()[-1]
        self.assertTrue(last.startswith("music-lstm: error: "), r.stderr)
        self.assertIn(fragment, last)

    def test_runs_end_to_end(self):
        make_dataset(self.data, corrupt="2004/p1.midi")
        r = self.train()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("done after 2 epochs", r.stdout)
        self.assertIn("skipped (cannot be read): ", r.stderr)
        self.assertIn("p1.midi", r.stderr)
        self.assertIn("; 1 cannot be read", r.stderr)
        files = os.listdir(self.out)
        for f in ("last.ckpt", "best.ckpt", "metrics.csv", "config.json"):
            self.assertIn(f, files)
        self.assertTrue(any(f.startswith("events.out.tfevents.") for f in files))
        with open(os.path.join(self.out, "metrics.csv")) as f:
            self.assertEqual(len(f.read().strip().splitlines()), 3)  # header + 2 epochs
        info = subprocess.run([BINARY, "inspect-model", os.path.join(self.out, "best.ckpt")],
                              capture_output=True, text=True)
        self.assertEqual(info.returncode, 0, info.stderr)
        self.assertIn("gives finite outputs", info.stdout)
        # What the model learnt from, as the configuration said (TINY: no pedal, no augmentation).
        self.assertIn("durations:   of the keys", info.stdout)
        self.assertIn("augmented:   no\n", info.stdout)
        shipped = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models",
                               "default", "model.ckpt")
        info = subprocess.run([BINARY, "inspect-model", shipped], capture_output=True, text=True)
        self.assertEqual(info.returncode, 0, info.stderr)
        self.assertIn("durations:   as heard under the sustain pedal", info.stdout)
        self.assertIn("augmented:   transposed up to 6 semitones either way", info.stdout)

    def test_ctrl_c_saves_and_resume_continues(self):
        make_dataset(self.data)
        cfg = dict(TINY, training=dict(TINY["training"], epochs=1000))
        path = self.config(cfg)
        p = subprocess.Popen([BINARY, "train", "--config", path, "--data", self.data, "--out",
                              self.out, "--device", "cpu", "-q"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=self.env)
        # Wait for the first epoch's checkpoint, then interrupt as a user would.
        deadline = time.time() + 120
        while not os.path.exists(os.path.join(self.out, "last.ckpt")) and time.time() < deadline:
            time.sleep(0.1)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 0, err)
        self.assertIn("(interrupted)", out)
        self.assertIn("--resume", out)
        r = self.train("--resume", "--epochs", "3", config=path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("resuming", r.stderr)
        self.assertIn("done after 3 epochs", r.stdout)

    def test_resume_from_a_weights_only_checkpoint_carries_the_run_on(self):
        # A run outlives its machine through the shipped kind of file: weights and run state,
        # no optimizer state.
        make_dataset(self.data)
        r = self.train("--epochs", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        shipped = os.path.join(self.dir, "model.ckpt")
        s = subprocess.run([BINARY, "inspect-model", os.path.join(self.out, "best.ckpt"),
                            "--weights-only", shipped], capture_output=True, text=True)
        self.assertEqual(s.returncode, 0, s.stderr)
        self.out = os.path.join(self.dir, "run-elsewhere")
        r = self.train("--resume-from", shipped, "--epochs", "2")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("at epoch 2", r.stderr)
        self.assertIn("no optimizer state", r.stderr)
        self.assertIn("done after 2 epochs", r.stdout)
        with open(os.path.join(self.out, "metrics.csv")) as f:
            rows = f.read().strip().splitlines()
        self.assertEqual(len(rows), 3)  # header, the first machine's epoch and this one's
        # Not with --init-from (which starts a new run from the weights), nor from a file that
        # holds no run.
        both = self.train("--resume-from", shipped, "--init-from", shipped)
        self.assertNotEqual(both.returncode, 0)
        self.assertIn("excludes", both.stderr)
        bad = os.path.join(self.dir, "bad.ckpt")
        with open(bad, "wb") as f:
            f.write(b"not a checkpoint")
        self.assert_error(self.train("--resume-from", bad), "bad.ckpt")

    def test_missing_data_folder_names_get_data(self):
        self.assert_error(self.train(), "music-lstm get-data")

    def test_unknown_key_is_named(self):
        make_dataset(self.data)
        cfg = dict(TINY, model=dict(TINY["model"], hiden=3))
        self.assert_error(self.train(config=self.config(cfg)), "model.hiden: unknown key")

    def test_wrong_type_is_named(self):
        make_dataset(self.data)
        cfg = dict(TINY, training=dict(TINY["training"], epochs="many"))
        self.assert_error(self.train(config=self.config(cfg)),
                          "training.epochs: expected an integer, got a string")

    def test_missing_configuration(self):
        make_dataset(self.data)
        r = self.train(config=os.path.join(self.dir, "nope.json"))
        self.assert_error(r, "nope.json: cannot open configuration")

    def test_resume_without_a_run(self):
        make_dataset(self.data)
        self.assert_error(self.train("--resume"), "no checkpoint")


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main(verbosity=2)
