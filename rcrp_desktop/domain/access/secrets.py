"""What a passphrase or PIN must be, and how long to wait after failed sign-ins."""

from dataclasses import dataclass
from datetime import datetime, timedelta

MIN_PASSPHRASE = 12  # three random words and more: length, not symbols, is what counts
MIN_PIN = 6
FREE_FAILURES = 3  # mistyped in a hurry: no wait before the fourth try
FIRST_WAIT = timedelta(seconds=5)
LONGEST_WAIT = timedelta(minutes=15)


@dataclass(frozen=True)
class SecretRules:
    """A force's rules for what may be set: PINs are allowed only where its settings say."""

    pins_allowed: bool = False

    def fault(self, secret: str, kind: str) -> str:
        """Why `secret` cannot be set as a `kind` ("passphrase" or "pin"); "" when it can."""
        if kind == "pin":
            if not self.pins_allowed:
                return "This force does not allow PINs: choose a passphrase."
            if not (secret.isascii() and secret.isdigit()) or len(secret) < MIN_PIN:
                return f"A PIN is {MIN_PIN} digits or more, digits only."
            if len(set(secret)) == 1 or secret in "01234567890" or secret in "98765432109":
                return "A PIN of one repeated digit or a run of digits is too easy to guess."
            return ""
        if kind != "passphrase":
            raise ValueError(f"unknown kind of secret {kind!r}")
        if len(secret.strip()) < MIN_PASSPHRASE:
            return (
                f"A passphrase is {MIN_PASSPHRASE} characters or more: three words you will "
                "remember and nobody would guess."
            )
        return ""


def wait_after(failures: int) -> timedelta:
    """How long sign-in waits after `failures` failed tries in a row: none for the first few,
    then doubling from FIRST_WAIT up to LONGEST_WAIT."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    doublings = min(failures - FREE_FAILURES, 16)  # 5 s doubled 16 times is far past the cap
    wait: timedelta = FIRST_WAIT * 2**doublings
    return min(wait, LONGEST_WAIT)


def next_try(failures: int, last_failure: datetime | None) -> datetime | None:
    """When the next try is allowed after the last failure; None when it is allowed now."""
    wait = wait_after(failures)
    if not wait or last_failure is None:
        return None
    return last_failure + wait
