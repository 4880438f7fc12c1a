"""The command line's process exit codes."""

from enum import IntEnum


class Exit(IntEnum):
    """Process exit codes."""

    OK = 0
    PROBLEMS = 1
    USAGE = 2
    NO_DISPLAY = 3
