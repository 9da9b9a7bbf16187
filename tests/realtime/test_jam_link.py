"""The jam in an Ableton Link session (issue 36), with a second Link peer: the tests' own small
program linked to Link (tests/support/link_peer.cpp), as Ableton Live or a drum machine app would
be another app in the session. The jam runs offline, with --link on: its render keeps pace with
Link's clock and says when its frame 0 is heard on it, so every frame the jam logs has a time on
the session's timeline, which the peer reports from its side.

Follow: the peer founds the session at 100 bpm; the jam joins, answers four phrases on the beat in
the player's tempo, and the peer changes the tempo to 140 bpm a quarter of a second before the
third answer is due.
Checked:
- the jam reports the peer;
- every answer is timed to Link, at the session's tempo, and its first note lies within 5 ms of a
  beat of the session's timeline (the peer's), in frames;
- the answer due less than a beat after the change enters on the new tempo's next beat: the jam
  followed the change within that beat.

Lead: the jam is alone in its session, with its metronome at 90 bpm, and answers a phrase; then
the peer joins (at 130 bpm of its own). Checked: the peer takes the jam's tempo (90 bpm) and bar
lines (the jam's bar line, from its first answer's log, on a bar line of the peer's timeline
within 5 ms), and the jam's next answer is timed to Link on those beats.

  test_jam_link.py MUSIC_LSTM MODEL LINK_PEER WORK_DIR
"""
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from smf import track  # noqa: E402
import struct  # noqa: E402

MUSIC_LSTM, MODEL, PEER, WORK = sys.argv[1:5]
BEAT_MS = 5.0
REPLAY_DELAY_S = 0.5  # the jam's replay starts this long after frame 0
TICKS_PER_S = 960     # 480 ticks a quarter at 120 bpm
GAP_S = 0.35          # the gap knob's default: silence that ends a phrase


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def phrases_file(path, starts):
    """8 notes 0.2 s apart, each 0.15 s long, at each of `starts` (seconds); returns the end of
    each phrase (its last note's release, in the jam's seconds)."""
    events, now, ends = [], 0, []
    for s in starts:
        for i, step in enumerate([0, 2, 4, 5, 7, 5, 4, 2]):
            on = round((s + 0.2 * i) * TICKS_PER_S)
            off = on + round(0.15 * TICKS_PER_S)
            events.append((on - now, bytes([0x90, 60 + step, 80])))
            events.append((off - on, bytes([0x80, 60 + step, 0])))
            now = off
        ends.append(now / TICKS_PER_S + REPLAY_DELAY_S)
    tempo = track([(0, b"\xff\x51\x03\x07\xa1\x20")])
    with open(path, "wb") as f:
        f.write(b"MThd" + struct.pack(">IHHH", 6, 1, 2, 480) + tempo + track(events))
    return ends


