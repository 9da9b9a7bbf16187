"""The jam with a drum machine, as a musician would set it up, with third-party programs only
(issue 36): on a dummy JACK server in sync mode (-S: no cycle is skipped) at PERIOD frames,
Debian's jack_transport is the timebase master (100 bpm, then 140), jack_midi_clock sends MIDI
clock from that transport into the jam, jackd2's jack_midiseq plays an 8-note phrase every 8 s
into it, and one jack_midi_dump records the clock and the jam's MIDI out on one frame timeline.
The tempo changes 0.3 s before the third phrase ends (placed from when the jam says it answered
the second), so the third answer is planned and enters just after the change.
The jam answers on the beat, in the player's tempo (which, with a clock running, is the clock's),
its model's notes on its own JACK MIDI out port (music-lstm:out).

Checked, in the recorder's frames:
- every phrase gets an answer, and no answer is late (the jam's own count);
- every answer's first note lies within 5 ms of a beat of the clock (every 24th pulse from the
  transport's start), whatever the period;
- each answer is timed to the clock, at the clock's tempo within 3 %, before and after the
  change;
- the first answer that enters after the change enters on a beat of the new tempo;
- with the default groove, at least 80 % of each answer's onsets lie within 20 ms of the clock's
  sixteenths, or of its triplets or swing where the phrase fell on those (the player's phrase is
  fixed in seconds: 0.2 s apart is a third of a beat at 100 bpm).

  test_jam_drum_machine.py MUSIC_LSTM MODEL PERIOD WORK_DIR
"""
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from jack_graph import (RATE, JackGraph, clock_pulses, fail, read_dump,  # noqa: E402
                        require_tools, tempo_change)

MUSIC_LSTM, MODEL, PERIOD, WORK = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
SERVER = f"mlstm-drum-{PERIOD}"
# A phrase every 8.4 s: 14 beats at 100 bpm, so that each answer enters where the last did in
# its bar, and the test can place the tempo change just before one of them.
LOOP_S = 8.4
SECONDS = 44
BEAT_MS = 5.0
GRID_MS = 20.0


require_tools("jack_midiseq", "jack_midi_dump", "jack_transport", "jack_midi_clock")

os.makedirs(WORK, exist_ok=True)
dump_path = os.path.join(WORK, "dump.txt")
answers_path = os.path.join(WORK, "answers.jsonl")
stats_path = os.path.join(WORK, "stats.json")
for path in (answers_path, stats_path):
    if os.path.exists(path):
        os.remove(path)
graph = JackGraph(SERVER, os.environ, PERIOD, os.path.join(WORK, "jackd.log"))
jam = None


def jam_said(port):
    """Before a wait for the jam's port fails: what the jam said."""
    if jam is not None:
        if jam.poll() is None:
            jam.kill()
        print(f"the jam (exited {jam.returncode}): {jam.stderr.read()[-2000:]}")


