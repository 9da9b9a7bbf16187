"""What the LV2 tests share: a bundle copied alone onto an LV2_PATH of its own (lilv complains
about the VST3 and CLAP files beside it in the build), and lv2_validate run on its .ttl files."""
import os
import shutil
import subprocess


def isolate(bundle, work):
    """Copies `bundle` into WORK/lv2 and returns that folder, for LV2_PATH."""
    lv2_dir = os.path.join(work, "lv2")
    shutil.rmtree(lv2_dir, ignore_errors=True)
    shutil.copytree(bundle, os.path.join(lv2_dir, os.path.basename(bundle)))
    return lv2_dir


def validate(lv2_dir, bundle, env):
    """Runs lv2_validate on the copied bundle's .ttl files; returns (passed, its report)."""
    folder = os.path.join(lv2_dir, os.path.basename(bundle))
    ttl = [os.path.join(folder, f) for f in sorted(os.listdir(folder)) if f.endswith(".ttl")]
    r = subprocess.run(["lv2_validate", *ttl], capture_output=True, text=True, env=env,
                       timeout=120)
    passed = r.returncode == 0 and "Found 0 errors" in r.stdout
    last = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else r.stderr
    return passed, last if passed else f"{r.stdout} {r.stderr}"
