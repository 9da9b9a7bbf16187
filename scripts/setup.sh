#!/usr/bin/env bash
# Installs every Debian 12 package music-lstm needs, skipping what is already there.
# Idempotent: a second run installs nothing and takes a second or two.
#
#   scripts/setup.sh            everything (build, tests, real-time, panel, tools)
#   scripts/setup.sh --print    only print the packages that are missing
set -euo pipefail

# Build toolchain and the libraries every build needs.
core=(
  build-essential g++-12 cmake ninja-build pkg-config git clang-format
  libcli11-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libboost-dev
  libreaderwriterqueue-dev libcurl4-openssl-dev libzip-dev zlib1g-dev libfccp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # LibTorch, and OpenBLAS explicitly: the reference BLAS apt picks is ~10x slower. The fast
  # decoder calls CBLAS itself (libblas-dev's header; libblas.so.3 is then OpenBLAS).
  libtorch-dev libopenblas0-openmp libblas-dev
  # PyTorch's collective library for CPU: Debian's LibTorch builds c10d's Gloo backend against
  # it, and train's data-parallel run (training/dist/) uses it across processes.
  libgloo-dev
)
# Real-time part: JACK must come in the same command as RtMidi (DESIGN.md).
realtime=(
  jackd2 libjack-jackd2-dev librtmidi-dev portaudio19-dev libfluidsynth-dev libsndfile1-dev
  fluid-soundfont-gm timgm6mb-soundfont
  # Ableton Link (header-only): the jam in a Link session (jam --link on).
  ableton-link-dev
)
# Panel, and what its tests need to run it without a display.
ui=(libimgui-dev libglfw3-dev libgl-dev libgl1-mesa-dri xvfb xauth xdotool imagemagick x11-utils)
# Tests and tools: the reference MIDI parser and PyTorch, the fuzzer and RealtimeSanitizer.
tools=(
  python3 python3-mido python3-torch python3-numpy
  clang-14 libclang-rt-14-dev clang-22 libclang-rt-22-dev
)

# The plugins (DPF builds them) and the real host and third-party clients their tests use.
plugin=(dpf-source lv2-dev lilv-utils sordi jalv jack-midi-clock)

want=("${core[@]}" "${realtime[@]}" "${ui[@]}" "${tools[@]}" "${plugin[@]}")

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ "${1:-}" == "--print" ]]; then
  printf '%s\n' "${missing[@]}"
  exit 0
fi

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#want[@]} packages are installed"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: run as root or install sudo (missing: ${missing[*]})" >&2; exit 1; }
  SUDO=sudo
fi

echo "setup: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# jackd2 asks whether to enable real-time limits; answer before it asks (DESIGN.md).
echo "jackd2 jackd/tweak_rt_limits boolean false" | $SUDO debconf-set-selections
# Refresh the package lists when they are missing or older than a day.
if [[ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -n 1)" ]]; then
  $SUDO apt-get update -q
fi
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup: done"