graph.on_missing_port = jam_said
try:
    jam = graph.start([MUSIC_LSTM, "jam", "--model", MODEL, "--device", "cpu", "--virtual",
                       "--headless", "--midi-out-virtual", "--entry", "beat", "--answer-tempo",
                       "player", "--answers-log", answers_path, "--stats-json", stats_path,
                       "--seconds", str(SECONDS + 30)],
                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                      text=True)
    graph.wait_for("music-lstm:in")
    graph.wait_for("music-lstm:out")
    graph.start_dump(dump_path)
    clock_port = graph.start_clock()
    graph.connect(clock_port, "dump:input")
    graph.connect(clock_port, "music-lstm:in")
    graph.connect("music-lstm:out", "dump:input")
    # The phrase: 8 notes 0.2 s apart, each 0.15 s long, at 0.7 s into every loop.
    graph.start_player(round(LOOP_S * RATE),
                       [(int(0.7 * RATE) + i * 9600, 60 + [0, 2, 4, 5, 7, 5, 4, 2][i], 7200)
                        for i in range(8)])
    log_before = len(graph.log_lines())
    transport = graph.start_transport(100)
    graph.connect("seq:out", "music-lstm:in")
    began = time.time()
    # The jam's lines as they come: the second answer's says when the second phrase was answered.
    said, second = [], threading.Event()

    def read_jam():
        for line in jam.stdout:
            said.append(line)
            if line.startswith("answer 2:"):
                second.set()
    reader = threading.Thread(target=read_jam, daemon=True)
    reader.start()
    if not second.wait(timeout=3 * LOOP_S + 10):
        fail("the jam did not answer the second phrase")
    time.sleep(LOOP_S - 0.3 - 0.1)  # answered about 0.1 s after its phrase ended
    transport.stdin.write("tempo 140\n")
    transport.stdin.flush()
    time.sleep(max(0.0, SECONDS - (time.time() - began)))
    transport.stdin.write("stop\nquit\n")
    transport.stdin.flush()
    jam.stdin.write("quit\n")
    jam.stdin.flush()
    jam_err = jam.stderr.read()
    jam.wait(timeout=60)
    reader.join(timeout=10)
    xruns = [line for line in graph.log_lines()[log_before:] if "XRun" in line]
finally:
    graph.stop()
print(jam_err.strip())
if jam.returncode != 0:
    fail(f"the jam exited {jam.returncode}")

events = read_dump(dump_path)
pulses = clock_pulses(events)
beats = pulses[::24]  # the first pulse after start is the downbeat
model_ons = [f for f, b in events if (b[0] & 0xF0) == 0x90 and b[2] > 0]
with open(answers_path) as f:
    answers = [json.loads(line) for line in f]
with open(stats_path) as f:
    report = json.load(f)
print(f"period {PERIOD} frames: {len(pulses)} clock pulses, {len(model_ons)} model notes out, "
      f"{len(answers)} answers; server xruns: {len(xruns)} {xruns[:3]}")
change_frame = tempo_change(pulses, 100)
if change_frame is None:
    fail("the clock never went to 140 bpm")


def clock_bpm_at(frame):
    """The clock's tempo around `frame`, from the 24 pulses before it (after it near the start)."""
    before = [p for p in pulses if p <= frame]
    span = before[-25:] if len(before) >= 25 else pulses[:25]
    return 60 * RATE / (span[-1] - span[0])


def clock_grid(name):
    """The frames of the clock's grid `name` (the answers log's: sixteenths, triplets, swing R),
    from its pulses: 24 a beat."""
    if name == "sixteenths":
        return pulses[::6]
    if name == "triplets":
        return pulses[::8]
    if name.startswith("swing "):
        r = float(name.split()[1])
        return sorted(beats + [b0 + r * (b1 - b0) for b0, b1 in zip(beats, beats[1:])])
    fail(f"an answer with the clock's beat was not drawn to a grid ('{name}')")


if report["jam"]["answers_late"]:
    fail(f"{report['jam']['answers_late']} answers were late")
# Answers to the phrases, in order: the jam's log of them, and the first model note out after
# each answer's planned start (the log's start is in the jam's frames, the dump's in the
# server's; the first answer's first note ties them).
calls = [a for a in answers if not a["chained"]]
if len(calls) < 4:
    fail(f"{len(calls)} answers to the {int(SECONDS // LOOP_S)} phrases played")
first_notes, i = [], 0
for a in calls:
    if first_notes:
        want = first_notes[0] + round((a["start_s"] - calls[0]["start_s"]) * RATE)
        while i < len(model_ons) and model_ons[i] < want - RATE // 2:
            i += 1
    if i == len(model_ons):
        fail(f"answer {a['index']} never sounded on MIDI out")
    first_notes.append(model_ons[i])
