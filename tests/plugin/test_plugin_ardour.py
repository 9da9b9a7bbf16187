"""Ardour hosts the LV2 plugins: Debian's ardour 7.3, headless (ardour7-lua, the dummy backend),
runs ardour_session.lua: a session with a MIDI track for the MIDI effect and one for the
instrument, the transport rolled and stopped, the session closed. Each plugin must load its model
and follow Ardour's transport (its own log lines say so), and Ardour must end cleanly. Skipped
(77) where Ardour is not installed: it is not in scripts/setup.sh, for CI's time (apt install
ardour).

  test_plugin_ardour.py BUNDLE_DIR WORK_DIR
"""
import os
import shutil
import subprocess
import sys

BUNDLES, WORK = sys.argv[1:3]
SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ardour_session.lua")

ardour = shutil.which("ardour7-lua")
if not ardour:
    print("no ardour7-lua (apt install ardour): skipped")
    sys.exit(77)
shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(os.path.join(WORK, "home"))
env = dict(os.environ, LV2_PATH=BUNDLES, HOME=os.path.join(WORK, "home"),
           MUSIC_LSTM_ARDOUR_SESSION=os.path.join(WORK, "session"))
try:
    run = subprocess.run([ardour, SCRIPT], env=env, capture_output=True, text=True, timeout=120)
except subprocess.TimeoutExpired:
    print("FAIL: Ardour did not end within 120 s")
    sys.exit(1)
log = run.stdout + run.stderr
print(log)
checks = [
    (run.returncode == 0, f"Ardour ended with {run.returncode}"),
    ("closed" in log and "Error:" not in log, "the session script did not run to its end"),
    (log.count("music-lstm: model seq2seq") == 2, "not both plugins loaded the shipped model"),
    (log.count("following the host's transport at 120.0 bpm") == 2,
     "not both plugins followed Ardour's transport (120 bpm)"),
    (log.count("the host's transport stopped") == 2, "not both plugins heard the transport stop"),
]
for ok, message in checks:
    if not ok:
        print(f"FAIL: {message}")
        sys.exit(1)
print("PASS: Ardour hosts both plugins, which load their model and follow its transport")
