#!/usr/bin/env python3
"""Feeds the same weights to our LibTorch models and to PyTorch models of the same architecture
(reference_model.py) and checks that head outputs and losses agree to 1e-5.

Usage: compare_with_pytorch.py EXPORT_BINARY
Exits 77 (skipped) when python3-torch is absent.
"""
import os
import subprocess
import sys
import tempfile

SKIP = 77
TOLERANCE = 1e-5


def main():
    try:
        import numpy  # noqa: F401
        import torch
    except ImportError:
        print("SKIP: python3-torch (and numpy) are not installed (scripts/setup.sh installs them)")
        return SKIP
    sys.path.insert(0, os.path.dirname(__file__))
    from checkpoint_io import read_checkpoint
    from reference_model import NoteModel, loss_terms

    torch.set_num_threads(1)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        files = subprocess.run([sys.argv[1], tmp], check=True, capture_output=True,
                               text=True).stdout.split()
        for path in files:
            header, t = read_checkpoint(path)
            m, w = header["config"]["model"], header["config"]["loss"]
            model = NoteModel(m)
            weights = {k[len("model."):]: torch.from_numpy(v) for k, v in t.items() if k.startswith("model.")}
            model.load_state_dict(weights, strict=True)
            model.eval()
            inputs = [torch.from_numpy(t["input." + k]) for k in ("pitch", "step", "duration", "velocity")]
            with torch.no_grad():
                out = model(*inputs)
                c = m["context_notes"]
                terms = loss_terms(out, [x[:, c:] for x in inputs], m, w)
            worst = 0.0
            for head, ours in out.items():
                diff = (ours - torch.from_numpy(t["output." + head])).abs().max().item()
                worst = max(worst, diff)
            for name, value in terms.items():
                diff = abs(value.item() - float(t["loss." + name][0]))
                worst = max(worst, diff)
            ok = worst <= TOLERANCE
            failed += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {header['metadata']['case']}: largest difference {worst:.2e}")
    print(f"{len(files) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
