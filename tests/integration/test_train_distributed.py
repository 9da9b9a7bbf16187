#!/usr/bin/env python3
"""`music-lstm train` data-parallel, as a user launches it (issue 35), on a folder of MIDI files
this test writes, with real processes and PyTorch's c10d (Gloo over loopback):

- equality: 2 ranks, one thread each, global batch 64, dropout off, 50 steps (2 epochs of 25)
  train the parameters 1 rank trains, within 1e-5 relative, with the same validation loss to 5
  digits; and so does a run resumed at step 25 with the other world size, both ways;
- both launches: `--nproc 2`, and a torchrun-style launch by hand (two processes with RANK,
  WORLD_SIZE, MASTER_ADDR, MASTER_PORT);
- faults: one of 2 ranks killed at step 30 stops the other within 60 s with one line that names
  it; the last checkpoint resumes with 1 rank; each bad launch (MASTER_ADDR missing, a port in
  use, world sizes that disagree, --nproc with WORLD_SIZE set) gets its one line.

  test_train_distributed.py MUSIC_LSTM
"""
import json
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from support import smf  # noqa: E402
from functional.checkpoint_io import read_checkpoint  # noqa: E402

BINARY = None
STEPS_PER_EPOCH, BATCH = 25, 64


def config(epochs=2, steps=STEPS_PER_EPOCH):
    return {"name": "dist", "model": {
        "kind": "seq2seq", "embedding": 8, "encoder_hidden": 32, "decoder_hidden": 32,
        "context_notes": 10, "target_notes": 20, "velocity": True, "log_time_inputs": True,
        "time_head": "classes", "velocity_head": "classes", "time_bins": 16, "velocity_bins": 8,
        "dropout": 0.0},
        "training": {"batch_size": BATCH, "learning_rate": 0.003, "epochs": epochs, "stride": 3,
                     "threads": 1, "max_train_windows": BATCH * steps, "max_valid_windows": 300,
                     "early_stopping": 0}}


def midi_file(pitches, rng):
    """Format 0 at 480 ticks per quarter: `pitches` with varied steps, lengths and velocities."""
    events = [(0, b"\xff\x51\x03\x07\xa1\x20")]
    for p in pitches:
        step, length = rng.choice([60, 120, 240]), rng.choice([60, 120, 200])
        events.append((step, bytes([0x90, p, rng.randrange(40, 110)])))
        events.append((length, bytes([0x80, p, 0])))
    return b"MThd" + struct.pack(">IHHH", 6, 0, 1, 480) + smf.track(events)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def weights(path):
    return {k: v for k, v in read_checkpoint(path)[1].items() if k.startswith("model.")}


def last_validation_loss(run):
    with open(os.path.join(run, "metrics.csv")) as f:
        rows = [line.strip().split(",") for line in f]
    return float(rows[-1][rows[0].index("validation_loss")])