worst, after_change, shares = 0.0, None, []
for a, first in zip(calls, first_notes):
    off_ms = min(abs(first - b) for b in beats) * 1000 / RATE
    bpm = clock_bpm_at(first)
    heard = a["beat"]["bpm"] if a.get("beat") else 0.0
    print(f"answer {a['index']}: first note at frame {first}, {off_ms:.2f} ms from a clock beat; "
          f"clock {bpm:.2f} bpm, timed to {a.get('beat', {}).get('source')} at {heard:.2f} bpm; "
          f"ready in time: {a['ready_in_time']}")
    worst = max(worst, off_ms)
    if off_ms > BEAT_MS:
        fail(f"answer {a['index']}'s first note is {off_ms:.2f} ms from the clock's beat")
    if not a.get("beat") or a["beat"]["source"] != "clock":
        fail(f"answer {a['index']} was not timed to the clock: {a.get('beat')}")
    if abs(heard - bpm) > 0.03 * bpm:
        fail(f"answer {a['index']} was played at {heard:.2f} bpm, the clock ran at {bpm:.2f}")
    if a["late"]:
        fail(f"answer {a['index']} started late")
    # The notes as played against the notes as the model wrote them at the scale the jam chose
    # for the clock's tempo: the slope of one against the other (least squares) is 1 within 3 %.
    # (The groove moves each onset by less than half a sixteenth; the player's next phrase cuts
    # an answer short: the notes heard are compared.)
    logged, t = [], 0.0
    for k, n in enumerate(a["notes"]):
        t += max(0.0, n["step"]) * a["played_time_scale"] if k else 0.0
        logged.append(t)
    nxt = next((f for f in first_notes if f > first), None)
    heard_ons = [(f - first) / RATE for f in model_ons
                 if f >= first and (nxt is None or f < nxt)]
    n = min(len(heard_ons), len(logged))
    if n < 8 or logged[n - 1] < 1.0:
        fail(f"answer {a['index']}: {len(heard_ons)} notes heard, too few to judge its tempo")
    mx, my = sum(logged[:n]) / n, sum(heard_ons[:n]) / n
    slope = (sum((x - mx) * (y - my) for x, y in zip(logged[:n], heard_ons[:n])) /
             sum((x - mx) ** 2 for x in logged[:n]))
    # Its onsets on the clock's grid, as the player divided the beat: the grid the jam says it
    # drew the answer to, built from the clock's own pulses.
    grid = clock_grid(a.get("grid", ""))
    near = sum(1 for f in model_ons if f >= first and (nxt is None or f < nxt) and
               min(abs(f - g) for g in grid) * 1000 / RATE <= GRID_MS)
    share = near / len(heard_ons)
    print(f"  {len(heard_ons)} of its notes heard, played x{slope:.4f} the written times at "
          f"x{a['played_time_scale']:.4f}; {share * 100:.0f} % within {GRID_MS:.0f} ms of the "
          f"clock's {a.get('grid')}")
    if abs(slope - 1.0) > 0.03:
        fail(f"answer {a['index']} was not played at the tempo it was timed to")
    if share < 0.8:
        fail(f"answer {a['index']}: {share * 100:.0f} % of its onsets on the clock's "
             f"{a.get('grid')}")
    shares.append(share)
    if after_change is None and first > change_frame:
        after_change = (a, first)
if after_change is None:
    fail("no answer entered after the tempo change")
a, first = after_change
new_beats = [b for b in beats if b > change_frame]
off_ms = min(abs(first - b) for b in new_beats) * 1000 / RATE if new_beats else 1e9
print(f"the first answer after the change (answer {a['index']}, "
      f"{(first - change_frame) / RATE:.2f} s after it): {off_ms:.2f} ms from a beat at 140 bpm")
if off_ms > BEAT_MS:
    fail(f"the answer after the change is {off_ms:.2f} ms from the new tempo's beat")
print(f"every answer's first note within {worst:.2f} ms of a clock beat at {PERIOD} frames; "
      f"{min(shares) * 100:.0f}-{max(shares) * 100:.0f} % of each answer's onsets within "
      f"{GRID_MS:.0f} ms of the grid it was drawn to")
print("PASS")
