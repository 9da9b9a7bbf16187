"""The real-time path on a real (dummy) JACK server: PortAudio on JACK, a virtual JACK MIDI port,
and a second process playing a keyboard's part in real time, each message at its own frame.

  test_jack_session.py CASE MUSIC_LSTM SENDER MAESTRO_DIR WORK_DIR MODEL
CASE: performance | flood | malformed | reconnect | kill | jam | clock

The dummy server (tests/support/jack_server.sh, a ctest fixture) runs at 48 kHz and the period
tests/CMakeLists.txt gives it (MLSTM_JACK_PERIOD).
"""
import json
import os
import re
import signal
import subprocess
import sys
import time
import wave

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import smf  # noqa: E402
from jam_check import composed_pitches, model_notes, played_pitches, player_notes  # noqa: E402

CASE, MUSIC_LSTM, SENDER, MAESTRO, WORK, MODEL = sys.argv[1:7]
os.makedirs(WORK, exist_ok=True)
RATE = 48000
JACK_LOG = os.environ.get("MLSTM_JACK_LOG", "")
PERIOD = os.environ.get("MLSTM_JACK_PERIOD", "256")


class Failure(SystemExit):
    """A failed check: the test exits 1 with its message, unless a case catches it to judge the
    session it failed in (played_until_judged). `host`: the check depends on the server's cycles
    as well as on us (JACK drops the MIDI of a cycle it skips, and a skipped cycle moves frames
    by a period), so a session in which the server ran late cannot judge it."""

    def __init__(self, message, host=False):
        super().__init__(message)
        self.host = host


def fail(message, host=False):
    sys.stdout.flush()
    raise Failure(f"FAIL: {message}", host)


def server_late_since(log_before):
    """The server log's xrun lines since `log_before`: the driver woke up late ("JackTimedDriver::
    Process XRun") or a client of the graph was not finished ("JackEngine::XRun: client = ...")."""
    return [line.strip() for line in jack_log_lines()[log_before:] if "XRun" in line]


def played_until_judged(session, attempts):
    """Plays session(attempt) until one is judged; returns its result, or None when none could be.

    A check that depends on the server's cycles (Failure.host) fails the test only in a session
    in which the server ran on time. In a session where it ran late the failure is said and the
    same session played again, up to `attempts` times; when every session ran late, what depends
    on the cycles is said to be not judged (every check that does not depend on them passed, or
    the test failed). Any other failure fails the test at once (docs/TESTING.md)."""
    for attempt in range(1, attempts + 1):
        log_before = len(jack_log_lines())
        try:
            return session(attempt)
        except Failure as failure:
            late = server_late_since(log_before)
            if not failure.host or not late:
                raise
            print(f"{failure} -- in a session where the server ran late ({'; '.join(late)})")
            if attempt < attempts:
                print("playing the same session again")
    print(f"NOT JUDGED: the server ran late in all {attempts} sessions, so what depends on its "
          f"cycles could not be judged on this machine (the checks before it passed)")
    return None


def jack_log_lines():
    if not JACK_LOG or not os.path.exists(JACK_LOG):
        return []
    with open(JACK_LOG, errors="replace") as f:
        return f.readlines()


