"""Who works an open call, at the window: a handler who opens a call someone else holds is told
so and cannot save an answer to it, nor take it over; a supervisor takes it over with
Ctrl+Shift+O, saying why, and works it from then on."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from rcrp_desktop.calls import gate as gates
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.storage.accounts import TEST
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.ui.dialogs.reading import ReasonDialog, may_open
from rcrp_desktop.ui.main_window import MainWindow
from tests.ui.signed_in import SignedWindow, log, make_accounts, signed_window_factory, stamp

WHY_OPEN = "The caller's GP rang back about the same person."
WHY_TAKE = "H200 has left the desk unwell; the call must be finished now."


@pytest.fixture(autouse=True)
def cheap_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gates, "COST", TEST)  # never the production cost in tests


@pytest.fixture
def signed_window(qtbot: QtBot, data_dir: Path, packs: dict[str, Pack]) -> Iterator[SignedWindow]:
    make_accounts(data_dir)
    opened: list[gates.Gate] = []
    yield signed_window_factory(qtbot, data_dir, packs, opened)
    for gate in opened:
        gate.access.store.close()


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str, bool]]:
    """The reason dialog answered (why open, or why take over); what it was asked."""
    seen: list[tuple[int, str, bool]] = []

    def ask(
        cls: type, parent: object, record_id: int, taken_by: str, *, taking_over: bool = False
    ) -> str:
        seen.append((record_id, taken_by, taking_over))
        return WHY_TAKE if taking_over else WHY_OPEN

    monkeypatch.setattr(ReasonDialog, "ask", classmethod(ask))
    return seen


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []
    for name in ("information", "warning"):
        monkeypatch.setattr(QMessageBox, name, lambda parent, title, text, *a: said.append(text))
    return said


def held_by_h200(store: Store, england: Pack) -> int:
    return CallRecorder.start(store, england, incident_ref="INC-HELD", user=stamp("H200")).record_id


def opened(window: MainWindow, store: Store, record: int) -> None:
    """Opened as from Find: why asked (someone else took it), then the call resumed."""
    assert may_open(window, store, record)
    window.resume_call(record)
    assert window.session is not None and window.session.record_id == record


def take_over_key(qtbot: QtBot, window: MainWindow) -> None:
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_O, modifiers)


def test_a_handler_opening_a_call_someone_else_holds_is_told_and_saves_nothing(
    qtbot: QtBot,
    data_dir: Path,
    store: Store,
    england: Pack,
    signed_window: SignedWindow,
    asked: list[tuple[int, str, bool]],
    told: list[str],
) -> None:
    record = held_by_h200(store, england)
    window = signed_window(store, "H201")
    opened(window, store, record)
    said = window.statusBar().currentMessage()
    assert said.startswith("You can read this call; only H200 Hana Handler works it.")
    assert window.saved_label.text() == f"Record {record}: held by H200"
    before = len(store.events(record))
    window.on_submitted("12 Example Street", "")
    assert window.question_view.error_label.text().startswith(
        f"Not saved: Call {record} is held by H200 Hana Handler"
    )
    take_over_key(qtbot, window)
    assert len(told) == 1
    assert told[0].startswith("Not permitted: take over a call another handler left open")
    assert [a for a in asked if a[2]] == []  # never asked why: refused first
    assert len(store.events(record)) == before
    assert ("H201", "refused", "call.unlock", 0) in log(data_dir)


def test_a_supervisor_takes_over_with_ctrl_shift_o_saying_why_and_works_the_call(
    qtbot: QtBot,
    data_dir: Path,
    store: Store,
    england: Pack,
    signed_window: SignedWindow,
    asked: list[tuple[int, str, bool]],
) -> None:
    record = held_by_h200(store, england)
    window = signed_window(store, "S300")
    opened(window, store, record)
    take_over_key(qtbot, window)
    assert asked == [(record, "H200 Hana Handler", False), (record, "H200 Hana Handler", True)]
    taken = store.events(record)[-1]
    assert (taken.kind, taken.user) == ("taken_over", stamp("S300"))
    assert taken.payload["reason"] == WHY_TAKE and taken.payload["how"] == "supervisor"
    assert ("S300", "break-glass", f"call.unlock: {WHY_TAKE}", record) in log(data_dir)
    assert window.statusBar().currentMessage() == (
        f"Call {record} taken over: you work it from now on."
    )
    window.on_submitted("12 Example Street", "")
    assert window.question_view.error_label.text() == ""
    assert store.events(record)[-1].user == stamp("S300")
    assert [e.kind for e in store.events(record)][-2:] == ["answer", "question_shown"]
