"""scripts/composer_folder.py on a MAESTRO-shaped folder it writes: the first train and validation
performances of one composer by file name and all of the test split, with a split.csv that names
each file's split; one line and a non-zero exit for a missing index, an unknown composer, too few
performances and a folder that exists."""
import csv
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts",
                      "composer_folder.py")
FIELDS = ["canonical_composer", "canonical_title", "split", "year", "midi_filename",
          "audio_filename", "duration"]


class ComposerFolder(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.data = os.path.join(self.tmp.name, "maestro")
        rows = []
        # Listed out of name order: the choice must follow the names, not the CSV.
        for composer, split, name in [("Bach", "train", "2004/c.midi"), ("Bach", "train",
                                      "2004/a.midi"), ("Bach", "train", "2006/b.midi"),
                                      ("Bach", "validation", "2008/v2.midi"),
                                      ("Bach", "validation", "2008/v1.midi"),
                                      ("Bach", "test", "2009/t1.midi"),
                                      ("Bach", "test", "2009/t2.midi"),
                                      ("Chopin", "train", "2004/chopin.midi"),
                                      ("Chopin", "test", "2004/chopin-t.midi")]:
            path = os.path.join(self.data, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(name.encode())  # the file's own name: a copy is checked by its bytes
            rows.append({"canonical_composer": composer, "canonical_title": "t", "split": split,
                         "year": name[:4], "midi_filename": name, "audio_filename": "",
                         "duration": "120"})
        with open(os.path.join(self.data, "maestro-v3.0.0.csv"), "w", newline="") as f:
            w = csv.DictWriter(f, FIELDS)
            w.writeheader()
            w.writerows(rows)

    def tearDown(self):
        self.tmp.cleanup()

    def run_script(self, *args):
        return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True,
                              timeout=60)

    def test_chooses_by_name_and_writes_the_split(self):
        out = os.path.join(self.tmp.name, "bach")
        r = self.run_script("--data", self.data, "--composer", "Bach", "--out", out, "--train",
                            "2", "--validation", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2 train (4.0 min), 1 validation (2.0 min), 2 test (4.0 min)", r.stdout)
        with open(os.path.join(out, "split.csv"), newline="") as f:
            split = {row["midi_filename"]: row["split"] for row in csv.DictReader(f)}
        self.assertEqual(split, {"2004/a.midi": "train", "2004/c.midi": "train",
                                 "2008/v1.midi": "validation", "2009/t1.midi": "test",
                                 "2009/t2.midi": "test"})
        for name in split:
            with open(os.path.join(out, name), "rb") as f:
                self.assertEqual(f.read(), name.encode())
        self.assertFalse(os.path.exists(out + ".partial"))

        again = self.run_script("--data", self.data, "--composer", "Bach", "--out", out)
        self.assert_one_line(again, "exists")

    def test_bad_input_is_one_line(self):
        out = os.path.join(self.tmp.name, "x")
        self.assert_one_line(self.run_script("--data", self.tmp.name, "--composer", "Bach",
                                             "--out", out), "no maestro-v3.0.0.csv")
        self.assert_one_line(self.run_script("--data", self.data, "--composer", "Liszt", "--out",
                                             out), "no performance of 'Liszt'")
        self.assert_one_line(self.run_script("--data", self.data, "--composer", "Chopin",
                                             "--out", out), "1 train performances, fewer than "
                             "the 12 asked")
        self.assertFalse(os.path.exists(out))

    def assert_one_line(self, r, fragment):
        self.assertNotEqual(r.returncode, 0, r.stdout)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn(fragment, lines[0])


if __name__ == "__main__":
    unittest.main(verbosity=2)
