"""Signing in at the desk once the data folder has accounts: the window is opened only for
someone signed in, stamps what they record with their account, refuses (and logs) what their
role lacks through the application layer, and switches person at a shift change without
closing the call."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from rcrp_desktop import app, paths
from rcrp_desktop.calls import gate as gates
from rcrp_desktop.calls.access import Access, NotPermittedError
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.access.roles import shipped_roles
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.storage.accounts import TEST, AccountStore
from rcrp_desktop.storage.lock import InstanceLock
from rcrp_desktop.ui.dialogs.sign_in import Attempt, SignInDialog

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
SECRETS = {
    "A100": "copper kettle winter",
    "H200": "lantern meadow seven",
    "H201": "thistle harbour forty",
    "U500": "granite sparrow forty",
}


@pytest.fixture(autouse=True)
def cheap_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gates, "COST", TEST)  # never the production cost in tests


@pytest.fixture
def accounts(data_dir: Path) -> None:
    store = AccountStore.open(data_dir, cost=TEST)
    access = Access(store, shipped_roles())
    admin = access.create_first_administrator(
        "A100", "Ada Admin", SECRETS["A100"], "passphrase", now=NOW
    )
    session = access.sign_in(admin.number, SECRETS["A100"], "live", now=NOW)
    for number, name, role in (
        ("H200", "Hana Handler", "handler"),
        ("H201", "Hugo Handler", "handler"),
        ("U500", "Una Auditor", "auditor"),
    ):
        access.add_account(session, number, name, (role,), SECRETS[number], "passphrase", now=NOW)
    store.close()


def typed(monkeypatch: pytest.MonkeyPatch, *tries: tuple[str, str]) -> list[str]:
    """Make the sign-in dialog try these (number, secret) pairs in turn; what it said back."""
    said: list[str] = []

    def ask(parent: object, intro: str, attempt: Attempt) -> bool:
        for number, secret in tries:
            problem = attempt(number, secret)
            if problem is None:
                return True
            said.append(problem)
        return False

    monkeypatch.setattr(SignInDialog, "ask", staticmethod(ask))
    return said


@pytest.fixture
def opened(qtbot: QtBot, data_dir: Path) -> Iterator[list[app.OpenAfterFirstPaint]]:
    """Windows shown by `app.show_window` on the data folder, closed after the test."""
    shown: list[app.OpenAfterFirstPaint] = []
    lock = InstanceLock(data_dir).acquire()
    yield shown
    for opener in shown:
        app._sign_out(opener.window)
        if opener.store is not None:
            opener.store.close()
    lock.release()


def show(
    qtbot: QtBot, data_dir: Path, shown: list[app.OpenAfterFirstPaint]
) -> app.OpenAfterFirstPaint:
    opener = app.show_window(paths.forms_dir(), "rcrp-england", data_dir, training=False)
    assert opener is not None
    shown.append(opener)
    qtbot.add_widget(opener.window)
    with qtbot.waitSignal(opener.opened, timeout=5000):
        pass
    return opener


def log_kinds(data_dir: Path) -> list[tuple[str, str, str]]:
    store = AccountStore.open(data_dir, cost=TEST)
    try:
        return [(e.account, e.kind, e.detail) for e in store.log_entries()]
    finally:
        store.close()


def test_the_window_opens_for_someone_signed_in_and_stamps_their_account(
    qtbot: QtBot,
    data_dir: Path,
    accounts: None,
    england: Pack,
    opened: list[app.OpenAfterFirstPaint],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    said = typed(monkeypatch, ("H200", "wrong passphrase"), ("H200", SECRETS["H200"]))
    opener = show(qtbot, data_dir, opened)
    assert said == ["That number and passphrase do not match an account."]
    window = opener.window
    assert window.user == "H200 Hana Handler"
    assert opener.store is not None
    recorder = CallRecorder.start(opener.store, england, incident_ref="INC-1", user=window.user)
    assert opener.store.record(recorder.record_id).handler == "H200 Hana Handler"
    kinds = [(account, kind) for account, kind, _ in log_kinds(data_dir)]
    assert ("H200", "sign-in failed") in kinds and ("H200", "signed in") in kinds


def test_nobody_signed_in_keeps_the_records_closed(
    qtbot: QtBot,
    data_dir: Path,
    accounts: None,
    monkeypatch: pytest.MonkeyPatch,
    opened: list[app.OpenAfterFirstPaint],
) -> None:
    typed(monkeypatch, ("H200", "wrong passphrase"))
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: told.append(text))
    assert app.show_window(paths.forms_dir(), "rcrp-england", data_dir, training=False) is None
    assert told == ["Nobody signed in: the records stay closed."]


def test_the_application_layer_refuses_what_the_role_lacks_and_logs_it(
    qtbot: QtBot,
    data_dir: Path,
    accounts: None,
    england: Pack,
    opened: list[app.OpenAfterFirstPaint],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    typed(monkeypatch, ("U500", SECRETS["U500"]))  # an auditor reads; takes no call
    opener = show(qtbot, data_dir, opened)
    assert opener.store is not None
    with pytest.raises(NotPermittedError, match="Not permitted"):
        CallRecorder.start(opener.store, england, incident_ref="INC-2", user=opener.window.user)
    assert opener.store.record_rows() == []  # nothing was written
    assert ("U500", "refused", "call.take") in log_kinds(data_dir)


def test_a_shift_change_switches_the_stamp_without_closing_the_call(
    qtbot: QtBot,
    data_dir: Path,
    accounts: None,
    england: Pack,
    opened: list[app.OpenAfterFirstPaint],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    typed(monkeypatch, ("H200", SECRETS["H200"]))
    opener = show(qtbot, data_dir, opened)
    window = opener.window
    assert opener.store is not None
    recorder = CallRecorder.start(opener.store, england, incident_ref="INC-3", user=window.user)
    window._open_session(recorder)
    typed(monkeypatch, ("H201", SECRETS["H201"]))
    window.change_handler()
    assert window.user == "H201 Hugo Handler"
    assert window.session is not None and window.session.recorder is recorder  # still open
    assert recorder.user == "H201 Hugo Handler"
    kinds = [(account, kind) for account, kind, _ in log_kinds(data_dir)]
    assert ("H200", "signed out") in kinds and ("H201", "signed in") in kinds


def test_the_dialog_says_why_clears_the_passphrase_and_signs_in_on_enter(qtbot: QtBot) -> None:
    tried: list[tuple[str, str]] = []

    def attempt(number: str, secret: str) -> str | None:
        tried.append((number, secret))
        return None if secret == SECRETS["H200"] else "That number and passphrase do not match."

    dialog = SignInDialog(None, "Sign in to the live records.", attempt)
    qtbot.add_widget(dialog)
    dialog.show()
    assert dialog.secret.echoMode() == dialog.secret.EchoMode.Password  # never shown
    qtbot.keyClicks(dialog.number, "H200")
    qtbot.keyClicks(dialog.secret, "guess")
    qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
    assert dialog.problem.text() == "That number and passphrase do not match."
    assert dialog.secret.text() == "" and dialog.isVisible()
    qtbot.keyClicks(dialog.secret, SECRETS["H200"])
    qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert tried == [("H200", "guess"), ("H200", SECRETS["H200"])]
