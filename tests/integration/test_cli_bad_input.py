#!/usr/bin/env python3
"""The `music-lstm` command as a user runs it: --help and --version, `inspect` on a good file
(summary, `--notes`, `--pedals`), and one clear error line with a non-zero exit for each kind of
bad input (never a crash)."""
import os
import random
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from support import smf  # noqa: E402

BINARY = None
TINY_MODEL = os.path.join(os.path.dirname(__file__), "..", "data", "tiny-libtorch-2.11-cuda.ckpt")


def run(*args, timeout=30):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=timeout)


class Cli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, data):
        path = os.path.join(self.tmp.name, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def assert_error(self, r, *fragments):
        self.assertEqual(r.returncode, 1, f"exit {r.returncode}: {r.stderr}")
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertTrue(lines[0].startswith("music-lstm: error: "), lines[0])
        for f in fragments:
            self.assertIn(f, lines[0])
        self.assertEqual(r.stdout, "")

    def test_version(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout.strip(), r"^music-lstm \d+\.\d+\.\d+$")

    def test_help_lists_the_subcommands(self):
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        for sub in ("inspect", "get-data"):
            self.assertIn(sub, r.stdout)

    def test_no_subcommand_is_an_error(self):
        r = run()
        self.assertNotEqual(r.returncode, 0)

    def test_unknown_option_is_an_error(self):
        r = run("inspect", "--nope", "x.mid")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--nope", r.stderr)

    def test_inspect_summary(self):
        path = self.write("scale.mid", smf.scale(60, count=16))
        r = run("inspect", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("notes:     16, pitch 60 (C4) to 75 (D#5)", r.stdout)
        self.assertIn("format:    1, 2 tracks, 480 ticks per quarter note", r.stdout)
        self.assertIn("duration:  3.875 s", r.stdout)  # 15 steps of 0.25 s + 0.125 s

    def test_inspect_notes_csv(self):
        path = self.write("scale.mid", smf.scale(60, count=3))
        r = run("inspect", path, "--notes")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines(), [
            "pitch,velocity,start,end,channel,track",
            "60,80,0.000000,0.125000,0,1",
            "61,80,0.250000,0.375000,0,1",
            "62,80,0.500000,0.625000,0,1",
        ])

    def test_inspect_pedals_csv(self):
        # 120 bpm, 480 ticks a quarter: 240 ticks is 0.25 s. Pedal down at 0.25 s on channel 2,
        # up at 0.5 s; a note and another controller (CC7) are not listed.
        path = self.write("pedal.mid", smf.with_tempo([
            (0, bytes([0x90, 60, 80])), (240, bytes([0xB2, 64, 100])), (0, bytes([0xB2, 7, 90])),
            (240, bytes([0xB2, 64, 0])), (0, bytes([0x80, 60, 0]))]))
        r = run("inspect", path, "--pedals")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines(), [
            "time,value,channel,track",
            "0.250000,100,2,1",
            "0.500000,0,2,1",
        ])
        two = run("inspect", path, path, "--pedals")
        self.assertEqual(two.stdout.splitlines()[0], "file,time,value,channel,track")
        self.assertEqual(two.stdout.splitlines()[3], "1,0.250000,100,2,1")
        self.assertNotEqual(run("inspect", path, "--pedals", "--notes").returncode, 0)

    def test_missing_file(self):
        self.assert_error(run("inspect", os.path.join(self.tmp.name, "nope.mid")), "nope.mid: no such file")

    def test_empty_file(self):
        self.assert_error(run("inspect", self.write("empty.mid", b"")), "empty.mid: at byte 0: empty file")

    def test_text_file_named_mid(self):
        self.assert_error(run("inspect", self.write("text.mid", b"hello, I am text\n" * 10)),
                          "text.mid: at byte 0: not a MIDI file")

    def test_truncated_file(self):
        good = smf.scale()
        self.assert_error(run("inspect", self.write("cut.mid", good[: len(good) // 2])), "cut.mid: at byte", "truncated")

    def test_wrong_chunk_length(self):
        data = bytearray(smf.scale())
        data[18:22] = (5).to_bytes(4, "big")  # the tempo track says 5 bytes; it holds 11
        self.assert_error(run("inspect", self.write("len.mid", bytes(data))), "len.mid: at byte")

    def test_absurd_declared_length(self):
        data = bytearray(smf.scale())
        data[18:22] = b"\xff\xff\xff\xff"
        self.assert_error(run("inspect", self.write("huge.mid", bytes(data))), "declares 4294967295 bytes")

    def test_folder(self):
        self.assert_error(run("inspect", self.tmp.name), "not a regular file")

    def test_garbage_never_crashes(self):
        # Random bytes behind a valid header: each run ends with notes or one error line. 50 runs:
        # each loads LibTorch (almost a second); the parser itself meets millions of such files
        # in the fuzz targets (tests/fuzz, MUSIC_LSTM_FUZZ).
        rng = random.Random(1234)
        header = smf.scale()[:22]
        for i in range(50):
            body = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
            r = run("inspect", self.write(f"g{i}.mid", header + body))
            self.assertIn(r.returncode, (0, 1), r.stderr)
            if r.returncode == 1:
                self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)

    def test_get_data_without_source(self):
        r = run("get-data", "--from", os.path.join(self.tmp.name, "absent"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("absent", r.stderr)

    def test_get_data_from_folder_without_csv_or_midi(self):
        os.makedirs(os.path.join(self.tmp.name, "empty"))
        r = subprocess.run([BINARY, "get-data", "--from", os.path.join(self.tmp.name, "empty"),
                            "--dest", os.path.join(self.tmp.name, "d"), "-q"],
                           capture_output=True, text=True, timeout=30)
        self.assert_error(r, "no MIDI files", "MAESTRO")

    # An exported model (music-lstm export-model): a bad checkpoint to export, and an exported
    # file that is cut short or damaged, each one line.
    def exported_tiny(self):
        out = os.path.join(self.tmp.name, "tiny.mlstm")
        r = run("export-model", TINY_MODEL, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, "rb") as f:
            return f.read()

    def test_export_model_of_a_missing_or_wrong_file(self):
        self.assert_error(run("export-model", os.path.join(self.tmp.name, "none.ckpt"),
                              os.path.join(self.tmp.name, "x.mlstm")), "none.ckpt")
        text = self.write("notes.ckpt", b"just some text\n")
        self.assert_error(run("export-model", text, os.path.join(self.tmp.name, "x.mlstm")),
                          "notes.ckpt")
        self.assertFalse(os.path.exists(os.path.join(self.tmp.name, "x.mlstm")))

    def test_a_truncated_or_damaged_exported_model(self):
        data = self.exported_tiny()
        prime = self.write("p.mid", smf.scale(60, count=8))
        cut = self.write("cut.mlstm", data[:len(data) // 2])
        self.assert_error(run("compose", "--model", cut, "--prime", prime, "--out",
                              os.path.join(self.tmp.name, "c.mid")), "cut.mlstm", "truncated")
        damaged = bytearray(data)
        damaged[len(data) // 3] ^= 0x40
        bad = self.write("bad.mlstm", bytes(damaged))
        self.assert_error(run("compose", "--model", bad, "--prime", prime, "--out",
                              os.path.join(self.tmp.name, "c.mid")), "bad.mlstm", "checksum")


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main(verbosity=2)