def xruns_since(log_before, report):
    """The xruns of a run, said in full, and whether one was ours.

    JACK notifies every client of an xrun when its driver woke up late ("JackTimedDriver::Process
    XRun" in the server's log: the scheduler, on a machine without a real-time kernel) and when any
    client of the graph was late ("JackEngine::XRun: client = NAME ..."): the sender, our MIDI
    client on its first cycle, or our audio client (`listen`'s music-lstm-audio; the jam's one
    client, music-lstm). The jam tells these apart itself
    (realtime/engine/callback_stats.hpp): `xruns` are the cycles its output really missed,
    `overruns` the ones its own callback caused by taking longer than the period. Only those are
    the product's doing; the rest depend on how busy the machine is, so they are printed (for
    docs/BENCHMARKS.md), not asserted."""
    lines = jack_log_lines()[log_before:]
    driver = sum(1 for line in lines if "Driver::Process XRun" in line)
    clients = {}
    for line in lines:
        m = re.search(r"JackEngine::XRun: client (?:= )?(\S+)", line)
        if m:
            clients[m.group(1).rstrip(",")] = clients.get(m.group(1).rstrip(","), 0) + 1
    print(f"xruns: {report['xrun_notifications']} notified to our callback; {report['xruns']} "
          f"cycles our output missed, {report['overruns']} of them by our callback's own work; "
          f"server log: {driver} late driver wake-ups, late clients {clients or 'none'}; "
          f"callback max {report['callback_max_ms']:.3f} ms ({report['callback_cpu_max_ms']:.3f} ms "
          f"of CPU time) of {report['period_ms']:.3f} ms")
    # An overrun counts when both witnesses saw it: our callback counted its own work over the
    # period, and the server named our audio client late. Even then it may not be ours: on these
    # virtual machines the guest charges a stall of the virtual CPU to the running thread's CPU
    # time (bench_host_stalls; CI measured one callback of 27.1 ms of CPU time in this light
    # session, seen late by the server too). Playing the session again tells them apart
    # (case_performance, confirmed()).
    # `listen` has an audio client of its own; the jam one client for audio and MIDI.
    return min(report["overruns"], clients.get("music-lstm-audio", 0) + clients.get("music-lstm", 0))


def confirmed(play, what):
    """Plays a session; if both witnesses saw an overrun, plays the same session again and says
    whether it came back. Our callback's work is the same for the same input, so an overrun of
    ours comes back (30 ms of work injected every few hundred callbacks: 6 and 6 overruns); a
    stall of the host is rare and does not come again at the same odds (docs/TESTING.md)."""
    first = play(1)
    if not first:
        return False
    print(f"{first} overruns {what}, seen by both witnesses: playing the same session again to "
          f"tell our callback's work (it comes back) from a stall of the host (it does not)")
    second = play(2)
    print(f"again: {second} overruns")
    return second > 0


def wait_for_port(name, seconds=10):
    end = time.time() + seconds
    while time.time() < end:
        ports = subprocess.run(["jack_lsp"], capture_output=True, text=True).stdout.split("\n")
        if name in ports:
            return
        time.sleep(0.1)
    fail(f"the JACK port {name} never appeared")


