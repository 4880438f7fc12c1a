"""`rcrp-desktop settings`: shown to anyone; changed only by someone whose role allows it, the
change in the access log with its old and new value; a bad value or a bad file said in one
line."""

from pathlib import Path

import pytest

from rcrp_desktop.calls import gate as gates
from rcrp_desktop.cli import accounts as accounts_cli
from rcrp_desktop.cli import main, signing
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.storage.accounts import TEST, AccountStore
from rcrp_desktop.storage.force_settings import FILE_NAME, ForceSettings, load_force_settings

SECRETS = {"A100": "copper kettle winter", "H200": "lantern meadow seven"}
SAVE = ("run-script", str(examples_dir() / "welfare-crisis-team.json"), "--save")


@pytest.fixture(autouse=True)
def cheap_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gates, "COST", TEST)  # never the production cost in tests
    monkeypatch.delenv(signing.ACCOUNT_ENV, raising=False)
    monkeypatch.delenv(signing.SIGN_IN_ENV, raising=False)


def as_(monkeypatch: pytest.MonkeyPatch, data: Path, number: str | None, *args: str) -> int:
    monkeypatch.setenv(signing.SIGN_IN_ENV, SECRETS.get(number or "", "-"))
    who = ["--as", number] if number else []
    return main(["--data-dir", str(data), *args, *who])


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder with an administrator and a handler."""
    folder = tmp_path / "data"
    monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, SECRETS["A100"])
    assert main(["--data-dir", str(folder), "accounts", "init", "A100", "--name", "Ada Admin"]) == 0
    monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, SECRETS["H200"])
    added = as_(
        monkeypatch,
        folder,
        "A100",
        "accounts",
        "add",
        "H200",
        "--name",
        "Hana",
        "--role",
        "handler",
    )
    assert added == 0
    return folder


def log_of(data: Path) -> list[tuple[str, str, str]]:
    store = AccountStore.open(data, cost=TEST)
    try:
        return [(e.account, e.kind, e.detail) for e in store.log_entries()]
    finally:
        store.close()


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_show_gives_the_defaults_without_a_file(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["--data-dir", str(data), "settings", "show"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:5] == [
        "idle-lock-minutes\t10",
        "pins-allowed\tno",
        "review-dip-percent\t5",
        "review-dip-seed\trcrp",
        "figures-suppress-below\t5",
    ]
    assert "the defaults" in out[5]


def test_an_administrator_changes_a_setting_and_the_log_keeps_old_and_new(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert as_(monkeypatch, data, "A100", "settings", "set", "idle-lock-minutes", "5") == 0
    assert "idle-lock-minutes: 10 -> 5" in capsys.readouterr().out
    assert load_force_settings(data) == ForceSettings(idle_lock_minutes=5)
    assert (data / FILE_NAME).stat().st_mode & 0o777 == 0o600
    assert ("A100", "settings changed", "idle-lock-minutes: 10 -> 5") in log_of(data)
    assert as_(monkeypatch, data, "A100", "settings", "set", "pins-allowed", "yes") == 0
    assert ("A100", "settings changed", "pins-allowed: no -> yes") in log_of(data)
    assert load_force_settings(data) == ForceSettings(idle_lock_minutes=5, pins_allowed=True)


def test_a_handler_is_refused_in_one_line_and_the_refusal_logged(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert as_(monkeypatch, data, "H200", "settings", "set", "idle-lock-minutes", "60") == 1
    assert "Not permitted" in one_line(capsys)
    assert not (data / FILE_NAME).exists()
    assert ("H200", "refused", "settings.manage") in log_of(data)
    assert as_(monkeypatch, data, None, "settings", "set", "idle-lock-minutes", "60") == 1
    assert "--as NUMBER" in one_line(capsys)  # nobody signed in: nothing changed


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("idle-lock-minutes", "0", "cannot be turned off"),
        ("idle-lock-minutes", "61", "from 1 to 60"),
        ("idle-lock-minutes", "ten", "whole number"),
        ("pins-allowed", "maybe", "yes or no"),
    ],
)
def test_a_value_out_of_range_is_refused_in_one_line(
    data: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    value: str,
    said: str,
) -> None:
    capsys.readouterr()
    assert as_(monkeypatch, data, "A100", "settings", "set", name, value) == 2
    assert said in one_line(capsys)
    assert not (data / FILE_NAME).exists()


def test_pins_are_refused_until_the_force_allows_them(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, "482913")
    add_pin = ("accounts", "add", "H201", "--name", "Hugo", "--role", "handler", "--pin")
    capsys.readouterr()
    assert as_(monkeypatch, data, "A100", *add_pin) == 1
    assert "does not allow PINs" in one_line(capsys)
    assert as_(monkeypatch, data, "A100", "settings", "set", "pins-allowed", "yes") == 0
    assert as_(monkeypatch, data, "A100", *add_pin) == 0
    SECRETS["H201"] = "482913"
    try:
        assert as_(monkeypatch, data, "H201", *SAVE) == 0
        assert as_(monkeypatch, data, "A100", "settings", "set", "pins-allowed", "no") == 0
        capsys.readouterr()
        assert as_(monkeypatch, data, "H201", "list") == 1  # the PIN set before: no longer
        assert "no longer allows PINs" in one_line(capsys)
        monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, "thistle harbour forty")
        assert as_(monkeypatch, data, "A100", "accounts", "reset", "H201") == 0
        SECRETS["H201"] = "thistle harbour forty"
        assert as_(monkeypatch, data, "H201", "list") == 0
    finally:
        del SECRETS["H201"]


def test_a_bad_file_stops_every_signed_command_in_one_line(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data / FILE_NAME
    path.write_text("idle_lock_minutes = 0\n", encoding="utf-8")
    capsys.readouterr()
    for who, command in (
        (None, ("settings", "show")),
        ("A100", ("list",)),
        ("A100", ("settings", "set", "pins-allowed", "no")),
    ):
        assert as_(monkeypatch, data, who, *command) == 1, command
        said = one_line(capsys)
        assert str(path) in said and "idle_lock_minutes" in said


def test_a_folder_without_accounts_is_set_by_whoever_runs_it(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(data_dir), "settings", "set", "idle-lock-minutes", "2"]) == 0
    assert load_force_settings(data_dir).idle_lock_minutes == 2
    code = main(
        ["--data-dir", str(data_dir), "--read-only", "settings", "set", "pins-allowed", "no"]
    )
    assert code == 2 and "--read-only" in capsys.readouterr().err
