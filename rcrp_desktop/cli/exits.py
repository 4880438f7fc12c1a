"""The command line's process exit codes, and the number arguments it accepts."""

import argparse
from collections.abc import Callable
from enum import IntEnum


class Exit(IntEnum):
    """Process exit codes."""

    OK = 0
    PROBLEMS = 1
    USAGE = 2
    NO_DISPLAY = 3


RECORD_ID_MAX = 2**63 - 1  # SQLite's largest integer key


def whole_number(low: int, high: int, what: str) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`, else one clear line (a number
    past what SQLite holds was an OverflowError traceback)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{what} must be a whole number, not {text!r}"
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} must be from {low} to {high:,}")
        return value

    return parse


record_id = whole_number(1, RECORD_ID_MAX, "a record id")
