"""The window on an encrypted data folder: the records open only once someone signed in has
opened the data key, nothing of a call is readable in any file while it is worked, and a
shift change keeps the records open for the next person."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from rcrp_desktop import app, paths
from rcrp_desktop.calls import gate as gates
from rcrp_desktop.calls.access import Access
from rcrp_desktop.calls.encryption import encrypt_folder, give_key
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.access.roles import shipped_roles
from rcrp_desktop.domain.call import engine
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.storage import cipher, keyring_file, keys
from rcrp_desktop.storage.accounts import TEST, AccountStore
from rcrp_desktop.storage.data import RECOVERY_PUBLIC_FILE
from rcrp_desktop.storage.lock import InstanceLock
from rcrp_desktop.ui.dialogs.sign_in import Attempt, SignInDialog

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
SECRETS = {"A100": "copper kettle winter", "H200": "lantern meadow seven"}
SECRETS["H201"] = "thistle harbour forty"
MARK = "Saffron-lane marker 4410 told the handler"


@pytest.fixture(autouse=True)
def cheap_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gates, "COST", TEST)


@pytest.fixture
def encrypted_folder(data_dir: Path) -> None:
    encrypt_new_folder(data_dir)


def encrypt_new_folder(data_dir: Path) -> None:
    """Accounts for an administrator and two handlers; the folder encrypted before its first
    record, each handler given a key."""
    (data_dir / RECOVERY_PUBLIC_FILE).parent.mkdir(parents=True, exist_ok=True)
    (data_dir / RECOVERY_PUBLIC_FILE).write_bytes(keys.make_recovery_key_pair(None).public_pem)
    store = AccountStore.open(data_dir, cost=TEST)
    access = Access(store, shipped_roles())
    access.create_first_administrator("A100", "Ada Admin", SECRETS["A100"], "passphrase", now=NOW)
    admin = gates.sign_in(access, "A100", SECRETS["A100"], "live")
    with InstanceLock(data_dir):
        encrypt_folder(admin, data_dir, SECRETS["A100"])
    for number, name in (("H200", "Hana Handler"), ("H201", "Hugo Handler")):
        access.add_account(
            admin.session, number, name, ("handler",), SECRETS[number], "passphrase", now=NOW
        )
        give_key(admin, data_dir, number, SECRETS[number])
    admin.close()
    assert cipher.folder_key(data_dir / "records.sqlite3") is None


def typed(monkeypatch: pytest.MonkeyPatch, number: str) -> None:
    def ask(parent: object, intro: str, attempt: Attempt) -> bool:
        return attempt(number, SECRETS[number]) is None

    monkeypatch.setattr(SignInDialog, "ask", staticmethod(ask))


@pytest.fixture
def opened(qtbot: QtBot, data_dir: Path) -> Iterator[list[app.OpenAfterFirstPaint]]:
    shown: list[app.OpenAfterFirstPaint] = []
    lock = InstanceLock(data_dir).acquire()
    yield shown
    for opener in shown:
        app._sign_out(opener.window)
        if opener.store is not None:
            opener.store.close()
    lock.release()


def holding(folder: Path, text: str) -> list[str]:
    return sorted(
        p.name for p in folder.iterdir() if p.is_file() and text.encode() in p.read_bytes()
    )


def test_a_call_worked_in_the_window_leaves_nothing_readable_and_survives_a_shift_change(
    qtbot: QtBot,
    data_dir: Path,
    encrypted_folder: None,
    england: Pack,
    opened: list[app.OpenAfterFirstPaint],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    typed(monkeypatch, "H200")
    opener = app.show_window(paths.forms_dir(), "rcrp-england", data_dir, training=False)
    assert opener is not None
    opened.append(opener)
    qtbot.add_widget(opener.window)
    with qtbot.waitSignal(opener.opened, timeout=5000):
        pass
    store = opener.store
    assert store is not None and store.key  # opened with the data key
    recorder = CallRecorder.start(store, england, incident_ref="INC-9", user=opener.window.user)
    first = engine.start(england).current
    recorder.answer(first, "home", f"At home, says the caller. {MARK}")
    assert (data_dir / "records.sqlite3-wal").stat().st_size > 0
    assert holding(data_dir, MARK) == []
    assert holding(data_dir, "INC-9") == []
    opener.window._open_session(recorder)
    typed(monkeypatch, "H201")
    opener.window.change_handler()
    assert opener.window.user == "H201 Hugo Handler"
    assert cipher.folder_key(data_dir / "records.sqlite3") == store.key  # still unlocked
    assert MARK in str([e.payload for e in store.events(recorder.record_id)])
    app._sign_out(opener.window)
    opened.clear()
    store.close()
    assert cipher.folder_key(data_dir / "records.sqlite3") is None  # locked once signed out
    assert holding(data_dir, MARK) == []


def test_an_encrypted_backup_opens_read_only_in_the_window_with_the_recovery_key(
    qtbot: QtBot, tmp_path: Path, england: Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An investigator's path: `--database BACKUP --recovery-key PEM` unlocks the backup's folder
    for the window, which reads it as any named file, writing nothing beside it."""
    from rcrp_desktop.cli.keys import RECOVERY_SECRET_ENV, recovery_unlock
    from rcrp_desktop.storage.repository import Store

    key = keys.new_data_key()
    pair = keys.make_recovery_key_pair("quartz river lantern ninety")
    recovery = keys.load_recovery_public_key(pair.public_pem)
    store = Store.open(tmp_path / "desk" / "records.sqlite3", "live", key=key)
    recorder = CallRecorder.start(store, england, incident_ref="INC-EVID", user="H1 Test")
    recorder.answer(engine.start(england).current, "home", f"At home. {MARK}")
    backup = tmp_path / "evidence" / "records.sqlite3"
    store.backup(backup)
    store.close()
    ring = keys.make_keyring(key, "H1", "lantern meadow seven", recovery, TEST)
    keyring_file.save_keyring_beside(backup, ring)
    private = tmp_path / "recovery.pem"
    private.write_bytes(pair.private_pem)
    monkeypatch.setenv(RECOVERY_SECRET_ENV, "quartz river lantern ninety")
    before = sorted(p.name for p in backup.parent.iterdir())
    cipher.unlock_folder(backup.parent, recovery_unlock(backup, private))
    try:
        opener = app.show_window(
            paths.forms_dir(), "rcrp-england", tmp_path / "unused", False, database=backup
        )
        assert opener is not None
        qtbot.add_widget(opener.window)
        with qtbot.waitSignal(opener.opened, timeout=5000):
            pass
        assert opener.store is not None and opener.store.readonly
        assert [r.incident_ref for r in opener.store.recent(5)] == ["INC-EVID"]
        opener.store.close()
    finally:
        cipher.lock_folder(backup.parent)
    assert sorted(p.name for p in backup.parent.iterdir()) == before


