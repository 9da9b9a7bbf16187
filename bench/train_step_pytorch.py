#!/usr/bin/env python3
"""One training step of a music-lstm configuration in PyTorch (Python), timed like
bench_train_throughput: the same model (tests/functional/reference_model.py), the same random
windows, forward + loss + backward + gradient clipping + Adam. Prints one JSON line.

Usage: train_step_pytorch.py CONFIG.json [--device cpu|cuda] [--seconds S] [--threads N]
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "functional"))
from reference_model import NoteModel, loss_terms  # noqa: E402

DEFAULTS = {  # engine/model/model_config.hpp, for keys a preset leaves out
    "model": {"kind": "seq2seq", "context_notes": 10, "target_notes": 50, "embedding": 32,
              "encoder_hidden": 1024, "encoder_layers": 1, "bidirectional": True,
              "decoder_hidden": 1024, "decoder_layers": 1, "attention": False, "dropout": 0.0,
              "velocity": False,
              "log_time_inputs": False, "time_head": "regression", "velocity_head": "regression",
              "time_bins": 64, "time_min": 0.005, "time_max": 8.0, "velocity_bins": 32},
    "loss": {"pitch": 1.0, "step": 1.0, "duration": 1.0, "velocity": 1.0, "positive_pressure": 0.0},
    "training": {"batch_size": 64, "learning_rate": 1e-3, "grad_clip": 1.0},
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("config")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    args = ap.parse_args()
    with open(args.config) as f:
        given = json.load(f)
    cfg = {k: dict(v, **given.get(k, {})) for k, v in DEFAULTS.items()}
    m, w, t = cfg["model"], cfg["loss"], cfg["training"]
    if m["kind"] == "next_note" and "target_notes" not in given.get("model", {}):
        m["target_notes"] = 1
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    dev = torch.device(args.device)
    model = NoteModel(m).to(dev).train()
    opt = torch.optim.Adam(model.parameters(), lr=t["learning_rate"])
    b, n, c = t["batch_size"], m["context_notes"] + m["target_notes"], m["context_notes"]
    x = [torch.randint(21, 109, (b, n)), torch.rand(b, n) * 0.3, torch.rand(b, n),
         torch.randint(20, 110, (b, n)).float()]
    x = [v.to(dev) for v in x]

    def step():
        terms = loss_terms(model(*x), [v[:, c:] for v in x], m, w)
        opt.zero_grad()
        terms["total"].backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), t["grad_clip"])
        opt.step()
        return terms["total"].item()

    for _ in range(3):
        step()
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < args.seconds or steps < 3:
        step()
        steps += 1
    elapsed = time.perf_counter() - start
    print(json.dumps({"impl": f"PyTorch {torch.__version__} (Python)", "config": given.get("name"),
                      "device": args.device, "threads": args.threads, "batch": b,
                      "parameters": sum(p.numel() for p in model.parameters()), "steps": steps,
                      "ms_per_step": round(elapsed / steps * 1e3, 3),
                      "windows_per_s": round(steps * b / elapsed, 1)}))


if __name__ == "__main__":
    main()
