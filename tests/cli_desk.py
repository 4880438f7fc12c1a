"""A data folder with accounts, for tests that drive the command line as named people: the
administrator A100 and whoever else is asked for, each with a role and a passphrase."""

from collections.abc import Callable
from pathlib import Path

import pytest

from rcrp_desktop.calls import gate as gates
from rcrp_desktop.cli import accounts as accounts_cli
from rcrp_desktop.cli import main, signing
from rcrp_desktop.storage.accounts import TEST

SECRETS = {
    "A100": "copper kettle winter",
    "H200": "lantern meadow seven",
    "H201": "thistle harbour forty",
    "S300": "harbour pepper eleven",
    "U500": "granite sparrow forty",
}

Runs = Callable[..., int]  # as_(number, *args): the command run as that person, its exit code


def desk(folder: Path, monkeypatch: pytest.MonkeyPatch, people: dict[str, str]) -> Runs:
    """`folder` with A100 and `people` (number -> role); returns the way to run as one."""
    monkeypatch.setattr(gates, "COST", TEST)  # never the production cost in tests
    monkeypatch.delenv(signing.ACCOUNT_ENV, raising=False)

    def as_(number: str, *args: str) -> int:
        monkeypatch.setenv(signing.SIGN_IN_ENV, SECRETS[number])
        return main(["--data-dir", str(folder), *args, "--as", number])

    monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, SECRETS["A100"])
    assert main(["--data-dir", str(folder), "accounts", "init", "A100", "--name", "Ada"]) == 0
    for number, role in people.items():
        monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, SECRETS[number])
        assert as_("A100", "accounts", "add", number, "--name", role, "--role", role) == 0
    return as_
