"""Passphrase and PIN rules, and the wait after repeated failed sign-ins."""

from datetime import UTC, datetime, timedelta

import pytest

from rcrp_desktop.domain.access.secrets import (
    LONGEST_WAIT,
    SecretRules,
    next_try,
    wait_after,
)


def test_a_passphrase_is_long_enough_to_be_worth_having() -> None:
    rules = SecretRules()
    assert rules.fault("river lamp orchard", "passphrase") == ""
    assert "12 characters" in rules.fault("short one", "passphrase")
    assert "12 characters" in rules.fault("   " + "a" * 8 + "   ", "passphrase")


def test_a_pin_only_where_the_force_allows_it_and_never_an_obvious_one() -> None:
    assert "does not allow PINs" in SecretRules().fault("583920", "pin")
    rules = SecretRules(pins_allowed=True)
    assert rules.fault("583920", "pin") == ""
    for weak in ("12345", "12a456", "111111", "123456", "987654", "٥٨٣٩٢٠"):
        assert rules.fault(weak, "pin"), weak
    with pytest.raises(ValueError, match="unknown kind"):
        rules.fault("x", "fingerprint")


def test_the_wait_after_failures_grows_then_stops_growing() -> None:
    assert [wait_after(n).total_seconds() for n in range(7)] == [0, 0, 0, 5, 10, 20, 40]
    assert wait_after(50) == LONGEST_WAIT
    last = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert next_try(2, last) is None
    assert next_try(4, last) == last + timedelta(seconds=10)
