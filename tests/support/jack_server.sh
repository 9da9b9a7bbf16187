#!/usr/bin/env bash
# Starts or stops the dummy JACK server of the real-time tests (a ctest fixture).
#   jack_server.sh start NAME LOGFILE PERIOD   jack_server.sh stop NAME
# The dummy backend needs no sound card and runs its cycle at real rate, at 48 kHz and PERIOD
# frames (tests/CMakeLists.txt says why the tests use 1024).
# Real-time scheduling (-R) when the system allows it, else without (-r),
# said in the log.
set -u
cmd=$1 name=$2
pidfile=/tmp/mlstm-jackd-$name.pid
case $cmd in
  start)
    log=$3 period=${4:-256}
    if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null; sleep 0.5; fi
    for mode in "-R -P 70" "-r"; do
      # shellcheck disable=SC2086
      setsid jackd $mode -n "$name" -d dummy -r 48000 -p "$period" > "$log" 2>&1 &
      echo $! > "$pidfile"
      for _ in $(seq 50); do
        if JACK_DEFAULT_SERVER=$name JACK_NO_START_SERVER=1 jack_lsp > /dev/null 2>&1; then
          echo "dummy JACK server '$name' running ($mode), log $log"
          exit 0
        fi
        kill -0 "$(cat "$pidfile")" 2>/dev/null || break
        sleep 0.1
      done
      kill "$(cat "$pidfile")" 2>/dev/null
      echo "jackd $mode did not start; $(tail -2 "$log" | tr '\n' ' ')"
    done
    exit 1
    ;;
  stop)
    if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null; rm -f "$pidfile"; fi
    exit 0
    ;;
esac
echo "usage: jack_server.sh start NAME LOG [PERIOD] | stop NAME" >&2
exit 2
