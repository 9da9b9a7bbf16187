#!/usr/bin/env python3
"""Writes assets/demo/phrase.mid, the player's part of the headless demo (`music-lstm jam --demo`):
two short piano phrases in C major, each followed by room for the model's answer.

  /usr/bin/python3 scripts/make_demo_phrase.py [OUT.mid]

The file is committed; this script is how it was made (mido, python3-mido in Debian)."""
import os
import sys

import mido

TICKS = 480        # per quarter note
TEMPO = 600000     # 100 bpm

# (beat, length in beats, pitch, velocity): a rising question, then an answer-like fall.
PHRASE_ONE = [(0, 0.5, 60, 80), (0.5, 0.5, 64, 72), (1, 0.5, 67, 78), (1.5, 0.5, 72, 86),
              (2, 1, 71, 80), (3, 0.5, 67, 70), (3.5, 0.5, 69, 74), (4, 1, 71, 82),
              (5, 0.5, 72, 76), (5.5, 0.5, 74, 80), (6, 1.5, 76, 88), (6, 1.5, 48, 60)]
PHRASE_TWO = [(0, 0.5, 76, 84), (0.5, 0.5, 74, 76), (1, 0.5, 72, 74), (1.5, 0.5, 71, 70),
              (2, 1, 69, 78), (3, 0.5, 67, 72), (3.5, 0.5, 65, 70), (4, 1, 64, 76),
              (5, 0.5, 62, 70), (5.5, 2, 60, 84), (5.5, 2, 48, 64)]
SECOND_PHRASE_BEAT = 32  # about 19 s: room for a 50-note answer


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "assets", "demo", "phrase.mid")
    events = []
    for offset, phrase in ((0, PHRASE_ONE), (SECOND_PHRASE_BEAT, PHRASE_TWO)):
        for beat, length, pitch, velocity in phrase:
            start = round((offset + beat) * TICKS)
            events.append((start, 1, mido.Message("note_on", note=pitch, velocity=velocity)))
            events.append((start + round(length * TICKS) - 24, 0,
                           mido.Message("note_off", note=pitch, velocity=0)))
    events.sort(key=lambda e: (e[0], e[1], e[2].note))
    track = mido.MidiTrack([mido.MetaMessage("track_name", name="demo phrase"),
                            mido.MetaMessage("set_tempo", tempo=TEMPO)])
    now = 0
    for tick, _, message in events:
        track.append(message.copy(time=tick - now))
        now = tick
    mido.MidiFile(ticks_per_beat=TICKS, tracks=[track]).save(out)
    print(f"wrote {out}: {len(events) // 2} notes")


if __name__ == "__main__":
    main()
