"""What the command-line tests check of a run of `music-lstm`."""
import sys


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


def one_line_error(result, *needles):
    """A failed run that printed exactly one line to stderr, holding every needle."""
    lines = result.stderr.strip().split("\n")
    if result.returncode == 0 or len(lines) != 1 or not all(n in lines[0] for n in needles):
        fail(f"expected one error line with {needles}, got exit {result.returncode}: "
             f"{result.stderr!r}")
