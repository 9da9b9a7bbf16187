"""Small Standard MIDI File bytes for the Python-driven tests, written by hand (no mido needed)."""
import struct


def vlq(value):
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.insert(0, (value & 0x7F) | 0x80)
        value >>= 7
    return bytes(out)


def track(events):
    """events: list of (delta_ticks, bytes). Adds the end-of-track event."""
    body = b"".join(vlq(d) + e for d, e in events) + b"\x00\xff\x2f\x00"
    return b"MTrk" + struct.pack(">I", len(body)) + body


def with_tempo(events):
    """A format-1 file at 480 ticks per quarter (120 bpm): a tempo track and a track of `events`
    (as track() takes them)."""
    tempo = track([(0, b"\xff\x51\x03\x07\xa1\x20")])
    return b"MThd" + struct.pack(">IHHH", 6, 1, 2, 480) + tempo + track(events)


def scale(first_pitch=60, count=16, ticks=240, velocity=80):
    """with_tempo(): a rising scale."""
    events = []
    for k in range(count):
        events.append((0 if k == 0 else ticks // 2, bytes([0x90, first_pitch + k, velocity])))
        events.append((ticks // 2, bytes([0x80, first_pitch + k, 0])))
    return with_tempo(events)
