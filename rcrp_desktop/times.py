"""Times as records store them (UTC, microseconds, a Z) and back: one writer, one parser."""

from datetime import UTC, datetime


def utc_text(when: datetime) -> str:
    """A time as records store it: UTC, microseconds, with a Z."""
    return when.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_utc(text: str) -> datetime:
    """A stored UTC time back as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# The one way a date and time is shown, on screen and on paper: year first, 24-hour clock.
SHOWN_MINUTE = "%Y-%m-%d %H:%M"


def shown_minute(when: datetime) -> str:
    """A time as this machine's local date and time to the minute ("2026-12-07 14:02")."""
    return when.astimezone().strftime(SHOWN_MINUTE)


def local_minute(utc: str) -> str:
    """A stored UTC time as every list shows one (`shown_minute`); the text as it is if it
    is not a time."""
    try:
        return shown_minute(parse_utc(utc))
    except ValueError:
        return utc
