"""`music-lstm jam` on the offline path, as a user runs it: a replayed player answered by a real
model (the small test checkpoint), deterministic; each answer is what `compose` computes for the
same context and settings; the headless demo writes its files; bad input gives one line.

  test_jam_offline.py MUSIC_LSTM MODEL DEMO_PHRASE
"""
import json
import struct
import os
import subprocess
import sys
import tempfile
import wave

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from cli_check import fail, one_line_error  # noqa: E402
from jam_check import composed_pitches, model_notes, played_pitches, player_notes  # noqa: E402
import smf  # noqa: E402

MUSIC_LSTM, MODEL, PHRASE = sys.argv[1:4]
RATE = 48000


def run(*args, timeout=300):
    return subprocess.run([MUSIC_LSTM, *args], capture_output=True, text=True, timeout=timeout)


def jam(tmp, name, *extra):
    paths = {k: os.path.join(tmp, f"{name}.{k}") for k in ("wav", "mid", "jsonl", "json")}
    r = run("jam", "--model", MODEL, "--device", "cpu", "--replay", PHRASE, "--offline",
            "--render", paths["wav"], "--record", paths["mid"], "--answers-log", paths["jsonl"],
            "--stats-json", paths["json"], *extra)
    print(r.stdout, r.stderr)
    if r.returncode != 0:
        fail(f"jam {extra} exited {r.returncode}")
    with open(paths["json"]) as f:
        stats = json.load(f)
    with open(paths["jsonl"]) as f:
        answers = [json.loads(line) for line in f]
    return paths, stats, answers