def test_another_force_s_records_put_in_this_folder_show_nothing_to_its_handler(
    qtbot: QtBot,
    tmp_path: Path,
    data_dir: Path,
    encrypted_folder: None,
    england: Pack,
    opened: list[app.OpenAfterFirstPaint],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each force's folder has a data key of its own: another force's database (copied in,
    or a backup put in place by hand) opens under no key of this folder's, and its handler is
    told so in one line, seeing nothing of it."""
    other = tmp_path / "another-force"
    encrypt_new_folder(other)
    access = gates.accounts_of(other)
    assert access is not None
    gate = gates.sign_in(access, "H200", SECRETS["H200"], "live")
    from rcrp_desktop.storage.repository import Store

    theirs = Store.open(other / "records.sqlite3", "live")
    recorder = CallRecorder.start(theirs, england, incident_ref="INC-OTHER-FORCE", user=gate.stamp)
    recorder.answer(engine.start(england).current, "home", f"At home. {MARK}")
    theirs.close()
    gate.close()
    ours = data_dir / "records.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{ours}{suffix}").unlink(missing_ok=True)
    (other / "records.sqlite3").replace(ours)
    said: list[str] = []
    exits: list[int] = []
    from PySide6.QtWidgets import QApplication, QMessageBox

    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: said.append(text))
    monkeypatch.setattr(QApplication, "exit", lambda code=0: exits.append(code))
    typed(monkeypatch, "H200")
    opener = app.show_window(paths.forms_dir(), "rcrp-england", data_dir, training=False)
    assert opener is not None
    opened.append(opener)
    qtbot.add_widget(opener.window)
    qtbot.wait_until(lambda: bool(said), timeout=5000)
    assert opener.failed and opener.store is None and exits == [1]
    assert len(said) == 1 and "another key" in said[0], said
    assert "INC-OTHER-FORCE" not in said[0] and MARK not in said[0]
