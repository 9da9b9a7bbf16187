#!/usr/bin/env python3
"""How late this machine wakes a real-time thread: a SCHED_FIFO thread sleeps 1 ms again and again
for SECONDS and counts how far past 1 ms each sleep ended. An audio thread at 256 frames (5.3 ms)
has no slack for a wake-up that is 5 ms late: on such a machine (a shared virtual machine, no
real-time kernel) JACK reports xruns that no client can prevent (docs/BENCHMARKS.md).

  bench/wakeup_lateness.py [SECONDS]    (as root, or with real-time limits: rtprio)
"""
import os
import sys
import time


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(80))
        policy = "SCHED_FIFO 80"
    except PermissionError:
        policy = "normal scheduling (no real-time rights: run as root or set rtprio limits)"
    thresholds = (0.5, 1, 2, 5, 10, 20)
    over = dict.fromkeys(thresholds, 0)
    worst, wakeups = 0.0, 0
    end = time.monotonic() + seconds
    while True:
        begin = time.monotonic()
        if begin > end:
            break
        time.sleep(0.001)
        late_ms = (time.monotonic() - begin - 0.001) * 1000
        wakeups += 1
        worst = max(worst, late_ms)
        for t in thresholds:
            if late_ms > t:
                over[t] += 1
    print(f"{wakeups} wake-ups in {seconds:.0f} s under {policy}; worst {worst:.2f} ms late")
    print("late by more than: " + ", ".join(f"{t} ms: {n}" for t, n in over.items()))


if __name__ == "__main__":
    main()
