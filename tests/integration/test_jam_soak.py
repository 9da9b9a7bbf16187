"""Soak: ten minutes of music in continuous mode on the offline path, with a replayed player who
comes in every so often. The model chains answers the whole time; no event is late or dropped,
every note-on has its note-off, and memory stays flat.

  test_jam_soak.py MUSIC_LSTM MODEL [SECONDS]
"""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from jam_check import model_notes, player_notes  # noqa: E402

MUSIC_LSTM, MODEL = sys.argv[1:3]
SECONDS = float(sys.argv[3]) if len(sys.argv) > 3 else 600.0


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


def player_file(path, seconds):
    """A phrase of ten notes every 40 s: the model plays alone in between."""
    ticks_per_second = 960  # 480 a quarter at 120 bpm
    events = []
    start = 1.0
    k = 0
    while start + 5 < seconds:
        for i in range(10):
            pitch = 55 + (k * 5 + i * 2) % 24
            on = start + 0.22 * i
            events.append((round(on * ticks_per_second), 1, bytes([0x90, pitch, 70 + i * 3])))
            events.append((round((on + 0.18) * ticks_per_second), 0, bytes([0x80, pitch, 0])))
        start += 40.0
        k += 1
    events.sort(key=lambda e: (e[0], e[1]))
    body, now = bytearray(), 0
    for tick, _, data in events:
        delta = tick - now
        now = tick
        vlq = [delta & 0x7F]
        delta >>= 7
        while delta:
            vlq.insert(0, (delta & 0x7F) | 0x80)
            delta >>= 7
        body += bytes(vlq) + data
    body += b"\x00\xff\x2f\x00"
    with open(path, "wb") as f:
        f.write(b"MThd" + (6).to_bytes(4, "big") + (0).to_bytes(2, "big") + (1).to_bytes(2, "big")
                + (480).to_bytes(2, "big") + b"MTrk" + len(body).to_bytes(4, "big") + bytes(body))
    return k


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


with tempfile.TemporaryDirectory() as tmp:
    song, rec = os.path.join(tmp, "player.mid"), os.path.join(tmp, "soak.mid")
    stats, log = os.path.join(tmp, "soak.json"), os.path.join(tmp, "answers.jsonl")
    phrases = player_file(song, SECONDS)
    begin = time.time()
    proc = subprocess.Popen(
        [MUSIC_LSTM, "jam", "--model", MODEL, "--device", "cpu", "--replay", song, "--offline",
         "--mode", "continuous", "--seconds", str(SECONDS), "--record", rec, "--stats-json",
         stats, "--answers-log", log], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    samples = []
    while proc.poll() is None:
        samples.append((time.time() - begin, rss_kb(proc.pid)))
        time.sleep(0.1)
    out, err = proc.communicate()
    elapsed = time.time() - begin
    print(out[-2000:], err[-2000:])
    if proc.returncode != 0:
        fail(f"the jam exited {proc.returncode}")
    with open(stats) as f:
        report = json.load(f)
    jam = report["jam"]
    print(f"{SECONDS:.0f} s of music in {elapsed:.1f} s: {jam['answers']} answers, "
          f"{jam['yields']} yields, {report['events_applied']} events")
    if report["frames"] < SECONDS * 48000:
        fail("the jam ended before its time")
    if report["late_events"] or report["engine_dropped"] or report["input_dropped"]:
        fail(f"late or dropped events: {report}")
    if jam["answers_late"] or jam["answers_failed"] or jam["model_events_dropped"]:
        fail(f"late or failed answers: {jam}")
    # Chained the whole time: about one answer per 50 notes, and the player answered each time.
    if jam["answers"] < SECONDS / 20 or jam["yields"] < phrases - 1:
        fail(f"the model did not keep playing: {jam}")
    notes, closed = model_notes(rec)
    if not closed:
        fail("a model note-on has no note-off")
    if len(player_notes(rec)) != phrases * 10:
        fail("player notes were lost or left on")
    print(f"{len(notes)} model notes, every one ended")
    # Memory: after the first quarter (the model, the soundfont and the pools are in), flat.
    settled = [kb for t, kb in samples if t >= elapsed * 0.25 and kb]
    if len(settled) >= 2:
        growth = max(settled) - settled[0]
        print(f"RSS {settled[0]} kB after a quarter of the run, at most {max(settled)} kB later")
        if growth > 8192:
            fail(f"memory grew by {growth} kB")
print("PASS")
