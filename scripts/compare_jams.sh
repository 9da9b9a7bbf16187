#!/bin/bash
# Plays the same offline jams through two builds of music-lstm and compares them note for note:
# the recording (MIDI), each answer's start and notes (--answers-log) and the rendered audio (the
# metronome's clicks are heard, never recorded). For a change that must not change the music (a
# redesign of the performer, issue 34): run it with the build from before the change and after.
#
#   scripts/compare_jams.sh OLD_BINARY NEW_BINARY [MAESTRO_DIR]
#
# The player's parts: the bundled demo phrase and two MAESTRO test performances (40 s of each;
# left out with a line when MAESTRO is absent). Five settings each: call-and-response,
# continuous, the metronome with entry on the beat and clock out, entry on the bar in the
# player's tempo with fade, and a count-in with a narrower, cooler search. Exit status 1 when any
# jam differs.
set -u
if [ $# -lt 2 ] || [ "$1" = "--help" ] || [ "$1" = "-h" ]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
old=$1 new=$2
maestro=${3:-$(dirname "$0")/../../shared/data/maestro-v3.0.0}
for b in "$old" "$new"; do
  [ -x "$b" ] || { echo "compare_jams: $b is not an executable music-lstm" >&2; exit 2; }
done
root=$(cd "$(dirname "$0")/.." && pwd)
files=("$root/assets/demo/phrase.mid")
for f in 2009/MIDI-Unprocessed_11_R1_2009_06-09_ORIG_MID--AUDIO_11_R1_2009_11_R1_2009_07_WAV.midi \
         2006/MIDI-Unprocessed_01_R1_2006_01-09_ORIG_MID--AUDIO_01_R1_2006_04_Track04_wav.midi; do
  if [ -f "$maestro/$f" ]; then files+=("$maestro/$f"); else echo "no $maestro/$f: left out"; fi
done
configs=("--mode call-and-response"
  "--mode continuous"
  "--mode call-and-response --metronome click --metronome-bpm 96 --entry beat --clock-out on"
  "--mode call-and-response --entry bar --answer-tempo player --yield fade"
  "--mode continuous --metronome count-in --count-in 2 --clock-out on --width 4 --temperature 0.8")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for fi in "${!files[@]}"; do
  for ci in "${!configs[@]}"; do
    for side in old new; do
      bin=$old
      [ $side = new ] && bin=$new
      # shellcheck disable=SC2086
      if ! "$bin" jam --offline --replay "${files[$fi]}" --seconds 40 ${configs[$ci]} --seed 7 \
        --record "$work/$side.mid" --render "$work/$side.wav" --answers-log "$work/$side.jsonl" \
        > "$work/$side.out" 2>&1; then
        echo "the $side build failed on $(basename "${files[$fi]}") with ${configs[$ci]}:"
        tail -3 "$work/$side.out"
        status=1
      fi
    done
    verdict=$(python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
def answers(side):
    with open(f"{w}/{side}.jsonl") as f:
        return [(a["start_s"], a["notes"]) for a in map(json.loads, f)]
def same(name):
    with open(f"{w}/old.{name}", "rb") as a, open(f"{w}/new.{name}", "rb") as b:
        return a.read() == b.read()
a, b = answers("old"), answers("new")
ok = a == b and same("mid") and same("wav")
print(("same" if ok else "DIFFERENT") + f": {len(a)} answers, {sum(len(x[1]) for x in a)} notes;"
      f" answers {'same' if a == b else 'differ'}, recording {'same' if same('mid') else 'differs'},"
      f" audio {'same' if same('wav') else 'differs'}")
PY
)
    echo "$(basename "${files[$fi]}" | cut -c1-40) | ${configs[$ci]}: $verdict"
    case $verdict in same*) ;; *) status=1 ;; esac
  done
done
exit $status
