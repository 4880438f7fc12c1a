"""The idle lock: after the force's minutes with nobody at the desk (here a second or two),
a warning any input cancels, then every window's content hidden (not covered: nothing of the
record in the screenshot or the accessibility tree); what was typed and not yet saved is there
after unlocking; another person's passphrase hands them the desk, and later events carry
their stamp; a wrong one is said, and the sign-in back-off applies."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMessageBox, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from rcrp_desktop import app, paths
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.storage.force_settings import FILE_NAME, ForceSettings, save_force_settings
from rcrp_desktop.ui import idle_lock
from rcrp_desktop.ui.idle_lock import IdleLock
from rcrp_desktop.ui.main_window import MainWindow
from rcrp_desktop.ui.widgets.lock_page import LockPage
from tests.artifacts import artifacts
from tests.ui.test_accessible_names import unnamed
from tests.ui.test_main_window import walk_window_to
from tests.ui.test_sign_in import (  # noqa: F401  (fixtures, used by name)
    SECRETS,
    accounts,
    cheap_cost,
    log_kinds,
    opened,
    show,
    typed,
)

INCIDENT = "INC-LOCK-7731"
RATIONALE = "Neighbour heard shouting through the wall SYNTHETIC-4417"
MINUTE_MS = 1500  # the force's one minute, in the tests
WARNING_MS = 900


@pytest.fixture(autouse=True)
def quick_minutes(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    """One minute passes in 1.5 s; the force locks after one."""
    monkeypatch.setattr(idle_lock, "MINUTE_MS", MINUTE_MS)
    monkeypatch.setattr(idle_lock, "WARNING_MS", WARNING_MS)
    save_force_settings(data_dir, ForceSettings(idle_lock_minutes=1))


@pytest.fixture
def desk(
    qtbot: QtBot,
    data_dir: Path,
    accounts: None,  # noqa: F811
    opened: list[app.OpenAfterFirstPaint],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[MainWindow]:
    """The window as the app opens it for H200, active, their call open at a question that
    takes a rationale."""
    typed(monkeypatch, ("H200", SECRETS["H200"]))
    opener = show(qtbot, data_dir, opened)
    window = opener.window
    with qtbot.waitActive(window):
        window.activateWindow()
    assert opener.store is not None and window.idle_lock is not None
    england = next(p for p in window.packs if p.id == "rcrp-england" and not p.archived)
    recorder = CallRecorder.start(opener.store, england, incident_ref=INCIDENT, user=window.user)
    window._open_session(recorder)
    walk_window_to(qtbot, window, "danger_life")
    yield window
    window.idle_lock.stop()


def lock_of(window: MainWindow) -> IdleLock:
    assert window.idle_lock is not None
    return window.idle_lock


def page_of(window: MainWindow) -> LockPage:
    cover = lock_of(window).cover
    assert cover is not None
    return cover.page_in_front()


def type_unsaved_rationale(qtbot: QtBot, window: MainWindow) -> None:
    view = window.question_view
    qtbot.keyClick(view.buttons[0], Qt.Key.Key_1)
    qtbot.keyClicks(view.rationale, RATIONALE)
    assert view.rationale.toPlainText() == RATIONALE


def unlock_as(qtbot: QtBot, window: MainWindow, number: str, secret: str) -> None:
    page = page_of(window)
    page.fields.number.setText(number)
    qtbot.keyClicks(page.fields.secret, secret)
    qtbot.keyClick(page.fields.secret, Qt.Key.Key_Return)


def said_to_a_screen_reader() -> list[str]:
    """Every text the accessibility tree offers, from the application down, where a screen
    reader would find it (what is invisible is not read out)."""
    texts: list[str] = []
    kinds = (QAccessible.Text.Name, QAccessible.Text.Description, QAccessible.Text.Value)

    def walk(iface: Any, depth: int = 0) -> None:
        if iface is None or not iface.isValid() or depth > 60 or iface.state().invisible:
            return
        texts.extend(iface.text(kind) for kind in kinds)
        for index in range(iface.childCount()):
            walk(iface.child(index), depth + 1)

    walk(QAccessible.queryAccessibleInterface(QApplication.instance()))
    return [text for text in texts if text]


def record_texts(window: MainWindow) -> list[str]:
    session = window.session
    assert session is not None
    question = window.question_view.question
    assert question is not None
    return [INCIDENT, RATIONALE, question.text, f"Record {session.record_id}"]


def test_locked_the_record_is_out_of_every_window_and_back_as_it_was(
    qtbot: QtBot, desk: MainWindow, data_dir: Path
) -> None:
    window = desk
    type_unsaved_rationale(qtbot, window)
    secrets = record_texts(window)
    assert any(INCIDENT in text or RATIONALE in text for text in said_to_a_screen_reader())
    rationale = window.question_view.rationale
    qtbot.waitUntil(lambda: lock_of(window).locked, timeout=5000)  # nobody touched it

    assert isinstance(window.centralWidget(), LockPage)
    assert not window.isAncestorOf(rationale) and not rationale.isVisible()
    shown = [w for w in window.findChildren(QWidget) if w.isVisible()]
    page = page_of(window)
    assert shown and all(w is page or page.isAncestorOf(w) for w in shown), shown
    said = " | ".join(said_to_a_screen_reader())
    assert "Locked" in said
    for secret in secrets:
        assert secret not in said
    picture = window.grab()
    assert picture.save(str(artifacts("screens") / "offscreen-idle-lock.png"))
    assert QApplication.focusWidget() is page.fields.secret
    assert unnamed(window) == []  # the page's fields and button, each named
    assert page.fields.number.text() == "H200"

    unlock_as(qtbot, window, "H200", SECRETS["H200"])
    assert not lock_of(window).locked
    qtbot.waitUntil(rationale.isVisible)
    assert rationale.toPlainText() == RATIONALE  # kept exactly, never saved or lost
    assert window.user == "H200 Hana Handler"
    kinds = [(account, kind, detail) for account, kind, detail in log_kinds(data_dir)]
    assert ("H200", "locked", "idle for 1 minute") in kinds
    assert ("H200", "unlocked", "") in kinds


def test_another_persons_passphrase_hands_them_the_desk_and_the_stamp(
    qtbot: QtBot, desk: MainWindow, data_dir: Path
) -> None:
    window = desk
    session = window.session
    assert session is not None
    type_unsaved_rationale(qtbot, window)
    window.lock_now()
    unlock_as(qtbot, window, "H201", SECRETS["H201"])
    assert not lock_of(window).locked
    assert window.user == "H201 Hugo Handler" and window.gate is not None
    assert window.session is session  # the call stays open, with what was typed
    qtbot.waitUntil(window.question_view.rationale.isVisible)
    qtbot.keyClick(window.question_view.rationale, Qt.Key.Key_Return)  # saved now, by H201
    events = window.store.events(session.record_id)
    assert events[0].user == "H200 Hana Handler"
    answer = [event for event in events if event.kind == "answer"][-1]
    assert answer.user == "H201 Hugo Handler" and answer.payload["rationale"] == RATIONALE
    later = events[events.index(answer) :]
    assert {event.user for event in later} == {"H201 Hugo Handler"}
    assert {e.user for e in events[: events.index(answer)]} == {"H200 Hana Handler"}
    # The call passed to H201 at the switch, written by H200, who held it until then.
    handed = [e for e in events if e.kind == "taken_over"]
    assert [(e.user, e.payload["by"], e.payload["how"]) for e in handed] == [
        ("H200 Hana Handler", "H201 Hugo Handler", "shift change")
    ]
    kinds = [(account, kind) for account, kind, _ in log_kinds(data_dir)]
    assert ("H200", "locked") in kinds and ("H200", "signed out") in kinds
    assert ("H201", "signed in") in kinds and ("H201", "unlocked") in kinds


def test_a_wrong_passphrase_is_said_cleared_and_backed_off(
    qtbot: QtBot, desk: MainWindow, data_dir: Path
) -> None:
    window = desk
    window.lock_now()
    page = page_of(window)
    unlock_as(qtbot, window, "H200", "not my passphrase")
    assert lock_of(window).locked
    assert page.fields.problem.isVisible()
    assert "do not match" in page.fields.problem.text()
    assert page.fields.secret.text() == ""
    for _ in range(2):
        unlock_as(qtbot, window, "H200", "still not it")
    unlock_as(qtbot, window, "H200", SECRETS["H200"])  # right, but after three wrong: wait
    assert lock_of(window).locked
    assert "Too many failed tries" in page.fields.problem.text()
    assert ("H200", "sign-in failed") in [(a, k) for a, k, _ in log_kinds(data_dir)]


def test_the_warning_counts_down_and_any_input_puts_it_off(qtbot: QtBot, desk: MainWindow) -> None:
    window = desk
    lock = lock_of(window)
    qtbot.waitUntil(lock.warning.isVisible, timeout=3000)
    assert "locks in" in lock.warning.text() and not lock.locked
    qtbot.mouseMove(window.question_view.rationale)
    assert not lock.warning.isVisible() and not lock.locked
    qtbot.wait(MINUTE_MS - WARNING_MS - 200)  # the clock began again at the input
    assert not lock.locked and not lock.warning.isVisible()
    qtbot.waitUntil(lock.warning.isVisible, timeout=3000)
    qtbot.keyClick(window.question_view.rationale, Qt.Key.Key_Shift)
    assert not lock.warning.isVisible() and not lock.locked


def test_a_key_locks_at_once_and_no_other_key_acts_behind_the_page(
    qtbot: QtBot, desk: MainWindow
) -> None:
    window = desk
    qtbot.keyClick(
        window.question_view.rationale,
        Qt.Key.Key_K,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert lock_of(window).locked
    question = window.question_view.question
    qtbot.keyClick(window, Qt.Key.Key_1)  # would pick an answer on the page behind
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.question_view.question is question
    assert window.isVisible() and lock_of(window).locked
    window.close()  # no window closes while locked
    assert window.isVisible()


def test_a_dialog_open_at_the_lock_keeps_what_it_holds(qtbot: QtBot, desk: MainWindow) -> None:
    """A modal dialog cannot be hidden without ending it: its content is taken out instead,
    and its own lock page takes the passphrase; a window that is not modal is hidden."""
    window = desk
    side = QWidget()
    side.setWindowTitle(f"Notes on {INCIDENT}")
    qtbot.add_widget(side)
    side.show()
    dialog = QDialog(window)
    dialog.setWindowTitle(f"Handover for {INCIDENT}")
    field = QLineEdit()
    QVBoxLayout(dialog).addWidget(field)
    seen: dict[str, Any] = {}

    def at_the_desk() -> None:
        qtbot.keyClicks(field, "Crisis team will call back SYNTHETIC-88")
        window.lock_now()
        page = page_of(window)
        seen["page in dialog"] = dialog.isAncestorOf(page)
        behind = window.centralWidget()
        assert isinstance(behind, LockPage) and behind is not page
        seen["behind says where"] = behind.elsewhere.isVisible() and not behind.fields.isVisible()
        seen["field out"] = not dialog.isAncestorOf(field) and not field.isVisible()
        seen["side hidden"] = not side.isVisible()
        seen["title"] = dialog.windowTitle()
        seen["said"] = " | ".join(said_to_a_screen_reader())
        qtbot.keyClick(page.fields.secret, Qt.Key.Key_Escape)  # the dialog's Cancel, behind
        dialog.close()
        seen["still open"] = dialog.isVisible()
        unlock_as(qtbot, window, "H200", SECRETS["H200"])
        qtbot.waitUntil(field.isVisible)
        seen["side back"] = side.isVisible()
        dialog.accept()

    QTimer.singleShot(0, at_the_desk)
    assert dialog.exec() == QDialog.DialogCode.Accepted
    assert seen["page in dialog"] and seen["field out"] and seen["side hidden"]
    assert seen["behind says where"]
    assert INCIDENT not in seen["title"] and "SYNTHETIC-88" not in seen["said"]
    assert INCIDENT not in seen["said"]
    assert seen["still open"] and seen["side back"]
    assert field.text() == "Crisis team will call back SYNTHETIC-88"
    assert dialog.windowTitle() == f"Handover for {INCIDENT}"


def test_a_folder_without_accounts_has_no_lock(qtbot: QtBot, window: MainWindow) -> None:
    assert window.idle_lock is None and window.gate is None
    window.lock_now()
    assert "no accounts" in window.statusBar().currentMessage()
    assert not isinstance(window.centralWidget(), LockPage)


def test_settings_that_cannot_be_used_keep_the_window_closed(
    qtbot: QtBot,
    data_dir: Path,
    accounts: None,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import sys

    (data_dir / FILE_NAME).write_text("idle_lock_minutes = 0\n", encoding="utf-8")
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: told.append(text))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run() sets its own
    assert app.run(paths.forms_dir(), "rcrp-england", data_dir) == 1
    assert len(told) == 1 and "idle_lock_minutes" in told[0] and FILE_NAME in told[0]
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "idle_lock_minutes" in err


def test_a_hand_over_that_cannot_be_written_is_said_and_the_call_stays_held(
    qtbot: QtBot, desk: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk refuses the hand-over at the switch: one line says so, nothing of the record
    changes, what was typed stays, and the next person is told the call is not theirs."""
    from PySide6.QtWidgets import QMessageBox

    from rcrp_desktop.storage.errors import StorageError

    window = desk
    session = window.session
    assert session is not None
    type_unsaved_rationale(qtbot, window)
    before = window.store.events(session.record_id)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: said.append(text))

    def full(*args: object, **kwargs: object) -> None:
        raise StorageError("the disk is full (test)")

    writes = window.store.append
    monkeypatch.setattr(window.store, "append", full)
    window.lock_now()
    unlock_as(qtbot, window, "H201", SECRETS["H201"])
    monkeypatch.setattr(window.store, "append", writes)  # the disk has room again
    assert said == [
        f"Call {session.record_id} stays held by H200 Hana Handler: the disk is full (test)"
    ]
    assert window.store.events(session.record_id) == before
    assert session.recorder.holder == "H200 Hana Handler"
    qtbot.waitUntil(window.question_view.rationale.isVisible)
    assert window.question_view.rationale.toPlainText() == RATIONALE
    qtbot.keyClick(window.question_view.rationale, Qt.Key.Key_Return)
    assert window.question_view.error_label.text().startswith(
        f"Not saved: Call {session.record_id} is held by H200 Hana Handler"
    )
    assert window.store.events(session.record_id) == before
