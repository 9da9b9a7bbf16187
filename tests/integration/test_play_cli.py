"""`music-lstm play`: a file rendered offline to a WAV that is not silent, deterministic; and the
bad inputs: a missing or corrupt file, a missing soundfont, no audio device.

  test_play_cli.py MUSIC_LSTM
"""
import os
import subprocess
import sys
import tempfile
import wave

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from cli_check import fail, one_line_error  # noqa: E402
import smf  # noqa: E402

MUSIC_LSTM = sys.argv[1]


def run(*args, env=None):
    return subprocess.run([MUSIC_LSTM, *args], capture_output=True, text=True, timeout=120,
                          env=env)


with tempfile.TemporaryDirectory() as tmp:
    song = os.path.join(tmp, "scale.mid")
    with open(song, "wb") as f:
        f.write(smf.scale(count=16))
    wav = os.path.join(tmp, "out.wav")
    rec = os.path.join(tmp, "out.mid")
    r = run("play", song, "--render", wav, "--record", rec)
    print(r.stdout, r.stderr)
    if r.returncode != 0:
        fail("play --render failed")
    with wave.open(wav) as w:
        frames = w.readframes(w.getnframes())
        if w.getframerate() != 48000 or w.getnchannels() != 2:
            fail("not a 48 kHz stereo WAV")
    import array
    samples = array.array("h", frames)
    peak = max(abs(s) for s in samples)
    print("peak", peak)
    if peak < 300:
        fail("the rendering is silent")
    # Deterministic: the same file renders to the same bytes.
    wav2 = os.path.join(tmp, "again.wav")
    run("play", song, "--render", wav2)
    if open(wav, "rb").read() != open(wav2, "rb").read():
        fail("two offline renderings of one file differ")
    if not os.path.exists(rec):
        fail("--record wrote nothing")

    one_line_error(run("play", os.path.join(tmp, "none.mid"), "--render", wav), "none.mid")
    bad = os.path.join(tmp, "bad.mid")
    with open(bad, "wb") as f:
        f.write(b"MThd garbage")
    one_line_error(run("play", bad, "--render", wav), "bad.mid", "at byte")
    bad_sf2 = os.path.join(tmp, "bad.sf2")
    with open(bad_sf2, "wb") as f:
        f.write(b"not a soundfont")
    one_line_error(run("play", song, "--render", wav, "--soundfont", bad_sf2), "bad.sf2",
                   "not a SoundFont")
    one_line_error(run("play", song, "--render", os.path.join(tmp, "no", "dir.wav")),
                   "cannot write")
    # No audio device (no JACK server, no sound card here): one line saying what to do.
    env = dict(os.environ, JACK_DEFAULT_SERVER="mlstm-no-such-server", JACK_NO_START_SERVER="1")
    r = run("play", song, env=env)
    if os.path.exists("/dev/snd") and os.listdir("/dev/snd"):
        print("SKIP part: this machine has a sound card")
    else:
        one_line_error(r, "no audio output device", "--render")
    r = run("listen", "--midi-api", "jack", env=env)
    one_line_error(r, "no JACK server")
print("PASS")