class Peer:
    """The second Link peer and what it reports."""

    def __init__(self, bpm, seconds):
        self.proc = subprocess.Popen([PEER, "--bpm", str(bpm), "--seconds", str(seconds)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.lines, self.up = [], threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        if not self.up.wait(timeout=10):
            fail(f"the Link peer did not start: {self.lines}")

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.split())
            if line.startswith("up "):
                self.up.set()

    def tempo_at(self, bpm, at_us):
        self.proc.stdin.write(f"tempo {bpm} {at_us}\n")
        self.proc.stdin.flush()

    def finish(self):
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass
        self.proc.wait(timeout=15)

    def timelines(self):
        """(from_us, bpm, beat0_us) in order."""
        return [(int(w[1]), float(w[2]), float(w[3])) for w in self.lines if w[0] == "timeline"]

    def saw_peer(self):
        return any(w[0] == "peers" and int(w[1]) > 0 for w in self.lines)


def beat_at(timelines, t_us):
    """The session's beat at `t_us`, on the timeline in force then, and that timeline's tempo."""
    current = None
    for line in timelines:
        if line[0] <= t_us:
            current = line
    if current is None:
        current = timelines[0]
    _, bpm, beat0 = current
    return (t_us - beat0) * bpm / 60e6, bpm


def off_beat_ms(timelines, t_us, every=1.0):
    beat, bpm = beat_at(timelines, t_us)
    beats = beat / every
    return abs(beats - round(beats)) * every * 60e3 / bpm


def run_jam(name, args, on_origin):
    """The jam offline with --link on; calls on_origin(frame0_us) when it says where frame 0
    is; returns (its answers, its standard error)."""
    answers_path = os.path.join(WORK, f"{name}-answers.jsonl")
    if os.path.exists(answers_path):
        os.remove(answers_path)
    cmd = [MUSIC_LSTM, "jam", "--model", MODEL, "--device", "cpu", "--offline", "--link", "on",
           "--entry", "beat", "--answer-tempo", "player", "--answers-log", answers_path,
           "--record", os.path.join(WORK, f"{name}.mid"), *args]
    print(" ".join(cmd))
    jam = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    err = []

    def read_err():
        for line in jam.stderr:
            err.append(line)
            if "frame 0 is heard at" in line:
                on_origin(int(line.split("frame 0 is heard at")[1].split()[0]))
    reader = threading.Thread(target=read_err, daemon=True)
    reader.start()
    out = jam.stdout.read()
    jam.wait(timeout=120)
    reader.join(timeout=10)
    said = "".join(err)
    print(said.strip())
    if jam.returncode != 0:
        fail(f"the jam exited {jam.returncode}: {out[-1500:]}")
    with open(answers_path) as f:
        return [json.loads(line) for line in f], said


os.makedirs(WORK, exist_ok=True)

# Link's peers find each other by multicast: on a machine whose network has none, no two apps
# meet, and there is nothing to test.
first, second = Peer(100, 8), Peer(100, 8)
end = time.time() + 6
while time.time() < end and not (first.saw_peer() and second.saw_peer()):
    time.sleep(0.1)
met = first.saw_peer() and second.saw_peer()
first.finish()
second.finish()
if not met:
    print("SKIP: two Link peers on this machine never met (no multicast on its network "
          "interfaces): Link cannot be tested here")
    sys.exit(77)

# --- Follow: the peer's session, its tempo changed during the jam.
# The first phrase 3 s in: Link's discovery takes a second or two after the jam joins.
starts = [3.0 + 8.4 * k for k in range(4)]
ends = phrases_file(os.path.join(WORK, "follow.mid"), starts)
# A quarter of a second before the third answer is due (its phrase's end and the 0.35 s gap):
# less than a beat at either tempo, so an answer on the new beat shows the jam followed within it.
change_s = ends[2] + GAP_S - 0.25
peer = Peer(100, 90)
origin = {}


def change_tempo(frame0_us):
    origin["us"] = frame0_us
    peer.tempo_at(140, frame0_us + round(change_s * 1e6))


answers, said = run_jam("follow", ["--replay", os.path.join(WORK, "follow.mid"),
                                   "--seconds", "36"], change_tempo)
peer.finish()
if "us" not in origin:
    fail("the jam never said where its frame 0 is on Link's clock")
if "Link: 1 other peer in the session" not in said:
    fail("the jam did not report the peer")
timelines = peer.timelines()
change_us = origin["us"] + round(change_s * 1e6)
print(f"peer's timelines: {timelines}")
calls = [a for a in answers if not a["chained"]]
if len(calls) < 4:
    fail(f"{len(calls)} answers to the 4 phrases")
after_change = None
for a in calls:
    t_us = origin["us"] + round(a["start_s"] * 1e6)
    off = off_beat_ms(timelines, t_us)
    _, bpm = beat_at(timelines, t_us)
    beat = a.get("beat") or {}
    print(f"answer {a['index']}: enters at {a['start_s']:.4f} s, {off:.2f} ms from the session's "
          f"beat; session {bpm:.2f} bpm, timed to {beat.get('source')} at "
          f"{beat.get('bpm', 0):.2f} bpm; late: {a['late']}")
    if beat.get("source") != "link":
        fail(f"answer {a['index']} was not timed to Link: {beat}")
    if off > BEAT_MS:
        fail(f"answer {a['index']} entered {off:.2f} ms from the session's beat")
    if abs(beat["bpm"] - bpm) > 0.005 * bpm:
        fail(f"answer {a['index']} was played at {beat['bpm']:.2f} bpm, the session ran at "
             f"{bpm:.2f}")
    if a["late"]:
        fail(f"answer {a['index']} started late")
    if after_change is None and t_us > change_us:
        after_change = (a, t_us)
if after_change is None:
    fail("no answer entered after the tempo change")
a, t_us = after_change
# Due when its phrase's gap has passed (the log's due_s is already the beat it waited for).
due_us = origin["us"] + round((a["phrase_end_s"] + GAP_S) * 1e6)
followed = (due_us - change_us) * 140 / 60e6
print(f"the first answer after the change (answer {a['index']}) was due {followed:.2f} beats "
      f"after it and entered on the 140 bpm beat {(t_us - due_us) * 140 / 60e6:.2f} beats later")
if not 0 < followed < 1.0:
    fail(f"the answer was due {followed:.2f} beats after the change: the test places it within one")
if a["beat"]["bpm"] < 139.3 or t_us - due_us > 60e6 / 140 + 1:
    fail(f"the answer due within a beat of the change did not enter on the new tempo's next beat "
         f"({a['beat']['bpm']:.2f} bpm)")

# --- Lead: the jam alone at its metronome's 90 bpm; the peer joins and takes its beat.
ends = phrases_file(os.path.join(WORK, "lead.mid"), [1.0, 11.0])
joined = {}


def join_later(frame0_us):
    def join():
        time.sleep(max(0.0, (frame0_us + 5e6 - time.clock_gettime_ns(time.CLOCK_MONOTONIC_RAW)
                             / 1e3) / 1e6))
        joined["peer"] = Peer(130, 25)
    joined["origin"] = frame0_us
    threading.Thread(target=join, daemon=True).start()


answers, said = run_jam("lead", ["--replay", os.path.join(WORK, "lead.mid"), "--metronome",
                                 "click", "--metronome-bpm", "90", "--seconds", "18"], join_later)
if "peer" not in joined:
    fail("the peer never joined")
peer = joined["peer"]
peer.finish()
if not peer.saw_peer():
    fail("the peer never saw the jam")
if "Link: 1 other peer in the session" not in said:
    fail("the jam did not report the peer")
# The peer's last timeline is the session it ended in: the jam's (the jam follows once it has a
# peer, so nothing moves it after the join).
timelines = peer.timelines()[-1:]
print(f"peer's timelines: {peer.timelines()}")
if not timelines or abs(timelines[-1][1] - 90.0) > 0.01:
    fail(f"the peer did not take the jam's tempo (90 bpm): {timelines[-1:]}")
calls = [a for a in answers if not a["chained"]]
if len(calls) < 2:
    fail(f"{len(calls)} answers to the 2 phrases")
first, second = calls[0], calls[1]
if first["beat"]["source"] != "metronome":
    fail(f"the first answer (before the peer) was timed to {first['beat']}")
bar_us = joined["origin"] + round(first["beat"]["bar_s"] * 1e6)
bar_off = off_beat_ms(timelines, bar_us, every=4.0)
print(f"the jam's bar line (its metronome's) is {bar_off:.2f} ms from a bar line of the peer's "
      f"timeline")
if bar_off > BEAT_MS:
    fail(f"the peer's bar lines are {bar_off:.2f} ms from the jam's")
t_us = joined["origin"] + round(second["start_s"] * 1e6)
off = off_beat_ms(timelines, t_us)
print(f"answer {second['index']} (after the peer joined): timed to {second['beat']['source']} at "
      f"{second['beat']['bpm']:.2f} bpm, {off:.2f} ms from the session's beat")
if second["beat"]["source"] != "link" or off > BEAT_MS:
    fail("the answer after the peer joined was not on the session's beat")
print("PASS")
