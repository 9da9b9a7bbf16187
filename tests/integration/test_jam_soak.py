"""Soak: an hour of music (about 20 s of wall time) in continuous mode on the offline path, with a
replayed player who comes in every so often. The model chains answers the whole time; no event is
late or dropped, every note-on has its note-off, and memory does not grow with the answers (a leak
of 12 kB an answer fails it; the jam keeps about 2 kB an answer: its recording and history).

  test_jam_soak.py MUSIC_LSTM MODEL [SECONDS]
"""
import json
import os
import subprocess
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from jam_check import model_notes, player_notes  # noqa: E402

MUSIC_LSTM, MODEL = sys.argv[1:3]
SECONDS = float(sys.argv[3]) if len(sys.argv) > 3 else 3600.0


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


class Drain:
    """Reads a pipe on a thread while the jam runs: a jam that prints more than a pipe buffer
    (64 KB, a few hundred answers) would otherwise block on its write and never end. Counts the
    jam's "answer N:" lines as they come, so memory samples can be set against answers."""

    def __init__(self, pipe):
        self.lines, self.answers = [], 0
        self.thread = threading.Thread(target=self.run, args=(pipe,), daemon=True)
        self.thread.start()

    def run(self, pipe):
        for line in pipe:
            self.lines.append(line)
            if line.startswith("answer "):
                self.answers += 1

    def text(self):
        self.thread.join()
        return "".join(self.lines)


# What the jam may keep per answer and is meant to: the recording's notes (50 notes of 40 bytes,
# in a vector that doubles) and the panel's history. Anything above this per answer is a leak.
LEAK_KB_PER_ANSWER = 8.0

with tempfile.TemporaryDirectory() as tmp:
    song, rec = os.path.join(tmp, "player.mid"), os.path.join(tmp, "soak.mid")
    stats, log = os.path.join(tmp, "soak.json"), os.path.join(tmp, "answers.jsonl")
    phrases = player_file(song, SECONDS)
    begin = time.time()
    proc = subprocess.Popen(
        [MUSIC_LSTM, "jam", "--model", MODEL, "--device", "cpu", "--replay", song, "--offline",
         "--mode", "continuous", "--seconds", str(SECONDS), "--record", rec, "--stats-json",
         stats, "--answers-log", log,
         # Beam search at width 8 without figure recall: the test model's likeliest timing gives
         # answers of about 15 s, which the count of answers below is sized by (its drawn beams
         # linger longer, and with recall its answers of 50 notes span about 40 s).
         "--sampling", "beam", "--width", "8", "--recall", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out_pipe, err_pipe = Drain(proc.stdout), Drain(proc.stderr)
    # (seconds since start, RSS in kB, answers printed so far)
    samples = []
    while proc.poll() is None:
        samples.append((time.time() - begin, rss_kb(proc.pid), out_pipe.answers))
        time.sleep(0.05)
    out, err = out_pipe.text(), err_pipe.text()
    elapsed = time.time() - begin
    print(out[-2000:], err[-2000:])
    if proc.returncode != 0:
        fail(f"the jam exited {proc.returncode}")
    # Memory, per answer once loaded. Loading (the soundfont alone is 145 MB) ends before the
    # first answer, and the allocator's pools fill over the first few: from a tenth of the answers
    # on, RSS against the number of answers must be flat. Samples after the last answer are left
    # out: the jam is then saving and freeing. A slope, not first-to-last: one sample taken while
    # a page of the recording is being touched moves neither much.
    answers = out_pipe.answers
    warm = max(3, answers // 10)
    settled = [(n, kb) for _, kb, n in samples if warm <= n < answers and kb]
    if answers - warm < 20 or len({n for n, _ in settled}) < 10:
        fail(f"too few answers after warm-up to judge memory: {answers} answers, "
             f"{len(settled)} samples")
    per_answer = statistics.linear_regression([n for n, _ in settled],
                                              [kb for _, kb in settled]).slope
    first, last = settled[0], settled[-1]
    loaded = next((kb for _, kb, n in samples if n >= 1 and kb), 0)
    print(f"RSS {loaded} kB at the first answer; {first[1]} kB at answer {first[0]}, "
          f"{last[1]} kB at answer {last[0]} (peak {max(kb for _, kb in settled)} kB): "
          f"{per_answer:.2f} kB per answer over {len(settled)} samples")
    if per_answer > LEAK_KB_PER_ANSWER:
        fail(f"memory grows by {per_answer:.1f} kB per answer (at most {LEAK_KB_PER_ANSWER} "
             f"kB may be the recording): a leak")
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
print("PASS")
