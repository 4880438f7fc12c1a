"""A section 136 handover's minutes, from the times the handler wrote: arrival at the place of
safety and health staff taking over, each as the 24-hour clock at the start of the answer."""

import re

# The first time of day in an answer ("21:40, per the officers", "at 0935", "9.35"): hours and
# minutes, with or without a colon or a point between them.
_TIME = re.compile(r"(?<!\d)([01]?\d|2[0-3])[:.]?([0-5]\d)(?!\d)")
_DAY = 24 * 60


def time_of_day(answer: str) -> int | None:
    """Minutes after midnight of the first time in `answer`, or None if it gives none."""
    found = _TIME.search(answer)
    return int(found[1]) * 60 + int(found[2]) if found else None


def handover_minutes(arrival: str, handed_at: str) -> float | None:
    """Minutes from arrival to handover (a handover after midnight counts on from the day
    before: a detention runs 24 hours at most); None unless both times can be read."""
    start, end = time_of_day(arrival), time_of_day(handed_at)
    if start is None or end is None:
        return None
    return float((end - start) % _DAY)
