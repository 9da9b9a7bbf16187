"""The plugin without its model, and with a broken one: a copy of the CLAP in a folder without
default.mlstm, and one beside a truncated default.mlstm, each run by our CLAP host. The plugin
must say why it is silent in its log, pass the player's MIDI through, answer nothing, and never
crash the host.

  test_plugin_bad_model.py CLAP_HOST PLUGIN.clap DEFAULT.mlstm WORK_DIR [HOST_OPTION...]

HOST_OPTION: what the host is told of the plugin (--instrument).
"""
import os
import shutil
import subprocess
import sys

HOST, PLUGIN, MODEL, WORK = sys.argv[1:5]
HOST_OPTIONS = sys.argv[5:]


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


cases = {
    "missing": (None, "default.mlstm) is not beside the plugin"),
    "truncated": (lambda data: data[: len(data) // 2], "truncated"),
}
for name, (damage, said) in cases.items():
    folder = os.path.join(WORK, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    plugin = os.path.join(folder, os.path.basename(PLUGIN))
    shutil.copy(PLUGIN, plugin)
    if damage:
        with open(MODEL, "rb") as f:
            data = f.read()
        with open(os.path.join(folder, "default.mlstm"), "wb") as f:
            f.write(damage(data))
    r = subprocess.run([HOST, plugin, "--expect-silent", *HOST_OPTIONS], capture_output=True, text=True,
                       timeout=120)
    print(f"-- {name} model --\n{r.stdout}{r.stderr}")
    if r.returncode != 0:
        fail(f"with a {name} model the host exited {r.returncode}")
    if said not in r.stdout + r.stderr:
        fail(f"with a {name} model the plugin's log did not say why it is silent")
print("PASS")
