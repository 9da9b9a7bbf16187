#!/usr/bin/env python3
"""The reference bench_continuation measures against: the same seq2seq model and weights (a
music-lstm checkpoint, read by tests/functional/checkpoint_io.py into the PyTorch model of
tests/functional/reference_model.py), and a straightforward incremental beam search written in
PyTorch from Python: encode once, then one decoder step per note for all beams at once, each beam
carrying its LSTM state; the pitch head searched with the repetition penalty, step, duration and
velocity classes drawn (the jam's defaults). Prints one JSON line: milliseconds per answer
(median) for each width.

Usage: continuation_pytorch.py CHECKPOINT [--widths 1,8,32] [--repeats 5] [--notes 50]
"""
import argparse
import json
import math
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "functional"))
from checkpoint_io import read_checkpoint  # noqa: E402
from reference_model import START_PITCH, NoteModel  # noqa: E402


def load(path):
    header, tensors = read_checkpoint(path)
    m = header["config"]["model"]
    model = NoteModel(m)
    weights = {k[len("model."):]: torch.from_numpy(v) for k, v in tensors.items()
               if k.startswith("model.")}
    model.load_state_dict(weights)
    return model.eval(), m


@torch.no_grad()
def answer(model, m, context, width, notes, penalty=0.75, window=16, temperature=1.0,
           timing_temperature=0.85):
    pitch, step, duration, velocity = context
    enc, _ = model.encoder(model.embed(pitch, step, duration, velocity))
    summary = enc.max(dim=1).values
    layers, hidden = m["decoder_layers"], m["decoder_hidden"]
    h = model.to_h(summary).view(1, layers, hidden).transpose(0, 1).contiguous()
    c = model.to_c(summary).view(1, layers, hidden).transpose(0, 1).contiguous()
    attention = m.get("attention", False)
    if attention:  # the memory, projected once an answer as the C++ paths do
        keys, values = model.attention_key(enc)[0] / math.sqrt(hidden), model.attention_value(enc)[0]
    inp = [torch.full((1, 1), START_PITCH, dtype=torch.long)] + [torch.zeros(1, 1)] * 3
    scores = torch.zeros(1)
    history = pitch[:, -window:].repeat(1, 1)  # each beam's recent pitches
    beams = torch.zeros(1, 0, dtype=torch.long)
    for _ in range(notes):
        out, (h, c) = model.decoder(model.embed(*inp), (h, c))
        o = out[:, -1]
        if attention:
            o = o + torch.softmax(o @ keys.T, -1) @ values
        heads = model.heads(o)
        lp = torch.log_softmax(heads["pitch"] / temperature, -1)
        counts = torch.zeros_like(lp).scatter_add_(1, history, torch.ones_like(history, dtype=lp.dtype))
        lp = lp - penalty * counts
        k = min(width, 128)
        top, cls = lp.topk(k, 1)
        total = (scores[:, None] + top).reshape(-1)
        best, pos = total.topk(min(width, total.numel()))
        parent = torch.div(pos, k, rounding_mode="floor")
        new_pitch = cls.reshape(-1)[pos]
        drawn = []
        for name, t in (("step", timing_temperature), ("duration", timing_temperature),
                        ("velocity", 1.0)):
            if name in heads:
                p = torch.softmax(heads[name][parent] / (temperature * t), -1)
                drawn.append(torch.multinomial(p, 1).float())
        scores = best
        h, c = h[:, parent], c[:, parent]
        beams = torch.cat([beams[parent], new_pitch[:, None]], 1)
        history = torch.cat([history[parent], new_pitch[:, None]], 1)[:, -window:]
        # Classes stand in for the times the C++ search decodes them to: the same work.
        inp = [new_pitch[:, None]] + [d for d in drawn] + [torch.zeros(len(parent), 1)] * (3 - len(drawn))
    return beams[scores.argmax()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint")
    ap.add_argument("--widths", default="1,8,32")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--notes", type=int, default=50)
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model, m = load(args.checkpoint)
    if m["kind"] != "seq2seq":
        sys.exit("continuation_pytorch.py: a seq2seq checkpoint, please")
    n = m["context_notes"]
    context = (torch.tensor([[60 + (i * 7) % 12 for i in range(n)]]), torch.full((1, n), 0.25),
               torch.full((1, n), 0.2), torch.full((1, n), 70.0))
    result = {"torch": torch.__version__}
    for width in (int(w) for w in args.widths.split(",")):
        answer(model, m, context, width, args.notes)  # warm-up
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            answer(model, m, context, width, args.notes)
            times.append(time.perf_counter() - start)
        result[str(width)] = sorted(times)[len(times) // 2] * 1000
    print(json.dumps(result))


if __name__ == "__main__":
    main()
