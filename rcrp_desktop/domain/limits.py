"""How much text one entry may hold: one limit for every rationale, typed answer, reason and
note, so that a record stays one a person can read, and print, in seconds."""

from collections.abc import Iterable
from typing import Any

# Characters. At least RELIABILITY.md P8's 100,000-character rationale, which prints whole; a
# megabyte (two minutes and 1,219 pages to print) is refused at entry.
TEXT_LIMIT = 100_000


def too_long(values: Iterable[Any]) -> bool:
    """Whether any text among `values` (lists of texts too) is over the limit."""
    for value in values:
        texts = value if isinstance(value, list | tuple) else (value,)
        if any(isinstance(text, str) and len(text) > TEXT_LIMIT for text in texts):
            return True
    return False
