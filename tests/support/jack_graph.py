"""A dummy JACK server of a test's own and the third-party clients around it (jack_transport,
jack_midi_clock, jack_midiseq, jack_midi_dump), for the tests that drive the jam or the plugin as
a musician's setup would: tests/plugin/test_plugin_jalv.py, tests/realtime/test_jam_drum_machine.py.

The server runs in sync mode (-S): a late wake-up of a busy machine delays a cycle instead of
skipping one, so no MIDI is lost and the recorder's frames stay one timeline.
"""
import re
import shutil
import signal
import subprocess
import sys
import time

RATE = 48000


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def require_tools(*tools):
    """Skips the test (exit 77) when a program it drives is not installed."""
    for tool in ("jackd", "jack_lsp", "jack_connect", *tools):
        if not shutil.which(tool):
            print(f"{tool} is missing (scripts/setup.sh installs it): skipped")
            sys.exit(77)


class JackGraph:
    """The server `name` at `period` frames and every process started on it; stop() ends them
    all, newest first. `on_missing_port(port)` may say more before a wait for a port fails."""

    def __init__(self, name, env, period, log_path):
        self.env = dict(env, JACK_DEFAULT_SERVER=name, JACK_NO_START_SERVER="1")
        self.procs = []
        self.log_path = log_path
        self.on_missing_port = None
        if self._lsp().returncode == 0:
            fail(f"a JACK server '{name}' is already running (left by an earlier run?): stop it")
        self._log = open(log_path, "w")  # before start(): stop() closes it
        server = self.start(["jackd", "-S", "-n", name, "-d", "dummy", "-r", str(RATE), "-p",
                             str(period)], stdout=self._log, stderr=subprocess.STDOUT)
        end = time.time() + 10
        while self._lsp().returncode != 0:
            if time.time() > end or server.poll() is not None:
                self.stop()
                fail("the dummy JACK server did not start")
            time.sleep(0.1)

    def _lsp(self):
        return subprocess.run(["jack_lsp"], capture_output=True, text=True, env=self.env)

    def start(self, args, **kwargs):
        p = subprocess.Popen(args, env=self.env, **kwargs)
        self.procs.append(p)
        return p

    def ports(self):
        return self._lsp().stdout.split("\n")

    def wait_for(self, port, seconds=30):
        end = time.time() + seconds
        while time.time() < end:
            if port in self.ports():
                return
            time.sleep(0.1)
        if self.on_missing_port:
            self.on_missing_port(port)
        fail(f"the JACK port {port} never appeared")

    def connect(self, a, b):
        r = subprocess.run(["jack_connect", a, b], capture_output=True, text=True, env=self.env)
        if r.returncode != 0:
            fail(f"jack_connect {a} {b}: {r.stderr}")

    def start_dump(self, path):
        """jack_midi_dump recording into `path` (its port dump:input, waited for)."""
        self.start(["jack_midi_dump", "-a", "dump"], stdout=open(path, "w"),
                   stderr=subprocess.STDOUT)
        self.wait_for("dump:input")

    def start_player(self, loop_frames, notes):
        """jack_midiseq looping `notes` ((frame, pitch, length) in frames) every `loop_frames`
        (its port seq:out, waited for)."""
        args = [str(x) for note in notes for x in note]
        self.start(["jack_midiseq", "seq", str(loop_frames), *args], stdout=subprocess.DEVNULL,
                   stderr=subprocess.STDOUT)
        self.wait_for("seq:out")

    def start_transport(self, bpm):
        """jack_transport as the timebase master at `bpm`, rolling; returns it (write "tempo N\n"
        to its standard input to change the tempo)."""
        transport = self.start(["jack_transport"], stdin=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, text=True)
        transport.stdin.write(f"master\ntempo {bpm:g}\nplay\n")
        transport.stdin.flush()
        return transport

    def start_clock(self):
        """jack_midi_clock (MIDI clock from the transport); returns its output port."""
        self.start(["jack_midi_clock"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        end = time.time() + 10
        while time.time() < end:
            port = next((p for p in self.ports() if p.startswith("jack_midi_clock:")), None)
            if port:
                return port
            time.sleep(0.1)
        fail("jack_midi_clock opened no port")

    def log_lines(self):
        with open(self.log_path) as f:
            return f.read().splitlines()

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        for p in reversed(self.procs):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        self._log.close()


def read_dump(path):
    """jack_midi_dump's lines as (frame, [bytes])."""
    events = []
    with open(path) as f:
        for line in f:
            m = re.match(r"\s*(\d+): ((?:[0-9a-f]{2} ?)+)", line)
            if m:
                events.append((int(m.group(1)), [int(b, 16) for b in m.group(2).split()]))
    return events


def clock_pulses(events):
    """The clock's pulses from its start (0xFA) on; fails when the transport never rolled."""
    starts = [f for f, b in events if b[0] == 0xFA]
    if not starts:
        fail("jack_midi_clock sent no start: the transport did not roll")
    return [f for f, b in events if b[0] == 0xF8 and f >= starts[0]]


def tempo_change(pulses, from_bpm):
    """The last pulse before the pulses close up (a faster tempo than `from_bpm`), or None."""
    for i in range(1, len(pulses)):
        if pulses[i] - pulses[i - 1] < 0.85 * 60 * RATE / from_bpm / 24:
            return pulses[i - 1]
    return None
