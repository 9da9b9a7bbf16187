#!/usr/bin/env bash
# The README's main command: installs what is missing, builds, and starts music-lstm.
# Arguments are passed to `music-lstm jam`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "building music-lstm (a few minutes the first time)..."
scripts/build.sh
# The jam with the shipped default model (models/default/); with no audio device or MIDI system
# it says so and runs the headless demo, which writes a WAV and a MIDI file.
exec ./build/music-lstm jam "$@"
