"""What a host sees when it loads a plugin binary, from readelf's dynamic section:
- it links no LibTorch (NEEDED: libtorch*, libc10*, caffe2): a DAW should not load a training
  framework to play;
- it is marked NODELETE (FLAGS_1), so a host that unloads it never unmaps libgomp under one of
  OpenBLAS's threads still leaving it (plugin/CMakeLists.txt says why).

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
    if not re.search(r"\(FLAGS_1\)\s+Flags:.*\bNODELETE\b", r.stdout):
        print(f"FAIL: {binary} is not marked NODELETE (link it with -z nodelete)")
        sys.exit(1)
print("PASS: no plugin links LibTorch, and each stays loaded once a host has loaded it")
