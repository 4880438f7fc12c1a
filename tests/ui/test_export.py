"""Export… from the window: the recipient offered, built off the GUI thread, recorded, opened."""

import hashlib
import threading
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from rcrp_desktop.export import handover
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.ui import export_flow
from rcrp_desktop.ui.main_window import MainWindow
from tests.ui.test_main_window import press
from tests.ui.test_workflow import CTRL, play

HANDED_OVER = {
    "agency": "Testshire NHS Trust",
    "team": "Crisis Resolution Team",
    "contact": "Nurse B. Example",
    "status": "accepted",
    "reference": "CRT-1",
    "eta": "within 2 hours",
}


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    shown: list[Path] = []
    monkeypatch.setattr(export_flow, "open_document", shown.append)
    return shown


def handed_over_call(qtbot: QtBot, window: MainWindow, forms: list[dict[str, Any]]) -> int:
    play(qtbot, window, "welfare-crisis-team.json")
    press(qtbot, window, Qt.Key.Key_Return, CTRL)  # accept
    forms.append(HANDED_OVER)
    press(qtbot, window, Qt.Key.Key_H, CTRL)
    assert window.session is not None
    return window.session.record_id


def exported_events(store: Store, record_id: int) -> list[dict[str, Any]]:
    return [e.payload for e in store.events(record_id) if e.kind == "exported"]


def test_ctrl_e_builds_the_pdf_off_the_gui_thread_records_it_and_opens_it(
    qtbot: QtBot,
    window: MainWindow,
    store: Store,
    forms: list[dict[str, Any]],
    opened: list[Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record = handed_over_call(qtbot, window, forms)
    target = tmp_path / "out" / "handover"
    target.parent.mkdir()
    monkeypatch.setattr(export_flow, "ask_pdf_path", lambda parent, suggested: target)
    threads: list[threading.Thread] = []
    real = export_flow.build_handover_pdf

    def build(*args: Any, **kwargs: Any) -> handover.Built:
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(export_flow, "build_handover_pdf", build)
    offered: list[Any] = []

    def answer(cls: type, parent: object, title: str, intro: str, fields: list[Any]) -> Any:
        offered.extend(fields)
        return {
            "recipient": "crisis_team",
            "form": "pdf",
            "marking": "OFFICIAL-SENSITIVE",
            "redact": False,
            "lawful_basis": "",
        }

    monkeypatch.setattr(export_flow.FormDialog, "ask", classmethod(answer))
    press(qtbot, window, Qt.Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: bool(opened), timeout=20000)

    assert threads and threads[0] is not threading.main_thread()
    recipients = next(f for f in offered if f.name == "recipient")
    assert recipients.choices[0][0] == "crisis_team"  # the handover's partner comes first
    saved = target.with_suffix(".pdf")
    assert opened == [saved]
    data = saved.read_bytes()
    [event] = exported_events(store, record)
    assert event["recipient"] == "crisis_team"
    assert event["sha256"] == hashlib.sha256(data).hexdigest()
    assert event["agency"] == "Testshire NHS Trust, Crisis Resolution Team"
    text = "\n".join(page.extract_text() for page in PdfReader(saved).pages)
    assert "OFFICIAL-SENSITIVE" in text and "Nurse B. Example" in text
    assert "saved" in window.statusBar().currentMessage()
    assert "xport" in window.call_page.closure.notes.text()  # the panel lists the export


def test_plain_text_goes_to_the_clipboard_and_is_recorded(
    qtbot: QtBot,
    window: MainWindow,
    store: Store,
    forms: list[dict[str, Any]],
    opened: list[Path],
) -> None:
    record = handed_over_call(qtbot, window, forms)
    forms.append({"recipient": "crisis_team", "form": "text", "redact": True})
    press(qtbot, window, Qt.Key.Key_E, CTRL)
    copied = QApplication.clipboard().text()
    assert "Nurse B. Example" in copied
    [event] = exported_events(store, record)
    assert event["document"] == handover.TEXT
    assert event["redacted"]
    assert event["sha256"] == hashlib.sha256(copied.encode("utf-8")).hexdigest()
    assert not opened


def test_a_cancelled_export_records_nothing(
    qtbot: QtBot,
    window: MainWindow,
    store: Store,
    forms: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record = handed_over_call(qtbot, window, forms)
    monkeypatch.setattr(export_flow.FormDialog, "ask", classmethod(lambda *a: None))
    press(qtbot, window, Qt.Key.Key_E, CTRL)
    assert exported_events(store, record) == []


def test_a_pdf_that_cannot_be_written_is_said_and_nothing_is_recorded(
    qtbot: QtBot,
    window: MainWindow,
    store: Store,
    forms: list[dict[str, Any]],
    opened: list[Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record = handed_over_call(qtbot, window, forms)
    missing = tmp_path / "no-such-folder" / "handover.pdf"
    monkeypatch.setattr(export_flow, "ask_pdf_path", lambda parent, suggested: missing)
    forms.append({"recipient": "crisis_team", "form": "pdf"})
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: said.append(text))
    press(qtbot, window, Qt.Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: bool(said), timeout=20000)
    assert said[0].startswith("No handover was made")
    assert exported_events(store, record) == []
    assert not opened and not missing.exists()
