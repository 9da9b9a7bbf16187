"""The LV2 plugin in a real host: jalv runs it on a dummy JACK server (sync mode, so no cycle is
skipped); Debian's jack_transport is the timebase master (100 bpm, then 140); jack_midi_clock
sends MIDI clock from that transport; jackd2's jack_midiseq plays an 8-note phrase every 10 s into
the plugin; one jack_midi_dump records the clock and the plugin's MIDI out on one frame timeline.

Checked: lv2_validate passes on the bundle; every phrase gets an answer on the answer channel;
with entry on the beat each answer's first note falls on a beat of the transport (a clock beat)
within one JACK period, at 100 bpm and after the change at 140; the player's notes pass through;
the server reports no xrun while the plugin runs.

  test_plugin_jalv.py BUNDLE WORK_DIR
"""
import os
import subprocess
import sys
import time

import lv2_bundle

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from jack_graph import (RATE, JackGraph, clock_pulses, fail, read_dump,  # noqa: E402
                        require_tools, tempo_change)

BUNDLE, WORK = sys.argv[1:3]
PERIOD = 1024
SERVER = "mlstm-plugin-test"
URI = "urn:music-lstm:jam"
LOOP = 10 * RATE          # a phrase every 10 s
CHANGE_AT = 26.0          # s after the transport starts: 100 -> 140 bpm
SECONDS = 50


require_tools("jalv", "jack_midiseq", "jack_midi_dump", "jack_transport", "jack_midi_clock",
              "lv2_validate")

os.makedirs(WORK, exist_ok=True)
lv2_dir = lv2_bundle.isolate(BUNDLE, WORK)
env = dict(os.environ, LV2_PATH=lv2_dir)

passed, report = lv2_bundle.validate(lv2_dir, BUNDLE, env)
print(report)
if not passed:
    fail(f"lv2_validate: {report}")

dump_path = os.path.join(WORK, "dump.txt")
graph = JackGraph(SERVER, env, PERIOD, os.path.join(WORK, "jackd.log"))
try:
    # The plugin in jalv, answers on the beat; jalv quits when its standard input ends.
    jalv = graph.start(["jalv", "-x", "-n", "mlstm", "-c", "entry=1", URI], stdin=subprocess.PIPE,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    graph.wait_for("mlstm:lv2_events_in")
    graph.start_dump(dump_path)
    clock_port = graph.start_clock()
    graph.connect(clock_port, "dump:input")
    graph.connect("mlstm:lv2_events_out", "dump:input")
    # The phrase: 8 notes 0.2 s apart, each 0.15 s long, at 0.7 s into every 10 s loop.
    graph.start_player(LOOP, [(int(0.7 * RATE) + i * 9600, 60 + i, 7200) for i in range(8)])
    log_before = len(graph.log_lines())
    # The transport: master at 100 bpm, rolling; then 140 bpm.
    transport = graph.start_transport(100)
    graph.connect("seq:out", "mlstm:lv2_events_in")
    time.sleep(CHANGE_AT)
    transport.stdin.write("tempo 140\n")
    transport.stdin.flush()
    time.sleep(SECONDS - CHANGE_AT)
    transport.stdin.write("stop\nquit\n")
    transport.stdin.flush()
    # The server's xruns while the plugin ran. One that names our client (its cycle was not
    # finished in time) is the plugin's; the dummy driver's own timer waking up late is the
    # machine's, reported but not judged (docs/TESTING.md, "Xruns").
    log = graph.log_lines()[log_before:]
    xruns = [line for line in log if "XRun" in line]
    ours = [line for line in xruns if "mlstm" in line]
    jalv_out = jalv.communicate(input="", timeout=20)[0]
finally:
    graph.stop()
print(jalv_out)

events = read_dump(dump_path)
pulses = clock_pulses(events)
beats = pulses[::24]  # the first pulse after start is the downbeat
player = [(f, b) for f, b in events if b[0] in (0x90, 0x80)]
model_ons = [f for f, b in events if b[0] == 0x91 and b[2] > 0]
print(f"{len(pulses)} clock pulses, {len(player)} player events passed through, "
      f"{len(model_ons)} model notes; {len(xruns)} xruns of the server ({len(ours)} of the "
      f"plugin's): {xruns}")
if len(player) < 16:
    fail("the player's notes did not pass through")
# Phrase ends: a note-off followed by a silence of more than a second.
offs = [f for f, b in player if b[0] == 0x80]
phrase_ends = [f for i, f in enumerate(offs) if i + 1 == len(offs) or offs[i + 1] - f > RATE]
if len(phrase_ends) < 4:
    fail(f"{len(phrase_ends)} phrases were played, expected 4 or more")
# The tempo change: where the clock's pulses close up.
change_frame = tempo_change(pulses, 100)
if change_frame is None:
    fail("the clock never went to 140 bpm")
# The transport's beats: jack_transport, the timebase master, counts bar, beat and tick from the
# transport's frame at the tempo of the moment (a change moves the beats: its BBT is not a tempo
# map), and jack_midi_clock's first pulse after start is the transport's beat 0. So a beat at
# beat0 + k * (60 / bpm) s at the tempo then playing.
beat0 = pulses[0]
answered = phrase_ends[:-1] if phrase_ends[-1] > events[-1][0] - 3 * RATE else phrase_ends
for end in answered:
    after = [f for f in model_ons if f > end]
    if not after or after[0] > end + 5 * RATE:
        fail(f"the phrase that ended at frame {end} got no answer")
    first = after[0]
    bpm = 100 if first < change_frame else 140
    period = 60 * RATE / bpm
    k = round((first - beat0) / period)
    off = first - (beat0 + k * period)
    print(f"answer at frame {first}, {(first - end) / RATE:.3f} s after the phrase: "
          f"{off:+.0f} frames from beat {k} of the {bpm} bpm transport")
    if abs(off) > PERIOD:
        fail(f"the answer at frame {first} is {off:+.0f} frames off the transport's beat")
if not any(f > change_frame for f in model_ons):
    fail("no answer after the tempo change")
if ours:
    fail(f"the plugin caused xruns: {ours}")
print("PASS")
