"""The window and the record: saved means committed, failures keep the answer, calls resume."""

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from rcrp_desktop import app
from rcrp_desktop.domain.call import engine
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.errors import AlreadyRunningError
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.verify import verify
from rcrp_desktop.ui.main_window import MainWindow
from tests.ui.conftest import WindowFactory
from tests.ui.test_main_window import answer_by_keyboard, press, start_call, walk_window_to


def stored_answers(path: Path, record_id: int) -> list[tuple[str, str]]:
    """What a separate connection, opened now, reads from the file."""
    reader = sqlite3.connect(path)
    try:
        rows = reader.execute(
            "SELECT kind, payload FROM events WHERE record_id = ? "
            "AND kind IN ('answer', 'change') ORDER BY seq",
            [record_id],
        ).fetchall()
    finally:
        reader.close()
    return rows


def test_saved_is_only_shown_once_another_connection_can_read_it(
    make_window: WindowFactory, qtbot: QtBot, packs: dict[str, Pack], store: Store
) -> None:
    window = make_window(store)
    start_call(qtbot, window, "rcrp-england")
    session = window.session
    assert session is not None
    seen: list[int] = []
    session.committed.connect(
        lambda seq: seen.append(len(stored_answers(store.path, session.record_id)))
    )
    with qtbot.wait_signal(session.committed, timeout=2000):
        answer_by_keyboard(qtbot, window, "family", "")
    assert seen == [1]  # at the instant of "saved", the row was already readable
    assert "saved" in window.saved_label.text()
    assert "record 1" in window.saved_label.text().lower()


def test_a_whole_call_in_the_window_is_the_record(
    make_window: WindowFactory, qtbot: QtBot, packs: dict[str, Pack], store: Store
) -> None:
    window = make_window(store)
    start_call(qtbot, window, "rcrp-england")
    walk_window_to(qtbot, window, "sg_referral")
    answer_by_keyboard(qtbot, window, "not_needed", "No concern identified")
    session = window.session
    assert session is not None
    assert session.state.finished
    header = store.record(session.record_id)
    assert (header.incident_ref, header.handler) == ("INC-TEST-1", "PC 4821")
    payloads = [
        e.payload
        for e in store.events(session.record_id)
        if e.kind in ("answer", "change", "rationale", "decide")
    ]
    assert engine.replay(session.pack, payloads) == session.state
    assert verify(store) == []


def test_an_answer_that_cannot_be_saved_stays_on_screen_until_retried(
    make_window: WindowFactory, qtbot: QtBot, packs: dict[str, Pack], store: Store
) -> None:
    window = make_window(store)
    start_call(qtbot, window, "rcrp-england")
    answer_by_keyboard(qtbot, window, "family", "")
    view = window.question_view
    assert view.question is not None
    node = view.question.id
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")
    long_answer = "A long account from the caller. " * 600
    view.text_input.setText(long_answer)
    press(qtbot, window, Qt.Key.Key_Return)
    assert window.not_saved_bar.isVisible()
    assert "NOT SAVED" in window.not_saved.text()
    assert "full" in window.not_saved.text()
    assert "saved" not in window.saved_label.text().replace("NOT SAVED", "")
    assert window.saved_label.property("failed") == "yes"  # drawn red, never the saved green
    assert view.question.id == node  # still on the same question
    assert view.text_input.text() == long_answer  # nothing the handler typed is lost
    assert len(stored_answers(store.path, window.session.record_id)) == 1
    store.db.execute("PRAGMA max_page_count = 1073741823")
    press(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not window.not_saved_bar.isVisible()
    assert window.session.state.answers[node].value == long_answer.strip()
    assert len(stored_answers(store.path, window.session.record_id)) == 2


def test_leaving_with_an_unsaved_answer_asks_first(
    make_window: Callable[[Store], MainWindow],
    qtbot: QtBot,
    packs: dict[str, Pack],
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window(store)
    start_call(qtbot, window, "rcrp-england")
    store.db.execute("PRAGMA query_only = ON")
    answer_by_keyboard(qtbot, window, "family", "")
    assert window.not_saved_bar.isVisible()
    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox,
        "warning",
        lambda *args: asked.append(args[2]) or QMessageBox.StandardButton.Cancel,
    )
    window.close()
    assert asked
    assert "NOT been saved" in asked[0]
    assert window.isVisible()  # cancelled: the window stays, with the answer
    store.db.execute("PRAGMA query_only = OFF")


def test_unfinished_calls_are_offered_and_resume_exactly(
    make_window: WindowFactory, qtbot: QtBot, packs: dict[str, Pack], store: Store
) -> None:
    first = make_window(store)
    start_call(qtbot, first, "rcrp-england")
    walk_window_to(qtbot, first, "thr_life")
    assert first.session is not None
    state, record_id = first.session.state, first.session.record_id
    first.close()

    again = make_window(store)  # the app started again on the same data
    calls = again.start_page.calls
    assert calls.isVisible()
    assert calls.count() == 1
    assert f"Record {record_id}" in calls.item(0).text()
    press(qtbot, again, Qt.Key.Key_Return)
    assert again.session is not None
    assert again.session.record_id == record_id
    assert again.session.state == state
    assert again.question_view.question is not None
    assert again.question_view.question.id == "thr_life"


def test_a_second_copy_on_the_same_data_folder_is_refused(data_dir: Path) -> None:
    lock, store = app.open_records(data_dir, training=False)
    try:
        with pytest.raises(AlreadyRunningError, match="already running"):
            app.open_records(data_dir, training=False)
    finally:
        store.close()
        lock.release()


def test_training_mode_says_so_and_writes_to_the_training_file(
    make_window: WindowFactory, qtbot: QtBot, packs: dict[str, Pack], data_dir: Path
) -> None:
    lock, training = app.open_records(data_dir, training=True)
    try:
        window = make_window(training)
        assert "TRAINING" in window.windowTitle()
        assert window.training_banner.isVisible()
        start_call(qtbot, window, "rcrp-england")
        answer_by_keyboard(qtbot, window, "family", "")
        assert training.path == database_path(data_dir, "training")
        assert not database_path(data_dir, "live").exists()
    finally:
        training.close()
        lock.release()
