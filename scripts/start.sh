#!/usr/bin/env bash
# The README's main command: installs what is missing, builds, and starts music-lstm.
# Arguments are passed to `music-lstm jam`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "building music-lstm (a few minutes the first time)..."
scripts/build.sh
# (The subcommand list of --help tells whether this build has the jam.)
if ./build/music-lstm --help | grep -qE '^[[:space:]]+jam[[:space:]]'; then
  exec ./build/music-lstm jam "$@"
fi
# Until the jam lands (issue "Jam: the model answers the player live"), show what there is.
echo "music-lstm is built at build/music-lstm; the live jam is not part of this version yet."
echo "What it can do today:"
exec ./build/music-lstm --help
