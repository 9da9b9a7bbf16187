#!/usr/bin/env python3
"""A folder of one composer's MAESTRO performances with a split.csv, for fine-tuning on one
character (docs/MODELS.md, "Fine-tuning on one composer"): the first --train performances of the
train split and the first --validation of the validation split, in the order of their file names,
and all of the test split, so the fine-tuned model is measured on music neither model saw.

Usage: composer_folder.py --data ../shared/data/maestro-v3.0.0 --composer "Johann Sebastian Bach"
                          --out bach [--train 12] [--validation 2]
Then: music-lstm train --config presets/training/finetune.json --init-from
      models/default/model.ckpt --data bach --reference-data ../shared/data/maestro-v3.0.0
"""
import argparse
import csv
import os
import shutil
import sys


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="the MAESTRO v3.0.0 folder (its CSV and MIDI)")
    p.add_argument("--composer", required=True, help="canonical_composer, as the CSV spells it")
    p.add_argument("--out", required=True, help="the folder to write (must not exist)")
    p.add_argument("--train", type=int, default=12, help="train performances (default 12)")
    p.add_argument("--validation", type=int, default=2,
                   help="validation performances (default 2)")
    a = p.parse_args()
    if a.train < 1 or a.validation < 1:
        sys.exit("composer_folder: --train and --validation must be at least 1")
    index = os.path.join(a.data, "maestro-v3.0.0.csv")
    if not os.path.isfile(index):
        sys.exit(f"composer_folder: no maestro-v3.0.0.csv in {a.data}: is it the MAESTRO v3.0.0 "
                 "folder?")
    if os.path.exists(a.out):
        sys.exit(f"composer_folder: {a.out} exists; name a new folder")
    with open(index, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["canonical_composer"] == a.composer]
    if not rows:
        sys.exit(f"composer_folder: no performance of '{a.composer}' in {index} (the CSV's "
                 "canonical_composer, e.g. 'Johann Sebastian Bach')")
    by_split = {s: sorted((r for r in rows if r["split"] == s), key=lambda r: r["midi_filename"])
                for s in ("train", "validation", "test")}
    chosen = (by_split["train"][:a.train] + by_split["validation"][:a.validation]
              + by_split["test"])
    for split, want in (("train", a.train), ("validation", a.validation), ("test", 1)):
        if len(by_split[split]) < want:
            sys.exit(f"composer_folder: '{a.composer}' has {len(by_split[split])} {split} "
                     f"performances, fewer than the {want} asked")
    # Written beside the target and renamed at the end, so a folder that exists is complete.
    tmp = a.out.rstrip("/") + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    minutes = {"train": 0.0, "validation": 0.0, "test": 0.0}
    for r in chosen:
        dest = os.path.join(tmp, r["midi_filename"])
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(os.path.join(a.data, r["midi_filename"]), dest)
        minutes[r["split"]] += float(r["duration"]) / 60
    with open(os.path.join(tmp, "split.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["midi_filename", "split"])
        for r in chosen:
            w.writerow([r["midi_filename"], r["split"]])
    os.rename(tmp, a.out)
    counts = {s: sum(1 for r in chosen if r["split"] == s) for s in minutes}
    print(f"{a.out}: {a.composer}, " + ", ".join(
        f"{counts[s]} {s} ({minutes[s]:.1f} min)" for s in ("train", "validation", "test")))


if __name__ == "__main__":
    main()
