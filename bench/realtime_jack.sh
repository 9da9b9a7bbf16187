#!/usr/bin/env bash
# The real-time figures of docs/BENCHMARKS.md on a dummy JACK server at PERIOD frames (default
# 256, the program's default buffer): the audio callback's time idle (30 s, no input) and under a
# flood of 10,000 MIDI messages a second (60 s), and the latency from a MIDI message sent by a
# second process to its first sound (a MAESTRO performance, 60 s).
#   bench/realtime_jack.sh [PERIOD]      (after scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
period=${1:-256}
work=$(mktemp -d)
export JACK_DEFAULT_SERVER=mlstm-bench JACK_NO_START_SERVER=1
export MLSTM_JACK_LOG=$work/jackd.log MLSTM_JACK_PERIOD=$period
tests/support/jack_server.sh start mlstm-bench "$MLSTM_JACK_LOG" "$period"
trap 'tests/support/jack_server.sh stop mlstm-bench' EXIT
echo "== idle, 30 s =="
build/music-lstm listen --virtual --buffer "$period" --seconds 30 --stats-json "$work/idle.json"
cat "$work/idle.json"
for case in flood performance; do
  echo "== $case =="
  /usr/bin/python3 tests/realtime/test_jack_session.py $case build/music-lstm \
    build/tests/mlstm_test_midi_sender ../shared/data/maestro-v3.0.0 "$work/$case" \
    tests/data/tiny-libtorch-2.11-cuda.ckpt || true
done
