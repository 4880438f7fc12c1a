"""`rcrp-desktop accounts`: the first administrator once, accounts added only by someone who
may, secrets never on the command line, every refusal one line."""

from pathlib import Path

import pytest

from rcrp_desktop.calls import gate as gates
from rcrp_desktop.cli import accounts as accounts_cli
from rcrp_desktop.cli import main, signing
from rcrp_desktop.storage.accounts import FILE_NAME, TEST

ADMIN_SECRET = "copper kettle winter"
HANDLER_SECRET = "lantern meadow seven"


@pytest.fixture(autouse=True)
def cheap_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gates, "COST", TEST)  # never the production cost in tests


def run(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, *args: str, secret: str = "", new: str = ""
) -> int:
    monkeypatch.delenv(signing.SIGN_IN_ENV, raising=False)
    monkeypatch.delenv(accounts_cli.NEW_SECRET_ENV, raising=False)
    if secret:
        monkeypatch.setenv(signing.SIGN_IN_ENV, secret)
    if new:
        monkeypatch.setenv(accounts_cli.NEW_SECRET_ENV, new)
    return main(["--data-dir", str(data_dir), "accounts", *args])


def test_first_administrator_then_a_handler_who_cannot_add_accounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert run(data, monkeypatch, "init", "A100", "--name", "Admin Example", new=ADMIN_SECRET) == 0
    assert "The first administrator is A100 Admin Example." in capsys.readouterr().out
    assert run(data, monkeypatch, "init", "A101", "--name", "Other", new=ADMIN_SECRET) != 0
    assert "exists already" in capsys.readouterr().err
    code = run(
        data,
        monkeypatch,
        "add",
        "H200",
        "--name",
        "Handler Example",
        "--role",
        "handler",
        "--as",
        "A100",
        secret=ADMIN_SECRET,
        new=HANDLER_SECRET,
    )
    assert code == 0, capsys.readouterr()
    code = run(
        data,
        monkeypatch,
        "add",
        "H201",
        "--name",
        "Another",
        "--role",
        "handler",
        "--as",
        "H200",
        secret=HANDLER_SECRET,
        new=HANDLER_SECRET,
    )
    err = capsys.readouterr().err
    assert code != 0 and err.count("\n") == 1 and "Traceback" not in err
    assert "Not permitted: add, change and disable accounts" in err
    assert run(data, monkeypatch, "list", "--as", "A100", secret=ADMIN_SECRET) == 0
    listed = capsys.readouterr().out
    assert "H200\tHandler Example\thandler" in listed and "H201" not in listed
    monkeypatch.setenv(signing.SIGN_IN_ENV, ADMIN_SECRET)
    assert main(["--data-dir", str(data), "access-log", "--as", "A100"]) == 0
    log = capsys.readouterr().out
    assert "\tH200\tH200\trefused\t-\taccounts.manage" in log
    assert main(["--data-dir", str(data), "access-log", "--as", "A100", "--account", "H200"]) == 0
    only = capsys.readouterr().out.splitlines()
    assert only and all("\tH200\t" in line for line in only)
    assert main(["--data-dir", str(data), "access-log", "--as", "A100", "--record", "7"]) == 0
    assert capsys.readouterr().out == ""
    assert (
        main(["--data-dir", str(data), "access-log", "--as", "A100", "--since", "2999-01-01"]) == 0
    )
    assert capsys.readouterr().out == ""
    with pytest.raises(SystemExit):
        main(["--data-dir", str(data), "access-log", "--as", "A100", "--since", "yesterday"])
    assert "a day is YYYY-MM-DD" in capsys.readouterr().err
    assert ADMIN_SECRET.encode() not in (data / FILE_NAME).read_bytes()


def test_a_wrong_passphrase_and_no_account_yet_get_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert run(data, monkeypatch, "list", "--as", "A100", secret=ADMIN_SECRET) != 0
    assert "accounts init" in capsys.readouterr().err
    run(data, monkeypatch, "init", "A100", "--name", "Admin Example", new=ADMIN_SECRET)
    capsys.readouterr()
    assert run(data, monkeypatch, "list", "--as", "A100", secret="not the passphrase") != 0
    err = capsys.readouterr().err
    assert "do not match an account" in err and err.count("\n") == 1
