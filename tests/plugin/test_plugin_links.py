"""The plugins link no LibTorch: a DAW should not load a training framework to play. Reads the
shared libraries each plugin binary needs (readelf's NEEDED entries) and fails on any of LibTorch's
(libtorch*, libc10*, caffe2).

  test_plugin_links.py BINARY...
"""
import re
import subprocess
import sys

bad = re.compile(r"libtorch|libc10|caffe2", re.IGNORECASE)
for binary in sys.argv[1:]:
    r = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"FAIL: readelf {binary}: {r.stderr}")
        sys.exit(1)
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", r.stdout)
    print(f"{binary}: {', '.join(needed)}")
    torch = [n for n in needed if bad.search(n)]
    if torch:
        print(f"FAIL: {binary} links {torch}")
        sys.exit(1)
print("PASS: no plugin links LibTorch")