class TrainDistributed(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name
        cls.env = dict(os.environ, MUSIC_LSTM_CACHE=os.path.join(cls.dir, "cache"))
        for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
            cls.env.pop(k, None)
        rng = random.Random(35)
        cls.data = os.path.join(cls.dir, "midi")
        os.makedirs(cls.data)
        # 24 files of 300 notes (a random walk, so that there is something to learn): about
        # 1,900 windows of 30 notes at a stride of 3 in the train split.
        for i in range(24):
            p, pitches = 60, []
            for _ in range(300):
                p = min(96, max(30, p + rng.choice([-7, -5, -3, -2, 2, 3, 4, 5, 7])))
                pitches.append(p)
            with open(os.path.join(cls.data, f"walk{i:02d}.mid"), "wb") as f:
                f.write(midi_file(pitches, rng))
        cls.cfg = cls.write_config("dist.json", config())
        # The reference: one rank, 50 steps straight.
        cls.reference = os.path.join(cls.dir, "one")
        r = cls.train(cls, "--out", cls.reference)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def write_config(cls, name, cfg):
        path = os.path.join(cls.dir, name)
        with open(path, "w") as f:
            json.dump(cfg, f)
        return path

    def train(self, *args, env=None, cfg=None, timeout=600):
        return subprocess.run([BINARY, "train", "--config", cfg or self.cfg, "--data", self.data,
                               "--device", "cpu", "-q", *args], capture_output=True, text=True,
                              timeout=timeout, env=env or self.env)

    def rank_env(self, rank, world, port, addr="127.0.0.1"):
        env = dict(self.env, RANK=str(rank), WORLD_SIZE=str(world), MASTER_PORT=str(port))
        if addr is not None:
            env["MASTER_ADDR"] = addr
        return env

    def by_hand(self, *args, world=2, port=None, cfg=None):
        """A torchrun-style launch: one process per rank, each with its own environment."""
        port = port or free_port()
        procs = [subprocess.Popen([BINARY, "train", "--config", cfg or self.cfg, "--data",
                                   self.data, "--device", "cpu", "-q", *args],
                                  env=self.rank_env(r, world, port), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for r in range(world)]
        return [(p.wait(timeout=600), *p.communicate()) for p in procs]

    def assert_same_training(self, run, what):
        a, b = weights(os.path.join(self.reference, "last.ckpt")), \
            weights(os.path.join(run, "last.ckpt"))
        self.assertEqual(sorted(a), sorted(b))
        worst = max(float(np.max(np.abs(b[k] - a[k])) / max(float(np.max(np.abs(a[k]))), 1e-12))
                    for k in a)
        la, lb = last_validation_loss(self.reference), last_validation_loss(run)
        print(f"{what}: largest relative parameter difference {worst:.2e}; validation loss "
              f"{lb:.7f} against {la:.7f} with 1 rank")
        self.assertLess(worst, 1e-5, what)
        self.assertEqual(f"{la:.5g}", f"{lb:.5g}", what)
        header = read_checkpoint(os.path.join(run, "last.ckpt"))[0]
        self.assertEqual(header["metadata"]["state"]["step"], 2 * STEPS_PER_EPOCH)

    def test_nproc_2_trains_what_1_rank_trains(self):
        out = os.path.join(self.dir, "nproc")
        r = self.train("--out", out, "--nproc", "2", "--dist-check-every", "10")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("data-parallel: 2 ranks over gloo", r.stderr)
        self.assertIn("step 50: the 2 ranks' parameters agree", r.stderr)
        self.assertEqual(r.stdout.count("done after 2 epochs"), 1, "rank 0 alone reports")
        self.assert_same_training(out, "--nproc 2")

    def test_a_launch_by_hand_trains_what_1_rank_trains(self):
        out = os.path.join(self.dir, "hand")
        results = self.by_hand("--out", out)
        for rank, (code, _, err) in enumerate(results):
            self.assertEqual(code, 0, f"rank {rank}: {err}")
        self.assertEqual(results[1][1], "", "rank 1 says nothing when all goes well")
        self.assert_same_training(out, "two shells")

    def test_a_resume_with_the_other_world_size(self):
        one_epoch = self.write_config("dist-1.json", config(epochs=1))
        for first, then in ((["--nproc", "2"], []), ([], ["--nproc", "2"])):
            out = os.path.join(self.dir, f"resume-{len(first)}")
            r = self.train("--out", out, *first, cfg=one_epoch)
            self.assertEqual(r.returncode, 0, r.stderr)
            r = self.train("--out", out, "--resume", *then)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("resuming", r.stderr)
            self.assert_same_training(out, f"{len(first) and 2 or 1} rank(s) to step 25, then "
                                           f"{len(then) and 2 or 1}")

    def test_a_killed_rank_stops_the_other_and_the_run_resumes(self):
        # Epochs of 20 steps: last.ckpt at step 20; rank 1 killed at step 30.
        cfg = self.write_config("dist-long.json", config(epochs=40, steps=20))
        out = os.path.join(self.dir, "killed")
        port = free_port()
        args = [BINARY, "train", "--config", cfg, "--data", self.data, "--device", "cpu", "-q",
                "--out", out, "--dist-check-every", "10"]
        rank0 = subprocess.Popen(args, env=self.rank_env(0, 2, port), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        rank1 = subprocess.Popen(args, env=self.rank_env(1, 2, port), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        lines = []
        for line in rank0.stderr:
            lines.append(line)
            if line.startswith("step 30:"):
                rank1.send_signal(signal.SIGKILL)
                break
        killed_at = time.monotonic()
        self.assertTrue(lines and lines[-1].startswith("step 30:"), "".join(lines))
        rank1.wait()
        rest = rank0.stderr.read()
        code = rank0.wait(timeout=90)
        rank0.stdout.close()
        rank0.stderr.close()
        took = time.monotonic() - killed_at
        errors = [line for line in rest.splitlines() if "error" in line]
        print(f"rank 0 stopped {took:.1f} s after rank 1 was killed: {errors}")
        self.assertNotEqual(code, 0)
        self.assertLess(took, 60)
        self.assertEqual(len(errors), 1, rest)
        self.assertIn("rank 0 of 2 stops: lost rank 1", errors[0])
        self.assertIn("resumes the run with any number of ranks", errors[0])
        header = read_checkpoint(os.path.join(out, "last.ckpt"))[0]
        self.assertEqual(header["metadata"]["state"]["step"], 20)
        r = self.train("--out", out, "--resume", "--epochs", "2", cfg=cfg)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("resuming", r.stderr)
        self.assertEqual(read_checkpoint(os.path.join(out, "last.ckpt"))[0]["metadata"]["state"]
                         ["step"], 40)

    def start_two(self, out, *extra):
        """Two ranks by hand on a long run (epochs of 20 steps), rank 0 checking every 10 steps;
        returns them once rank 0 said step 30 (its stderr lines so far, kept)."""
        cfg = self.write_config("dist-long.json", config(epochs=40, steps=20))
        port = free_port()
        args = [BINARY, "train", "--config", cfg, "--data", self.data, "--device", "cpu", "-q",
                "--out", out, "--dist-check-every", "10", *extra]
        rank0 = subprocess.Popen(args, env=self.rank_env(0, 2, port), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        rank1 = subprocess.Popen(args, env=self.rank_env(1, 2, port), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        for line in rank0.stderr:
            if line.startswith("step 30:"):
                return rank0, rank1
        self.fail("rank 0 ended before step 30")

    def test_a_rank_that_stops_answering_is_named_after_the_timeout(self):
        # A machine that drops out closes no connection: the other rank waits --dist-timeout.
        rank0, rank1 = self.start_two(os.path.join(self.dir, "stalled"), "--dist-timeout", "5")
        rank1.send_signal(signal.SIGSTOP)
        stopped_at = time.monotonic()
        _, rest = rank0.communicate(timeout=90)
        took = time.monotonic() - stopped_at
        rank1.send_signal(signal.SIGKILL)
        rank1.communicate()
        errors = [line for line in rest.splitlines() if "error" in line]
        print(f"rank 0 stopped {took:.1f} s after rank 1 stopped answering: {errors}")
        self.assertNotEqual(rank0.returncode, 0)
        self.assertGreater(took, 4.0, "not before the timeout")
        self.assertLess(took, 30)
        self.assertEqual(len(errors), 1, rest)
        self.assertIn("rank 0 of 2 stops: lost rank 1", errors[0])

    def test_sigterm_to_one_rank_stops_both_with_a_checkpoint(self):
        out = os.path.join(self.dir, "sigterm")
        rank0, rank1 = self.start_two(out)
        rank1.send_signal(signal.SIGTERM)
        out0, err0 = rank0.communicate(timeout=120)
        out1, err1 = rank1.communicate(timeout=120)
        self.assertEqual(rank0.returncode, 0, err0)
        self.assertEqual(rank1.returncode, 0, err1)
        self.assertIn("stopped after", out0)
        self.assertIn("continue with:", out0)
        self.assertEqual(out1, "", "rank 1 says nothing")
        state = read_checkpoint(os.path.join(out, "last.ckpt"))[0]["metadata"]["state"]
        print(f"SIGTERM to rank 1: both stopped, last.ckpt at step {state['step']}")
        self.assertGreaterEqual(state["step"], 30)

    def assert_one_line(self, code, err, *fragments):
        self.assertNotEqual(code, 0, err)
        errors = [line for line in err.splitlines() if line.startswith("music-lstm: error: ")]
        self.assertEqual(len(errors), 1, err)
        for f in fragments:
            self.assertIn(f, errors[0])

    def test_each_bad_launch_gets_one_line(self):
        out = os.path.join(self.dir, "bad")
        env = self.rank_env(0, 2, free_port(), addr=None)
        r = self.train("--out", out, env=env, timeout=60)
        self.assert_one_line(r.returncode, r.stderr, "MASTER_ADDR is not set")
        with socket.socket() as held:
            held.bind(("127.0.0.1", 0))
            held.listen(1)
            r = self.train("--out", out, env=self.rank_env(0, 2, held.getsockname()[1]),
                           timeout=60)
        self.assert_one_line(r.returncode, r.stderr, "is in use on rank 0's machine")
        port = free_port()
        procs = [subprocess.Popen([BINARY, "train", "--config", self.cfg, "--data", self.data,
                                   "--device", "cpu", "-q", "--out", out],
                                  env=self.rank_env(r, w, port), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
                 for r, w in ((0, 2), (1, 3))]
        for p in procs:
            _, err = p.communicate(timeout=120)
            self.assert_one_line(p.returncode, err, "launch every rank with the same WORLD_SIZE")
        r = self.train("--out", out, "--nproc", "2", env=self.rank_env(0, 2, free_port()))
        self.assert_one_line(r.returncode, r.stderr, "--nproc starts its own ranks")


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main(verbosity=2)