with tempfile.TemporaryDirectory() as tmp:
    paths, stats, answers = jam(tmp, "a", "--width", "4")
    jam_stats = stats["jam"]
    print("jam:", jam_stats)
    if jam_stats["answers"] != 2 or len(answers) != 2:
        fail("the two phrases of the demo were not both answered")
    if jam_stats["answers_late"] or jam_stats["answers_failed"] or stats["engine_dropped"]:
        fail(f"late, failed or dropped: {stats}")
    notes, closed = model_notes(paths["mid"])
    if not closed:
        fail("a model note-on has no note-off in the recording")
    # The first answer, up to where the second phrase made it yield, is on the model's track.
    # (The recording's ticks round times by up to half a millisecond.)
    first = [p for t, p in notes if t < answers[1]["start_s"] - 1e-3]
    logged = played_pitches(answers[0])
    if len(first) < 10 or first != logged[:len(first)]:
        fail(f"the model's track {first[:12]} is not the logged answer {logged[:12]}")
    second = [p for t, p in notes if t >= answers[1]["start_s"] - 1e-3]
    if second != played_pitches(answers[1]) or len(second) != len(played_pitches(answers[1])):
        fail("the last answer did not land whole on the model's track")
    if abs(answers[0]["start_s"] - (answers[0]["phrase_end_s"] + 0.35)) > 256 / RATE + 1e-6:
        fail(f"the answer did not start at the gap's end: {answers[0]}")
    # Each answer is what the engine computes for its context and settings.
    for answer in answers:
        if answer["settings"]["width"] != 4:
            fail("the --width knob was not used")
        if composed_pitches(MUSIC_LSTM, MODEL, tmp, answer) != played_pitches(answer):
            fail(f"answer {answer['index']} differs from compose with the same context")
    # Audio where the model plays.
    with wave.open(paths["wav"]) as w:
        audio = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    start = int(answers[1]["start_s"] * RATE) * 2
    if np.abs(audio[start:start + RATE * 2]).max() < 100:
        fail("the answer is silent in the WAV")
    # Deterministic: the same run gives the same bytes.
    paths_b, _, answers_b = jam(tmp, "b", "--width", "4")
    for kind in ("wav", "mid"):
        if open(paths[kind], "rb").read() != open(paths_b[kind], "rb").read():
            fail(f"two offline jams wrote different {kind} files")
    print("offline jam: 2 answers as compose computes them, deterministic")

    # The model exported (music-lstm export-model, read with no LibTorch) plays the same jam.
    exported = os.path.join(tmp, "model.mlstm")
    r = run("export-model", MODEL, exported)
    if r.returncode != 0 or "read back, it answers as" not in r.stdout:
        fail(f"export-model failed: {r.stdout} {r.stderr}")
    model = MODEL
    MODEL = exported
    paths_e, _, _ = jam(tmp, "e", "--width", "4")
    MODEL = model
    for kind in ("wav", "mid"):
        if open(paths[kind], "rb").read() != open(paths_e[kind], "rb").read():
            fail(f"the exported model's jam wrote another {kind} file than its checkpoint's")
    print("the exported model plays the same jam, byte for byte")

    # Drawn timing and another repetition penalty: logged, and still what compose computes.
    _, _, answers_t = jam(tmp, "t", "--timing", "sample", "--repetition", "0.3")
    for answer in answers_t:
        if answer["settings"]["timing"] != "sample" or answer["settings"]["repetition"] != 0.3:
            fail(f"--timing sample / --repetition 0.3 were not used: {answer['settings']}")
        if composed_pitches(MUSIC_LSTM, MODEL, tmp, answer) != played_pitches(answer):
            fail(f"answer {answer['index']} with drawn timing differs from compose")

    # Continuous mode goes on after the phrase, and every note ends.
    # 60 s: the small model's answers can each span 20 s, and the chain follows the second.
    # (90 s: the test model's answers to the demo last about 40 s each, the second phrase's to
    # 63 s, where the chain goes on.)
    paths_c, stats_c, answers_c = jam(tmp, "c", "--mode", "continuous", "--seconds", "90")
    if stats_c["jam"]["answers"] < 3 or not any(a["chained"] for a in answers_c):
        fail(f"continuous mode did not chain: {stats_c['jam']}")
    if not model_notes(paths_c["mid"])[1]:
        fail("continuous mode left a note on")

    # A pedal bound to a knob and to an action (--bind), end to end through the replay: ten notes
    # of a scale (a quarter second each at 120 bpm), then the sustain pedal pressed and released.
    pedal_file = os.path.join(tmp, "pedal.mid")
    events = []
    for k in range(10):
        events.append((0 if k == 0 else 120, bytes([0x90, 60 + k, 80])))
        events.append((120, bytes([0x80, 60 + k, 0])))
    events += [(96, bytes([0xB0, 64, 127])), (96, bytes([0xB0, 64, 0]))]
    with open(pedal_file, "wb") as f:
        f.write(b"MThd" + struct.pack(">IHHH", 6, 0, 1, 480) + smf.track(events))
    r = run("jam", "--model", MODEL, "--device", "cpu", "--replay", pedal_file, "--offline",
            "--bind", "64=width", "--stats-json", os.path.join(tmp, "pedal.json"))
    with open(os.path.join(tmp, "pedal.json")) as f:
        width = json.load(f)["jam"]["settings"]["width"]
    if r.returncode != 0 or width != "1":  # pressed: 32, released: 1
        fail(f"--bind 64=width: the pedal did not set the width ({width}): {r.stderr}")
    log = os.path.join(tmp, "pedal.jsonl")
    r = run("jam", "--model", MODEL, "--device", "cpu", "--replay", pedal_file, "--offline",
            "--bind", "64=answer-now", "--gap", "4", "--answers-log", log)
    with open(log) as f:
        first = json.loads(f.readline())
    waited = first["start_s"] - first["phrase_end_s"]
    if r.returncode != 0 or waited > 1.0:
        fail(f"--bind 64=answer-now: the answer came {waited:.2f} s after the phrase (gap 4 s)")
    print(f"--bind: the pedal set the width and, bound to answer-now, brought the answer "
          f"{waited:.2f} s after the phrase instead of 4 s")
    one_line_error(run("jam", "--model", MODEL, "--bind", "64=seed", "--offline", "--replay",
                       PHRASE), "--bind 64=seed", "cannot control")
    # A key outside the played range (the lowest A) bound to answer-now: it brings the answer, and
    # it is neither heard, recorded nor heard by the model.
    key_file = os.path.join(tmp, "key.mid")
    events = events[:-2] + [(96, bytes([0x90, 21, 100])), (96, bytes([0x80, 21, 0]))]
    with open(key_file, "wb") as f:
        f.write(b"MThd" + struct.pack(">IHHH", 6, 0, 1, 480) + smf.track(events))
    log, rec = os.path.join(tmp, "key.jsonl"), os.path.join(tmp, "key.mid.out.mid")
    r = run("jam", "--model", MODEL, "--device", "cpu", "--replay", key_file, "--offline",
            "--bind", "key:21=answer-now", "--gap", "4", "--answers-log", log, "--record", rec)
    with open(log) as f:
        first = json.loads(f.readline())
    waited = first["start_s"] - first["phrase_end_s"]
    heard = [p for _, _, p in player_notes(rec)]
    if r.returncode != 0 or waited > 1.0 or 21 in heard or len(heard) != 10:
        fail(f"--bind key:21=answer-now: answer {waited:.2f} s after the phrase, player's track "
             f"{heard}: {r.stderr}")
    if any(n["pitch"] == 21 for n in first["context"]):
        fail("the model heard the key bound to answer-now")
    print(f"--bind key:21: the key brought the answer {waited:.2f} s after the phrase, unheard")
    one_line_error(run("jam", "--model", MODEL, "--bind", "key:300=width", "--offline",
                       "--replay", PHRASE), "--bind key:300=width", "must be a controller number")

    # The headless demo.
    demo_dir = os.path.join(tmp, "demo")
    r = run("jam", "--demo", "--demo-dir", demo_dir, "--model", MODEL, "--device", "cpu")
    print(r.stdout, r.stderr)
    if r.returncode != 0 or "demo written" not in r.stdout:
        fail("the demo did not run")
    if os.path.getsize(os.path.join(demo_dir, "jam-demo.wav")) < 1000:
        fail("the demo's jam-demo.wav is missing or empty")
    # The recording holds the model's answers: the first up to where the second phrase came in,
    # and the second whole.
    demo_notes, demo_closed = model_notes(os.path.join(demo_dir, "jam-demo.mid"))
    if len(demo_notes) < 50 or not demo_closed:
        fail(f"the demo's jam-demo.mid holds {len(demo_notes)} notes of the model's")

    # Bad input: one line each.
    one_line_error(run("jam", "--model", os.path.join(tmp, "none.ckpt"), "--offline", "--replay",
                       PHRASE, "--render", "x.wav"), "none.ckpt")
    bad = os.path.join(tmp, "bad.ckpt")
    with open(bad, "wb") as f:
        f.write(b"not a model at all" * 10)
    one_line_error(run("jam", "--model", bad, "--offline", "--replay", PHRASE, "--render",
                       "x.wav"), "not a music-lstm model file")
    preset = os.path.join(tmp, "bad.json")
    with open(preset, "w") as f:
        json.dump({"name": "x", "width": 99}, f)
    one_line_error(run("jam", "--model", MODEL, "--preset", preset, "--offline", "--replay",
                       PHRASE, "--render", "x.wav"), "bad.json", "width")
    one_line_error(run("jam", "--model", MODEL, "--temperature", "9", "--offline", "--replay",
                       PHRASE, "--render", "x.wav"), "temperature")
    one_line_error(run("jam", "--model", MODEL, "--offline", "--render", "x.wav"), "--replay")
print("PASS")
