"""The force's settings: the defaults without a file, read back as written (owner-only), and a
file that cannot be used refused in one line naming the file and the key."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from rcrp_desktop.calls import gate as gates
from rcrp_desktop.calls.access import Access
from rcrp_desktop.domain.access.roles import shipped_roles
from rcrp_desktop.storage.accounts import TEST, AccountStore
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.force_settings import (
    FILE_NAME,
    ForceSettings,
    ForceSettingsError,
    load_force_settings,
    save_force_settings,
)

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def test_without_a_file_the_defaults_hold(data_dir: Path) -> None:
    settings = load_force_settings(data_dir)
    assert settings == ForceSettings(idle_lock_minutes=10, pins_allowed=False)
    assert not data_dir.exists()  # read, never made


def test_written_atomically_owner_only_and_read_back(data_dir: Path) -> None:
    save_force_settings(data_dir, ForceSettings(idle_lock_minutes=3, pins_allowed=True))
    path = data_dir / FILE_NAME
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_force_settings(data_dir) == ForceSettings(3, True)
    assert list(data_dir.glob("*.part")) == []  # no temporary file left beside it
    assert "idle_lock_minutes = 3" in path.read_text(encoding="utf-8")


def test_a_file_that_sets_one_key_keeps_the_other_default(data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / FILE_NAME).write_text("pins_allowed = true\n", encoding="utf-8")
    assert load_force_settings(data_dir) == ForceSettings(idle_lock_minutes=10, pins_allowed=True)


@pytest.mark.parametrize(
    ("text", "key", "said"),
    [
        ("idle_lock_minutes = 0\n", "idle_lock_minutes", "cannot be turned off"),
        ("idle_lock_minutes = 61\n", "idle_lock_minutes", "from 1 to 60"),
        ("idle_lock_minutes = true\n", "idle_lock_minutes", "whole number"),
        ("idle_lock_minutes = '5'\n", "idle_lock_minutes", "whole number"),
        ("idle_lock_minutes = 2.5\n", "idle_lock_minutes", "whole number"),
        ("pins_allowed = 'yes'\n", "pins_allowed", "true or false"),
        ("idle_lock_minute = 5\n", "idle_lock_minute", "is not a setting"),
        ("idle_lock_minutes = \n", "", "not valid TOML"),
    ],
)
def test_a_bad_file_is_refused_in_one_line_naming_file_and_key(
    data_dir: Path, text: str, key: str, said: str
) -> None:
    data_dir.mkdir()
    path = data_dir / FILE_NAME
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ForceSettingsError) as caught:
        load_force_settings(data_dir)
    message = str(caught.value)
    assert isinstance(caught.value, StorageError) and caught.value.key == key
    assert str(path) in message and said in message and key in message
    assert "\n" not in message


def test_a_file_that_is_not_text_or_not_a_file_is_refused(data_dir: Path) -> None:
    data_dir.mkdir()
    path = data_dir / FILE_NAME
    path.write_bytes(b"\xff\xfe idle")
    with pytest.raises(ForceSettingsError, match="not UTF-8"):
        load_force_settings(data_dir)
    path.unlink()
    path.mkdir()
    with pytest.raises(ForceSettingsError, match="not a regular file"):
        load_force_settings(data_dir)


def test_out_of_range_values_are_never_written(data_dir: Path) -> None:
    with pytest.raises(ValueError, match="idle_lock_minutes"):
        save_force_settings(data_dir, ForceSettings(idle_lock_minutes=0))
    assert not (data_dir / FILE_NAME).exists()


def make_admin(data_dir: Path) -> None:
    store = AccountStore.open(data_dir, cost=TEST)
    Access(store, shipped_roles()).create_first_administrator(
        "A100", "Ada Admin", "copper kettle winter", "passphrase", now=NOW
    )
    store.close()


def test_the_accounts_are_opened_under_the_forces_rule_for_pins(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gates, "COST", TEST)
    make_admin(data_dir)
    access = gates.accounts_of(data_dir)
    assert access is not None
    assert "does not allow PINs" in access.rules.fault("482913", "pin")
    access.store.close()
    save_force_settings(data_dir, ForceSettings(pins_allowed=True))
    access = gates.accounts_of(data_dir)
    assert access is not None
    assert access.rules.fault("482913", "pin") == ""
    access.store.close()


def test_a_bad_file_keeps_the_accounts_closed(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gates, "COST", TEST)
    make_admin(data_dir)
    (data_dir / FILE_NAME).write_text("idle_lock_minutes = 0\n", encoding="utf-8")
    with pytest.raises(ForceSettingsError, match="idle_lock_minutes"):
        gates.accounts_of(data_dir)
