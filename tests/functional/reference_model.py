"""The music-lstm models written in PyTorch from the description in engine/model/note_model.hpp,
independently of the C++ code: the functional test loads the C++ model's weights into this one by
name and checks that both compute the same outputs and losses."""
import math

import torch
import torch.nn.functional as F
from torch import nn

START_PITCH = 128
LOG_TIME_OFFSET = 1e-3


class NoteModel(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m
        inputs = m["embedding"] + 2 + (1 if m["velocity"] else 0)
        self.pitch_embedding = nn.Embedding(129, m["embedding"])
        if m["kind"] == "seq2seq":
            self.encoder = nn.LSTM(inputs, m["encoder_hidden"], num_layers=m["encoder_layers"],
                                   dropout=m["dropout"] if m["encoder_layers"] > 1 else 0.0,
                                   bidirectional=m["bidirectional"], batch_first=True)
            summary = m["encoder_hidden"] * (2 if m["bidirectional"] else 1)
            self.summary_dropout = nn.Dropout(m["dropout"])
            self.to_h = nn.Linear(summary, m["decoder_layers"] * m["decoder_hidden"])
            self.to_c = nn.Linear(summary, m["decoder_layers"] * m["decoder_hidden"])
            if m.get("attention", False):
                self.attention_key = nn.Linear(summary, m["decoder_hidden"], bias=False)
                self.attention_value = nn.Linear(summary, m["decoder_hidden"])
        self.decoder = nn.LSTM(inputs, m["decoder_hidden"], num_layers=m["decoder_layers"],
                               dropout=m["dropout"] if m["decoder_layers"] > 1 else 0.0,
                               batch_first=True)
        time_out = 1 if m["time_head"] == "regression" else m["time_bins"]
        self.pitch_head = nn.Linear(m["decoder_hidden"], 128)
        self.step_head = nn.Linear(m["decoder_hidden"], time_out)
        self.duration_head = nn.Linear(m["decoder_hidden"], time_out)
        if m["velocity"]:
            vel_out = 1 if m["velocity_head"] == "regression" else m["velocity_bins"]
            self.velocity_head = nn.Linear(m["decoder_hidden"], vel_out)

    def embed(self, pitch, step, duration, velocity):
        def time_in(t):
            t = t.clamp(0.0, self.m["time_max"])
            return torch.log(t + LOG_TIME_OFFSET) if self.m["log_time_inputs"] else t
        parts = [self.pitch_embedding(pitch), time_in(step)[..., None], time_in(duration)[..., None]]
        if self.m["velocity"]:
            parts.append((velocity / 127.0)[..., None])
        return torch.cat(parts, -1)

    def heads(self, h):
        out = {"pitch": self.pitch_head(h), "step": self.step_head(h), "duration": self.duration_head(h)}
        if self.m["velocity"]:
            out["velocity"] = self.velocity_head(h)
        return out

    def forward(self, pitch, step, duration, velocity):
        c = self.m["context_notes"]
        ctx = [x[:, :c] for x in (pitch, step, duration, velocity)]
        if self.m["kind"] == "next_note":
            out, _ = self.decoder(self.embed(*ctx))
            return self.heads(out[:, c - 1:c])
        enc, _ = self.encoder(self.embed(*ctx))
        summary = self.summary_dropout(enc.max(dim=1).values)
        b, layers, hidden = summary.shape[0], self.m["decoder_layers"], self.m["decoder_hidden"]
        h0 = self.to_h(summary).view(b, layers, hidden).transpose(0, 1).contiguous()
        c0 = self.to_c(summary).view(b, layers, hidden).transpose(0, 1).contiguous()
        # Teacher forcing: start token, then the target notes but the last.
        end = pitch.shape[1] - 1
        dec_pitch = torch.cat([torch.full((b, 1), START_PITCH, dtype=torch.long, device=pitch.device),
                               pitch[:, c:end]], 1)
        zeros = torch.zeros(b, 1, device=step.device)
        dec = [dec_pitch] + [torch.cat([zeros, x[:, c:end]], 1) for x in (step, duration, velocity)]
        out, _ = self.decoder(self.embed(*dec), (h0, c0))
        if self.m.get("attention", False):
            # Scaled dot-product attention of each decoder output over the encoder's outputs;
            # what it reads is added to the output.
            keys, values = self.attention_key(enc), self.attention_value(enc)
            scores = out @ keys.transpose(1, 2) / math.sqrt(self.m["decoder_hidden"])
            out = out + torch.softmax(scores, -1) @ values
        return self.heads(out)


def time_classes(t, m):
    """Class 0 below time_min, then bins-1 log-spaced classes up to time_max."""
    log_min, span = math.log(m["time_min"]), math.log(m["time_max"] / m["time_min"])
    pos = (torch.log(t.clamp(min=m["time_min"])) - log_min) / span * (m["time_bins"] - 1)
    cls = (torch.floor(pos) + 1).clamp(1, m["time_bins"] - 1).long()
    return torch.where(t < m["time_min"], torch.zeros_like(cls), cls)


def velocity_classes(v, m):
    v = v.round().clamp(1, 127).long()
    return torch.div((v - 1) * m["velocity_bins"], 127, rounding_mode="floor").clamp(0, m["velocity_bins"] - 1)


def loss_terms(out, target, m, w):
    """target: (pitch, step, duration, velocity) of the predicted notes."""
    pitch, step, duration, velocity = target

    def ce(logits, cls):
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), cls.reshape(-1))

    def mse(pred, y):
        p = pred.squeeze(-1)
        loss = F.mse_loss(p, y)
        if w["positive_pressure"] > 0:
            loss = loss + w["positive_pressure"] * F.relu(-p).mean()
        return loss

    step, duration = step.clamp(0, m["time_max"]), duration.clamp(0, m["time_max"])
    t = {"pitch": ce(out["pitch"], pitch)}
    if m["time_head"] == "classes":
        t["step"] = ce(out["step"], time_classes(step, m))
        t["duration"] = ce(out["duration"], time_classes(duration, m))
    else:
        t["step"], t["duration"] = mse(out["step"], step), mse(out["duration"], duration)
    total = w["pitch"] * t["pitch"] + w["step"] * t["step"] + w["duration"] * t["duration"]
    if m["velocity"]:
        if m["velocity_head"] == "classes":
            t["velocity"] = ce(out["velocity"], velocity_classes(velocity, m))
        else:
            t["velocity"] = mse(out["velocity"], velocity / 127.0)
        total = total + w["velocity"] * t["velocity"]
    t["total"] = total
    return t
