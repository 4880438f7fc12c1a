"""The access log is append-only and chained: an entry changed, removed or slipped in (with its
guard triggers dropped) is named by the log's own check and by `verify`."""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rcrp_desktop.calls import gate as gates
from rcrp_desktop.cli import main, signing
from rcrp_desktop.storage.accounts import FILE_NAME, TEST, AccountStore, access_log_faults
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.repository import Store

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def logged(folder: Path) -> Path:
    """A data folder's accounts, with four entries in the log, beside empty live records."""
    Store.open(database_path(folder, "live"), "live").close()
    store = AccountStore.open(folder, cost=TEST)
    try:
        store.add(
            "A100",
            "Admin Example",
            ("administrator",),
            "copper kettle winter",
            "passphrase",
            by="A100",
            now=NOW,
        )
        for number in range(3):
            store.log("A100", "A100", "record opened", "review", now=NOW, record_id=number + 1)
        assert store.log_faults() == []
    finally:
        store.close()
    return folder / FILE_NAME


def verify_as_admin(data: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """`verify` run by the administrator (signing in is logged, after what is checked)."""
    monkeypatch.setattr(gates, "COST", TEST)
    monkeypatch.setenv(signing.SIGN_IN_ENV, "copper kettle winter")
    return main(["--data-dir", str(data), "verify", "--as", "A100"])


def tamper(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER access_log_kept")
    conn.execute("DROP TRIGGER access_log_not_deleted")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("statements", "named"),
    [
        (["UPDATE access_log SET detail = 'nothing' WHERE id = 3"], "entry 3: changed"),
        (["DELETE FROM access_log WHERE id = 2"], "entry 3: entries 2 to 2 are missing"),
        (
            [
                "DELETE FROM access_log WHERE id = 4",
                "INSERT INTO access_log SELECT 4, utc, account, by, 'signed out', record_id,"
                " detail, prev_hash, hash FROM access_log WHERE id = 3",
            ],
            "entry 4: changed",
        ),
    ],
    ids=["edited", "removed", "forged"],
)
def test_a_tampered_access_log_is_named(
    tmp_path: Path,
    statements: list[str],
    named: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = tmp_path / "data"
    path = logged(data)
    tamper(path, *statements)
    assert any(named in fault for fault in access_log_faults(data)), access_log_faults(data)
    assert verify_as_admin(data, monkeypatch) == 1
    assert "access log: access log " + named in capsys.readouterr().out


def test_a_whole_log_verifies_and_is_read_without_a_byte_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    path = logged(data)
    before = path.read_bytes()
    assert access_log_faults(data) == []
    assert path.read_bytes() == before
    assert FILE_NAME in {p.name for p in data.iterdir()}
    assert verify_as_admin(data, monkeypatch) == 0, capsys.readouterr()


def test_the_log_refuses_changes_while_its_guards_stand(tmp_path: Path) -> None:
    path = logged(tmp_path / "data")
    conn = sqlite3.connect(path)
    for statement in ("UPDATE access_log SET kind = 'x'", "DELETE FROM access_log"):
        with pytest.raises(sqlite3.IntegrityError, match="only added to"):
            conn.execute(statement)
    conn.close()
