"""lv2_validate on an LV2 bundle of ours (the instrument's; the MIDI effect's is validated in
test_plugin_jalv.py before jalv hosts it).

  test_lv2_validate.py BUNDLE WORK_DIR
"""
import os
import shutil
import sys

import lv2_bundle

BUNDLE, WORK = sys.argv[1:3]
if not shutil.which("lv2_validate"):
    print("lv2_validate is missing (scripts/setup.sh installs lilv-utils): skipped")
    sys.exit(77)
os.makedirs(WORK, exist_ok=True)
lv2_dir = lv2_bundle.isolate(BUNDLE, WORK)
passed, report = lv2_bundle.validate(lv2_dir, BUNDLE, dict(os.environ, LV2_PATH=lv2_dir))
print(report)
if not passed:
    print(f"FAIL: lv2_validate on {os.path.basename(BUNDLE)}")
    sys.exit(1)
print("PASS")
