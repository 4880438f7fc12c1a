"""Times as records store them (UTC, microseconds, a Z) and back: one writer, one parser."""

from datetime import UTC, datetime


def utc_text(when: datetime) -> str:
    """A time as records store it: UTC, microseconds, with a Z."""
    return when.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_utc(text: str) -> datetime:
    """A stored UTC time back as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def local_minute(utc: str) -> str:
    """A stored UTC time as this machine's local date and time to the minute, as every list
    shows one ("2026-12-07 14:02"); the text as it is if it is not a time."""
    try:
        return parse_utc(utc).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return utc
