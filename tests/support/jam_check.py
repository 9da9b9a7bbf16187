"""What the jam tests check in a jam's files: the model's track of a recording, and an answer
recomputed by `music-lstm compose` from the context and settings its answers log gives."""
import os
import subprocess

import mido

import smf


def model_notes(path, track=2):
    """(start s, pitch) of the model's notes, and whether every note-on there has its note-off."""
    mid = mido.MidiFile(path)
    if len(mid.tracks) <= track:
        return [], True
    notes, sounding, t = [], {}, 0.0
    for msg in mid.tracks[track]:
        t += mido.tick2second(msg.time, mid.ticks_per_beat, 500000)
        if msg.type == "note_on" and msg.velocity > 0:
            notes.append((t, msg.note))
            sounding[msg.note] = sounding.get(msg.note, 0) + 1
        elif msg.type in ("note_off", "note_on"):
            sounding[msg.note] = sounding.get(msg.note, 0) - 1
    return notes, all(v == 0 for v in sounding.values())


def player_notes(path):
    """(start s, end s, pitch) of the player's track."""
    mid = mido.MidiFile(path)
    notes, open_notes, t = [], {}, 0.0
    for msg in mid.tracks[1]:
        t += mido.tick2second(msg.time, mid.ticks_per_beat, 500000)
        if msg.type == "note_on" and msg.velocity > 0:
            open_notes.setdefault(msg.note, []).append(t)
        elif msg.type in ("note_off", "note_on") and open_notes.get(msg.note):
            notes.append((open_notes[msg.note].pop(0), t, msg.note))
    return sorted(notes)


def context_midi(context, path):
    """The logged context as a MIDI file that compose reads the same features back from: one tick
    is one audio frame (48,000 a second), and a note before the first gives it its step (a file's
    first note has none). Returns how many notes the file holds."""
    tpq = 24000  # at 120 bpm: 48,000 ticks a second
    lead = context[0]["step"] > 0
    events, t = [], 0.0
    if lead:
        events += [(0, 1, bytes([0x90, context[0]["pitch"], 64])), (1, 0, bytes([0x80, context[0]["pitch"], 0]))]
    for i, n in enumerate(context):
        t += n["step"] if (lead or i > 0) else 0.0
        on = round(t * 48000)
        events.append((on, 1, bytes([0x90, n["pitch"], n["velocity"]])))
        events.append((on + max(1, round(n["duration"] * 48000)), 0, bytes([0x80, n["pitch"], 0])))
    events.sort(key=lambda e: (e[0], e[1]))
    now, body = 0, []
    for tick, _, data in events:
        body.append((tick - now, data))
        now = tick
    tempo = smf.track([(0, b"\xff\x51\x03\x07\xa1\x20")])
    with open(path, "wb") as f:
        f.write(b"MThd" + (6).to_bytes(4, "big") + (1).to_bytes(2, "big") + (2).to_bytes(2, "big")
                + tpq.to_bytes(2, "big") + tempo + smf.track(body))
    return len(context) + (1 if lead else 0)


def played_pitches(answer, rate=48000):
    """An answer's pitches as the performer plays them and a recording holds them: by onset (in
    frames, each step rounded as the performer rounds it), the notes of one onset in pitch order,
    and a key struck twice at one onset once (realtime/perform/performer.cpp)."""
    frame, keys = 0, []
    for i, n in enumerate(answer["notes"]):
        if i:
            frame += round(max(n["step"], 0.0) * rate)
        if (frame, n["pitch"]) not in keys:
            keys.append((frame, n["pitch"]))
    return [p for _, p in sorted(keys)]


def composed_pitches(music_lstm, model, workdir, answer):
    """The pitches `compose` gives for an answer's logged context and settings, in the order
    played_pitches() gives (by onset, then pitch; a key struck twice at one onset once)."""
    prime = os.path.join(workdir, f"context-{answer['index']}.mid")
    notes = context_midi(answer["context"], prime)
    out = os.path.join(workdir, f"composed-{answer['index']}.mid")
    # Every setting the log holds is a compose option of the same name (the search's knobs come
    # from one table), but the time scale and the scale lock's pitch classes, which the jam
    # applies itself.
    options = []
    for name, value in answer["settings"].items():
        if name in ("time_scale", "pitch_classes"):
            continue
        options += ["--" + name.replace("_", "-"),
                    repr(value) if isinstance(value, float) else str(value)]
    r = subprocess.run([music_lstm, "compose", "--model", model, "--device", "cpu", "--prime",
                        prime, "--prime-notes", str(notes), *options, "--out", out],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"compose failed: {r.stderr}")
    mid = mido.MidiFile(out)
    tick, keys = 0, []
    for m in mid.tracks[-1]:
        tick += m.time
        if m.type == "note_on" and m.velocity > 0 and (tick, m.note) not in keys:
            keys.append((tick, m.note))
    return [p for _, p in sorted(keys)]
