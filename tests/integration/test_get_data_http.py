#!/usr/bin/env python3
"""`music-lstm get-data` against a local HTTP server on 127.0.0.1 serving a small MAESTRO-shaped
zip that this test builds: a full download, an interrupted transfer that resumes (in the same run
and in the next), a server without range support, a corrupt zip, a 404, a CSV row whose file is
missing, a corrupt MIDI file inside, and --from with a local zip."""
import os
import subprocess
import sys
import tempfile
import unittest
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from support.http_test_server import TestServer  # noqa: E402
from support import smf  # noqa: E402

BINARY = None
ROWS = [("train", "2004/a.midi"), ("train", "2004/b.midi"), ("train", "2006/c.midi"),
        ("validation", "2006/d.midi"), ("test", "2008/e.midi")]


def build_zip(path, rows=ROWS, extra_csv_rows=(), corrupt_midi=None):
    """A zip laid out like maestro-v3.0.0-midi.zip. Incompressible padding in a side file makes it
    big enough (~300 KB) that a cut transfer really stops mid-way."""
    lines = ["canonical_composer,canonical_title,split,year,midi_filename,audio_filename,duration"]
    for split, name in list(rows) + list(extra_csv_rows):
        lines.append(f'"Chopin, Frédéric","Ballade No. 1, Op. 23",{split},2004,{name},x.wav,10.0')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("maestro-v3.0.0/maestro-v3.0.0.csv", "\n".join(lines) + "\n")
        for i, (_, name) in enumerate(rows):
            data = b"garbage, not midi" if name == corrupt_midi else smf.scale(40 + i)
            z.writestr("maestro-v3.0.0/" + name, data)
        z.writestr("maestro-v3.0.0/LICENSE", os.urandom(300_000))


class GetDataHttp(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.zip = os.path.join(self.dir, "maestro-v3.0.0-midi.zip")
        self.dest = os.path.join(self.dir, "dest")
        build_zip(self.zip)

    def tearDown(self):
        self.tmp.cleanup()

    def get_data(self, url, *extra):
        env = dict(os.environ, MUSIC_LSTM_CACHE=os.path.join(self.dir, "cache"))
        return subprocess.run([BINARY, "get-data", "--url", url, "--dest", self.dest, "--quiet",
                               *extra], capture_output=True, text=True, timeout=120, env=env)

    def assert_complete(self, r, counts="train 3, validation 1, test 1"):
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(counts, r.stdout)
        self.assertTrue(os.path.exists(os.path.join(self.dest, "maestro-v3.0.0.csv")))
        self.assertTrue(os.path.exists(os.path.join(self.dest, "2008", "e.midi")))
        self.assertFalse(os.path.exists(os.path.join(self.dest, "maestro-v3.0.0-midi.zip")))
        self.assertFalse(os.path.exists(os.path.join(self.dest, "maestro-v3.0.0-midi.zip.part")))

    def assert_one_error_line(self, r, fragment):
        self.assertNotEqual(r.returncode, 0)
        self.assertGreater(r.returncode, 0, "killed by a signal")
        last = r.stderr.strip().splitlines()[-1]
        self.assertTrue(last.startswith("music-lstm: error: "), r.stderr)
        self.assertIn(fragment, last)

    def test_full_download(self):
        with TestServer(self.zip) as s:
            self.assert_complete(self.get_data(s.url))
            self.assertEqual(s.requests, [None])

    def test_interrupted_transfer_resumes_in_the_same_run(self):
        with TestServer(self.zip, cut_after=120_000, cut_count=1) as s:
            r = self.get_data(s.url)
            self.assert_complete(r)
            self.assertIn("retrying", r.stderr)
            self.assertEqual(s.requests, [None, "bytes=120000-"])

    def test_interrupted_transfer_resumes_in_the_next_run(self):
        with TestServer(self.zip, cut_after=100_000, cut_count=1) as s:
            r = self.get_data(s.url, "--retries", "0")
            self.assert_one_error_line(r, "run the same command again to resume")
            part = os.path.join(self.dest, "maestro-v3.0.0-midi.zip.part")
            self.assertEqual(os.path.getsize(part), 100_000)
            r = self.get_data(s.url)
            self.assert_complete(r)
            self.assertIn("resuming", r.stderr)
            self.assertEqual(s.requests, [None, "bytes=100000-"])

    def test_server_without_ranges_starts_over(self):
        with TestServer(self.zip, cut_after=100_000, cut_count=1, ranges=False) as s:
            self.assertNotEqual(self.get_data(s.url, "--retries", "0").returncode, 0)
            r = self.get_data(s.url, "--retries", "2")
            self.assert_complete(r)

    def test_corrupt_zip_is_reported_and_removed(self):
        data = bytearray(open(self.zip, "rb").read())
        for i in range(200, 260):  # inside the first entries' compressed data
            data[i] ^= 0xFF
        open(self.zip, "wb").write(data)
        with TestServer(self.zip) as s:
            r = self.get_data(s.url)
            self.assert_one_error_line(r, "the download was removed: run get-data again")
            self.assertFalse(os.path.exists(os.path.join(self.dest, "maestro-v3.0.0-midi.zip")))

    def test_missing_url_is_one_clear_line(self):
        with TestServer(self.zip) as s:
            r = self.get_data(s.url.replace(".zip", "-nope.zip"))
            self.assert_one_error_line(r, "404")

    def test_connection_refused_is_one_clear_line(self):
        with TestServer(self.zip) as s:
            url = s.url
        r = self.get_data(url, "--retries", "0")
        self.assert_one_error_line(r, "check the network and the URL")
        self.assertFalse(os.path.exists(os.path.join(self.dest, "maestro-v3.0.0-midi.zip.part")))

    def test_missing_and_corrupt_files_are_counted_and_skipped(self):
        build_zip(self.zip, extra_csv_rows=[("test", "2009/missing.midi")], corrupt_midi="2004/b.midi")
        with TestServer(self.zip) as s:
            r = self.get_data(s.url)
            self.assert_complete(r, counts="train 2, validation 1, test 1")
            self.assertIn("1 corrupt and 1 missing files skipped", r.stdout)
            self.assertIn("2009/missing.midi", r.stderr)
            self.assertIn("2004/b.midi: at byte 0", r.stderr)

    def test_from_local_zip(self):
        env = dict(os.environ, MUSIC_LSTM_CACHE=os.path.join(self.dir, "cache"))
        r = subprocess.run([BINARY, "get-data", "--from", self.zip, "--dest", self.dest, "-q"],
                           capture_output=True, text=True, timeout=60, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("train 3, validation 1, test 1", r.stdout)
        self.assertTrue(os.path.exists(self.zip), "a --from zip is the user's: never removed")


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main(verbosity=2)