def listen(*args, seconds):
    stats = os.path.join(WORK, f"{CASE}-stats.json")
    if os.path.exists(stats):
        os.remove(stats)
    proc = subprocess.Popen(
        [MUSIC_LSTM, "listen", "--buffer", PERIOD, "--seconds", str(seconds),
         "--stats-json", stats, *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, stats


def finish(proc, stats):
    """Waits for a `listen` that ends by itself (--seconds) once the sender is done."""
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        backtrace(proc)
        fail("music-lstm listen did not end")
    print(out, err, sep="\n")
    if proc.returncode != 0:
        fail(f"music-lstm listen exited {proc.returncode}")
    with open(stats) as f:
        return json.load(f), err


def backtrace(proc):
    """Where a process is stuck, for the report; then it is killed."""
    subprocess.run(["gdb", "-p", str(proc.pid), "-batch", "-ex", "thread apply all bt 10"])
    proc.kill()
    proc.wait()


def send(*args, timeout):
    try:
        result = subprocess.run([SENDER, *args], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        print(e.stdout, e.stderr)
        fail(f"the sender did not end in {timeout} s")
    print(result.stdout, result.stderr)
    if result.returncode != 0:
        # 4: the server dropped it or stopped running its cycle (midi_sender.cpp says which).
        fail(f"the sender exited {result.returncode}", host=result.returncode == 4)


def performance_file():
    """A MAESTRO performance, or a generated one when the data is absent."""
    csv_path = os.path.join(MAESTRO, "maestro-v3.0.0.csv")
    if os.path.exists(csv_path):
        import csv
        with open(csv_path, newline="") as f:
            rows = list(csv.DictReader(f))
        # A dense, fast piece (Liszt, Hungarian Rhapsody No. 2), else the first test file.
        row = next((r for r in rows if "Hungarian Rhapsody No. 2" in r["canonical_title"]),
                   next(r for r in rows if r["split"] == "test"))
        path = os.path.join(MAESTRO, row["midi_filename"])
        print("sending", path)
        return path
    print("no MAESTRO data: sending a generated performance")
    events = []
    for i in range(1200):
        events.append((0 if i == 0 else 24, [0x90, 40 + (i * 7) % 48, 40 + i % 80]))
        events.append((12, [0x80, 40 + (i * 7) % 48, 0]))
    return smf_file(os.path.join(WORK, "generated.mid"), events)


def smf_file(path, events):
    data = bytearray()
    for delta, message in events:
        data += smf.vlq(delta) + bytes(message)
    data += b"\x00\xff\x2f\x00"
    with open(path, "wb") as f:
        f.write(b"MThd" + (6).to_bytes(4, "big") + (0).to_bytes(2, "big") + (1).to_bytes(2, "big")
                + (96).to_bytes(2, "big"))
        f.write(b"MTrk" + len(data).to_bytes(4, "big") + bytes(data))
    return path


def read_sent(log):
    onsets = []
    for line in open(log):
        if line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) == 4 and int(parts[1]) & 0xF0 == 0x90 and int(parts[3]) > 0:
            onsets.append((float(parts[0]), int(parts[2])))
    return onsets


def read_recording(path):
    import mido
    mid = mido.MidiFile(path)
    onsets, t = [], 0.0
    for msg in mido.merge_tracks(mid.tracks):
        t += mido.tick2second(msg.time, mid.ticks_per_beat, 500000)
        if msg.type == "note_on" and msg.velocity > 0:
            onsets.append((t, msg.note))
    return onsets


def read_wav_mono(path):
    with wave.open(path) as w:
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    return frames.reshape(-1, 2).astype(np.float64).mean(axis=1) / 32768.0


def case_performance():
    """A MAESTRO performance played into the session for 45 s. Every note arrives, is recorded
    and sounds, whatever the machine; two figures depend on the machine as well as on us and are
    judged as docs/TESTING.md says: an overrun must come back when the session is played again,
    and the recording's timing is judged on a run where no cycle was missed (a missed cycle moves
    the recording's frames against the sender's by a period)."""
    seconds = 45
    first = played_until_judged(lambda run: perform(run, seconds), 2)
    if first is None:
        return
    runs = [first]
    if first["overruns"] or first["missed"]:
        print(f"run 1: {first['overruns']} overruns seen by both witnesses, "
              f"{first['missed']} cycles missed: playing the same session again")
        again = played_until_judged(lambda run: perform(run + 2, seconds), 1)
        if again is None:
            return
        runs.append(again)
    if all(r["overruns"] for r in runs) and len(runs) == 2:
        fail("our audio callback overran its period in both runs, and the server saw our audio "
             "client late")
    clean = [r for r in runs if not r["missed"]]
    if not clean:
        print("the recording's timing is not judged: the machine made our output miss cycles "
              "in both runs (see the server log's account above)")
        return
    bound = 2.0
    if clean[0]["worst_ms"] > bound:
        fail(f"a recorded note is {clean[0]['worst_ms']:.3f} ms away from when it was sent "
             f"(more than {bound:.2f} ms) in a run without a missed cycle")


def perform(run, seconds):
    """Plays the performance once and checks what does not depend on the machine; returns the
    overruns both witnesses saw, the cycles our output missed, and the worst timing."""
    log_before = len(jack_log_lines())
    name = "performance" if run == 1 else f"performance-{run}"
    rec, wav = os.path.join(WORK, name + ".mid"), os.path.join(WORK, name + ".wav")
    proc, stats = listen("--virtual", "--record", rec, "--record-audio", wav,
                         seconds=seconds + 6)
    wait_for_port("music-lstm:in")
    log = os.path.join(WORK, "sent.txt" if run == 1 else f"sent-{run}.txt")
    try:
        send("--port", "music-lstm:in", "--file", performance_file(), "--seconds", str(seconds),
             "--log", log, "--delay", "1", timeout=seconds + 30)
    except Failure:
        proc.kill()  # not left holding its port for the session played again
        proc.wait()
        raise
    report, _ = finish(proc, stats)
    sent, recorded = read_sent(log), read_recording(rec)
    print(f"sent {len(sent)} notes, received {report['notes_in']}, recorded {len(recorded)}")
    if report["notes_in"] != len(sent) or len(recorded) != len(sent):
        fail("not every note arrived", host=True)
    if sorted(p for _, p in sent) != sorted(p for _, p in recorded):
        fail("the recorded pitches differ from the sent ones")
    # Pair the k-th sending of each pitch with its k-th recording: notes of a chord can share a
    # frame, and the recording orders them by pitch.
    by_pitch = {}
    for t, p in recorded:
        by_pitch.setdefault(p, []).append(t)
    seen = {}
    paired = []
    for s_t, p in sent:
        k = seen.get(p, 0)
        seen[p] = k + 1
        paired.append(((s_t, p), (by_pitch[p][k], p)))
    sent, recorded = [a for a, _ in paired], [b for _, b in paired]
    # Times: the recording starts at the session's frame 0, the sender's log at its own start;
    # the offset between them is one constant (startup and one buffer of latency).
    diffs = np.array([r - s for (s, _), (r, _) in zip(sent, recorded)])
    offset = np.median(diffs)
    worst = np.max(np.abs(diffs - offset)) * 1000
    print(f"recording vs sent: worst {worst:.3f} ms from the constant offset {offset*1000:.2f} ms")
    # Audio: where each note sounds, the captured output is not silent.
    audio = read_wav_mono(wav)
    silent = 0
    for t, _ in recorded:
        start = int(t * RATE)
        window = audio[start:start + int(0.05 * RATE)]
        if len(window) == 0 or np.sqrt(np.mean(window ** 2)) < 1e-4:
            silent += 1
    print(f"{silent} of {len(recorded)} notes silent in the audio")
    if silent:
        fail("the audio is silent where notes sound", host=True)
    # Latency, for docs/BENCHMARKS.md: from each send (the sender's monotonic clock) to the frame
    # the audio thread handed the note to FluidSynth (the recording's time, mapped onto the same
    # clock by the audio clock's last reading). FluidSynth's own onset adds its 64-frame quantum
    # and the sample's attack (bench_input_latency measures the whole path offline): in a dense
    # performance the first sound of one note cannot be told from the tail of the last.
    origin_ns = next(int(line.split()[2]) for line in open(log) if line.startswith("# origin_ns"))
    latencies = np.array([
        (report["clock_steady_ns"] + (t * RATE - report["clock_frame"]) * 1e9 / RATE
         - (origin_ns + sent_at * 1e9)) / 1e6 for (sent_at, _), (t, _) in zip(sent, recorded)])
    print(f"latency from send to the synthesizer: median {np.median(latencies):.2f} ms, "
          f"p95 {np.percentile(latencies, 95):.2f} ms, min {latencies.min():.2f} ms, "
          f"max {latencies.max():.2f} ms over {len(latencies)} notes (buffer {PERIOD} frames)")
    overruns = xruns_since(log_before, report)
    # Late events (due in a block already begun; played at its first sample) are reported: the
    # MIDI and audio clients' order within a JACK cycle can put one a few frames late.
    print(f"late events: {report['late_events']} of {report['events_applied']}")
    if report["engine_dropped"] or report["input_dropped"]:
        fail(f"events dropped: {report}")
    # The timing (judged by the caller): the sender puts each message at its own frame and the
    # input keeps JACK's frame offsets (realtime/midi/jack_midi_input.hpp), so only the
    # callbacks' wake-up jitter remains.
    return {"overruns": overruns, "missed": report["xruns"], "worst_ms": worst}


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def case_flood():
    rate, seconds = 10000, 40
    log_before = len(jack_log_lines())
    proc, stats = listen("--virtual", seconds=seconds + 8)
    wait_for_port("music-lstm:in")
    sender = subprocess.Popen([SENDER, "--port", "music-lstm:in", "--flood", str(rate),
                               "--seconds", str(seconds), "--delay", "1"])
    time.sleep(11)
    rss_early = rss_kb(proc.pid)
    time.sleep(seconds - 12)
    rss_late = rss_kb(proc.pid)
    if sender.wait(timeout=60) != 0:
        fail("the flood sender failed")
    report, _ = finish(proc, stats)
    print(f"RSS {rss_early} kB at 10 s, {rss_late} kB at {seconds - 2} s")
    expected = rate * seconds
    if report["messages"] != expected:
        fail(f"{report['messages']} of {expected} messages arrived")
    if report["input_dropped"] or report["engine_dropped"]:
        fail(f"messages dropped: {report}")
    if rss_late - rss_early > 2048:
        fail(f"memory grew by {rss_late - rss_early} kB during the flood")
    xruns_since(log_before, report)
    print(f"callback mean {report['callback_mean_ms']:.3f} ms, "
          f"p99 {report['callback_p99_share']*100:.1f}% of the period, "
          f"max {report['callback_max_ms']:.3f} ms on the wall clock, "
          f"{report['callback_cpu_max_ms']:.3f} ms of CPU time")
    # Not asserted: the callback's time under the flood. At 1024 frames a cycle carries about 210
    # messages (twice that when the MIDI client or the sender was late a cycle), and FluidSynth's
    # note-ons with every voice taken cost enough that one callback in a minute was measured at
    # 23.5 ms of CPU time (27.9 ms on the wall clock), over the 21.3 ms period; on these virtual
    # machines a thread's CPU time also holds the host's stalls, which the guest cannot see (no
    # steal time is reported). So the figure depends on the machine: it goes to
    # docs/BENCHMARKS.md. What the product controls is asserted above: every message counted,
    # none dropped, memory flat.


def case_malformed():
    rec = os.path.join(WORK, "malformed.mid")
    proc, stats = listen("--virtual", "--record", rec, seconds=9)
    wait_for_port("music-lstm:in")
    send("--port", "music-lstm:in", "--malformed", "--delay", "1", timeout=60)
    report, err = finish(proc, stats)
    # 50 rounds of: truncated note-on, stray data, status in data, sysex, truncated program
    # change, trailing bytes; and one good note.
    print(report)
    if report["malformed"] != 250 or report["sysex"] != 50:
        fail(f"expected 250 malformed and 50 sysex messages: {report}")
    if report["notes_in"] != 50 or len(read_recording(rec)) != 50:
        fail("the good notes between the malformed ones did not all arrive")


def case_reconnect():
    rec = os.path.join(WORK, "reconnect.mid")
    # Each sender plays once the session has connected to it: how long the session takes to
    # start or to notice the port again depends on the machine, and is printed.
    def sender():
        return subprocess.Popen([SENDER, "--virtual", "keys", "--notes", "20", "--delay", "0.5",
                                 "--wait-for-receiver", "30"])
    first = sender()
    wait_for_port("mlstm-test-sender:keys")
    proc, stats = listen("--midi-in", "mlstm-test-sender:keys", "--record", rec, seconds=24)
    if first.wait(timeout=30) != 0:
        fail("the first sender failed")
    time.sleep(1.5)  # the port is gone now
    second = sender()
    if second.wait(timeout=30) != 0:
        fail("the second sender failed")
    report, err = finish(proc, stats)
    if "disappeared" not in err or "is back" not in err:
        fail("the port's going and coming back were not reported")
    if report["notes_in"] != 40:
        fail(f"{report['notes_in']} of 40 notes arrived across the reconnection")


def case_kill():
    rec = os.path.join(WORK, "killed.mid")
    if os.path.exists(rec):
        os.remove(rec)
    proc, _ = listen("--virtual", "--record", rec, seconds=60)
    wait_for_port("music-lstm:in")
    sender = subprocess.Popen([SENDER, "--port", "music-lstm:in", "--notes", "100",
                               "--delay", "0.5"])
    time.sleep(6.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    sender.kill()
    sender.wait()
    notes = read_recording(rec)  # raises if the file is torn
    print(f"killed mid-recording: {len(notes)} notes in a readable file")
    if len(notes) < 30:
        fail("the recording lost more than its last few seconds")


def phrases_file(name, phrases):
    """A player's part as a MIDI file in WORK: each (start s, pitches) a phrase of notes a quarter
    second apart, each held 0.2 s."""
    events = []
    for start, pitches in phrases:
        for i, p in enumerate(pitches):
            events.append((start + 0.25 * i, bytes([0x90, p, 88])))
            events.append((start + 0.25 * i + 0.2, bytes([0x80, p, 0])))
    events.sort(key=lambda e: (e[0], e[1][0] & 0xF0 == 0x90))
    deltas, now = [], 0
    for t, message in events:  # 96 ticks a quarter at 120 bpm: 192 a second
        tick = round(t * 192)
        deltas.append((tick - now, message))
        now = tick
    return smf_file(os.path.join(WORK, name), deltas)


def jam_ended(proc):
    """Waits for a jam that ends by itself (--seconds); its standard error, once it exited 0."""
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        backtrace(proc)
        fail("music-lstm jam did not end")
    print(out, err, sep="\n")
    if proc.returncode != 0:
        fail(f"music-lstm jam exited {proc.returncode}")
    return err


def case_jam():
    if confirmed(jam_once, "in the jam"):
        fail("our audio callback overran its period in both runs, and the server saw our audio "
             "client late")


def jam_once(run):
    """Returns the overruns both witnesses saw. A player plays a phrase and pauses; the model answers at width 1; the width is turned to
    8 from the jam's control line; a second phrase is answered at width 8; a note played over
    that answer cancels the rest."""
    gap, buffer_s = 0.35, int(PERIOD) / RATE
    over_at = 18.0
    song = phrases_file("jam-player.mid", [(0.0, [60, 62, 64, 65, 67, 69, 71, 72, 71, 67]),
                                           (13.0, [72, 71, 69, 67, 65, 64, 62, 60, 62, 64]),
                                           (over_at, [48])])
    name = "jam" if run == 1 else f"jam-{run}"
    rec, log = os.path.join(WORK, name + ".mid"), os.path.join(WORK, name + "-answers.jsonl")
    stats = os.path.join(WORK, name + "-stats.json")
    log_before = len(jack_log_lines())
    proc = subprocess.Popen(
        [MUSIC_LSTM, "jam", "--model", MODEL, "--device", "cpu", "--virtual", "--headless",
         "--width", "1", "--buffer", PERIOD, "--record", rec, "--answers-log", log,
         "--stats-json", stats, "--seconds", "34"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_port("music-lstm:in")
    sender = subprocess.Popen([SENDER, "--port", "music-lstm:in", "--file", song, "--delay", "1"])
    time.sleep(1 + 6.0)  # answer 1 is playing
    proc.stdin.write("width 8\n")
    proc.stdin.flush()
    if sender.wait(timeout=60) != 0:
        fail("the sender failed")
    err = jam_ended(proc)
    if "width is now 8" not in err:
        fail("the control line did not set the width")
    with open(stats) as f:
        report = json.load(f)
    with open(log) as f:
        answers = [json.loads(line) for line in f]
    print("jam:", report["jam"])
    if len(answers) < 3:
        fail(f"{len(answers)} answers; expected one per phrase (3)")
    a1, a2, a3 = answers[:3]
    if a1["settings"]["width"] != 1 or a2["settings"]["width"] != 8:
        fail("the width changed mid-session did not change the next answer's setting")
    for a in (a1, a2):
        if composed_pitches(MUSIC_LSTM, MODEL, WORK, a) != played_pitches(a):
            fail(f"answer {a['index']} is not what the engine computes for its width")
    # With speculation the answer starts within the gap plus one buffer of the phrase's end.
    player = player_notes(rec)
    phrase_end = max(end for _, end, _ in player[:10])
    delay = a1["start_s"] - phrase_end
    print(f"answer 1 starts {delay * 1000:.2f} ms after the phrase's last note-off "
          f"(gap {gap * 1000:.0f} ms + buffer {buffer_s * 1000:.2f} ms), ready in time: "
          f"{a1['ready_in_time']}")
    if not a1["ready_in_time"] or not gap - 1e-3 <= delay <= gap + buffer_s:
        fail("the answer did not start within the gap plus one buffer")
    notes, closed = model_notes(rec)
    # Answer 1 plays until its end or until the second phrase makes it yield (drawn timing can
    # make 50 notes last longer than the pause).
    first = [p for t, p in notes if a1["start_s"] - 1e-3 <= t < a2["start_s"] - 1e-3]
    whole = played_pitches(a1)
    if len(first) < 10 or first != whole[:len(first)]:
        fail(f"answer 1 did not land on the model's track ({len(first)} of {len(whole)} notes)")
    print(f"answer 1: {len(first)} of {len(whole)} notes before the second phrase")
    # Playing over answer 2 cancels the rest of it.
    over = player[20][0]
    second = [(t, p) for t, p in notes if a2["start_s"] - 1e-3 <= t < a3["start_s"] - 1e-3]
    logged = played_pitches(a2)
    if not second or [p for _, p in second] != logged[:len(second)] or len(second) >= len(logged):
        fail(f"answer 2 was not cut off where the player came in ({len(second)} notes)")
    if any(t >= over for t, _ in second):
        fail("the model went on after the player played over it")
    print(f"answer 2: {len(second)} of 50 notes before the player came in at {over:.3f} s")
    if not closed:
        fail("a model note was left on")
    if report["jam"]["answers_late"] or report["engine_dropped"]:
        fail(f"late answers or dropped events: {report}")
    return xruns_since(log_before, report)


def case_clock():
    """A second process sends MIDI clock at 100 bpm, then at 140, and plays three phrases. The jam
    (the shipped model, answers on the beat and in the player's tempo) follows the clock: each
    answer enters on one of its beats at its tempo, and an answer playing when the tempo changes
    goes on at the new tempo within a beat.

    A session in which the server's graph ran late (an xrun in its log: "JackTimedDriver::Process
    XRun", the driver woke up late, or "JackEngine::XRun: client = ... was not finished") can fail
    for the host's sake: JACK drops the MIDI of the cycles it skips (2 clock pulses of 2,210 after
    a stall of 100 ms under a busy build; MIDI clock carries no position to recover a lost pulse
    from), and a stopped server shifts the frames the recording measures intervals in (an answer
    measured 21.2 ms, one period, off its beat in such a session). Those checks come last in a
    session and are judged as played_until_judged says: up to three sessions, each about 50 s."""
    played_until_judged(clock_session, 3)


def clock_session(attempt):
    """One session of case_clock, its files named by the attempt."""
    model = os.path.join(os.path.dirname(__file__), "..", "..", "models", "default", "model.ckpt")
    change, end = 16.0, 44.0
    scale = [60, 62, 64, 65, 67, 69, 71, 72, 71, 67]
    song = phrases_file("clock-player.mid", [(1.0, scale), (12.0, scale), (28.0, scale)])
    name = "clock" if attempt == 1 else f"clock-{attempt}"
    rec, log = os.path.join(WORK, f"{name}.mid"), os.path.join(WORK, f"{name}-answers.jsonl")
    stats = os.path.join(WORK, f"{name}-stats.json")
    sent_log = os.path.join(WORK, f"{name}-sent.txt")
    proc = subprocess.Popen(
        [MUSIC_LSTM, "jam", "--model", model, "--device", "cpu", "--virtual", "--headless",
         "--entry", "beat", "--answer-tempo", "player", "--buffer", PERIOD, "--record", rec,
         # The model's own intervals, re-timed at the change, are what is measured here; the
         # groove (drawn to the clock's grid) is test_jam_drum_machine.py's.
         "--groove", "0",
         "--answers-log", log, "--stats-json", stats, "--seconds", str(end + 4)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port("music-lstm:in")
        sender = subprocess.Popen([SENDER, "--port", "music-lstm:in", "--file", song, "--delay",
                                   "1", "--clock", f"100:{change}", "--clock", f"140:{end}",
                                   "--log", sent_log])
        code = sender.wait(timeout=120)
        if code != 0:
            fail(f"the sender exited {code}", host=code == 4)
    except BaseException:
        # Not left holding its port for the session played again.
        proc.kill()
        proc.wait()
        raise
    err = jam_ended(proc)
    if "following MIDI clock in at" not in err:
        fail("the jam did not say it follows the clock")
    with open(log) as f:
        answers = [json.loads(line) for line in f]
    with open(stats) as f:
        report = json.load(f)
    # First what does not depend on the server's cycles.
    if report["jam"]["answers_late"] or report["engine_dropped"]:
        fail(f"late answers or dropped events: {report}")
    starts = sorted(a["start_s"] for a in answers if not a["chained"])
    if len(starts) != 3:
        fail(f"{len(starts)} answers to 3 phrases")
    recorded, closed = model_notes(rec)
    if not closed:
        fail("a model note was left on")
    # The sender's times to the recording's: the player's notes, frame-exact on both sides.
    sent_notes = read_sent(sent_log)
    played = player_notes(rec)
    # (The median holds when a cycle the server skipped lost a note; that is failed below.)
    offset = float(np.median([p[0] - s[0] for p, s in zip(played, sent_notes)]))
    pulses = [float(line.split()[0]) + offset for line in open(sent_log)
              if not line.startswith("#") and line.split()[1:] == ["248"]]
    beats = pulses[::24]
    print(f"{len(pulses)} pulses, {len(answers)} answers, {len(recorded)} model notes; "
          f"clock messages in: {report['clock_in']}")
    change_at = change + offset
    for a in answers:
        bpm = 100 if a["start_s"] < change_at else 140
        off = min(abs(a["start_s"] - b) for b in beats) * 1000
        print(f"answer {a['index']} at {a['start_s']:.3f} s: {a['beat']['source']} "
              f"{a['beat']['bpm']:.2f} bpm, {off:.2f} ms from a beat of the clock, played at "
              f"x{a['played_time_scale']:.3f}")
        if a["beat"]["source"] != "clock" or abs(a["beat"]["bpm"] - bpm) > 0.005 * bpm:
            fail(f"answer {a['index']} was timed to {a['beat']} while the clock ran at {bpm} bpm")
    # Then what does.
    if len(played) != len(sent_notes):
        fail(f"{len(played)} of the {len(sent_notes)} player notes were recorded", host=True)
    if report["clock_in"] != len(pulses) + 2:
        fail(f"the jam got {report['clock_in']} clock messages of {len(pulses) + 2}", host=True)
    for a in answers:
        off = min(abs(a["start_s"] - b) for b in beats) * 1000
        if off > 2.0:
            fail(f"answer {a['index']} entered {off:.2f} ms off the clock's beat", host=True)
    # The answer playing across the change: its notes as logged, at the old tempo, against the
    # notes heard (matched in order by pitch: a note the rate bound left out is skipped).
    a2 = max((a for a in answers if a["start_s"] < change_at), key=lambda a: a["start_s"])
    following = min((a["start_s"] for a in answers if a["start_s"] > a2["start_s"]), default=1e9)
    t, logged = a2["start_s"], []
    for i, n in enumerate(a2["notes"]):
        t += max(0.0, n["step"]) * a2["played_time_scale"] if i > 0 else 0.0
        logged.append((t, n["pitch"]))
    # A chord's notes (one onset) in the recording's order, by pitch: matched in the model's own
    # order, a chord listed high to low skips notes and pairs the rest with later ones.
    logged.sort()
    nxt = next(i for i, (at, _) in enumerate(recorded) if at >= a2["start_s"] - 1e-3)
    matched, j = [], 0
    for at, pitch in recorded[nxt:]:
        if at >= following - 1e-3:
            break
        while j < len(logged) and logged[j][1] != pitch:
            j += 1
        if j == len(logged):
            break
        matched.append((at, logged[j][0]))
        j += 1
    before = [(h, w) for h, w in matched if h < change_at]
    after = [(h, w) for h, w in matched if h > change_at + 60 / 140]
    print(f"answer {a2['index']}: {len(before)} notes before the change, {len(after)} more than a "
          f"beat after it")
    if len(before) < 3 or len(after) < 3:
        fail("the answer did not play across the tempo change", host=True)
    worst = 0.0
    for group, ratio in ((before, 1.0), (after, 100 / 140)):
        for (h0, w0), (h1, w1) in zip(group, group[1:]):
            worst = max(worst, abs((h1 - h0) - (w1 - w0) * ratio))
            if abs((h1 - h0) - (w1 - w0) * ratio) > 0.003:
                fail(f"notes at {h0:.3f} and {h1:.3f} s are {h1 - h0:.4f} s apart; at the clock's "
                     f"tempo they would be {(w1 - w0) * ratio:.4f}", host=True)
    print(f"intervals between its notes within {worst * 1000:.2f} ms of the clock's tempo")


{"performance": case_performance, "flood": case_flood, "malformed": case_malformed,
 "reconnect": case_reconnect, "kill": case_kill, "jam": case_jam, "clock": case_clock}[CASE]()
print("PASS")
