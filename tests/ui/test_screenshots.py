"""Every screen of a call, saved as a picture to look at ($RCRP_ARTIFACTS/screens)."""

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.ui.dialogs.forms import Field, FormDialog
from rcrp_desktop.ui.theme import apply_theme
from tests.artifacts import artifacts
from tests.ui.conftest import WindowFactory
from tests.ui.test_main_window import answer_by_keyboard, press, start_call

SCREENS = artifacts("screens")
PREFIX = [""]  # the theme and size of the pictures being taken


def snap(widget: Any, name: str) -> Path:
    SCREENS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    path = SCREENS / f"{PREFIX[0]}{name}.png"
    assert widget.grab().save(str(path)), name
    return path


@pytest.mark.parametrize("theme", ["light", "dim"])
@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["1366x768", "1920x1080"])
def test_every_screen_of_a_call(
    qtbot: QtBot,
    make_window: WindowFactory,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    theme: str,
    size: tuple[int, int],
) -> None:
    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    apply_theme(theme)  # look as the app looks
    PREFIX[0] = f"{theme}-{size[0]}x{size[1]}-"
    window = make_window(store)
    window.resize(*size)
    shots = [snap(window, "01-start")]
    script = load_script(examples_dir() / "welfare-crisis-team.json")
    start_call(qtbot, window, script.pack)
    for step in script.steps:
        if step.node == "thr_crime":
            shots.append(snap(window, "02-threshold-question"))
            press(qtbot, window, Qt.Key.Key_1)  # preview: "yes" selected, not yet saved
            shots.append(snap(window, "03-urgent-preview"))
        answer_by_keyboard(qtbot, window, step.answer, step.rationale)
    shots.append(snap(window, "04-recommendation"))
    press(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    shots.append(snap(window, "05-decision-and-blockers"))

    dialogs: list[FormDialog] = []

    def show_form(
        cls: type, parent: Any, title: str, intro: str, fields: list[Field], check: Any = None
    ) -> None:
        dialog = FormDialog(parent, title, intro, fields, check)
        dialog.resize(640, 560)
        dialogs.append(dialog)
        return None  # cancelled: only looked at

    monkeypatch.setattr(FormDialog, "ask", classmethod(show_form))
    press(qtbot, window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    shots.append(snap(dialogs[-1], "06-handover-form"))
    press(qtbot, window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    shots.append(snap(dialogs[-1], "07-caller-told-form"))

    monkeypatch.setattr(
        FormDialog,
        "ask",
        classmethod(lambda cls, *args: {"resource": "Unit 7", "grade": "priority"}),
    )
    store.db.execute("PRAGMA query_only = ON")  # the database refuses: NOT SAVED
    press(qtbot, window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.not_saved_bar.isVisible()
    shots.append(snap(window, "08-not-saved"))
    store.db.execute("PRAGMA query_only = OFF")
    press(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not window.not_saved_bar.isVisible()
    press(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    panel = window.records_panel
    assert panel is not None
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0)  # this call, found
    shots.append(snap(window, "09-find"))
    press(qtbot, window, Qt.Key.Key_Escape)
    from rcrp_desktop.ui.shortcuts import ShortcutsDialog

    shortcuts = ShortcutsDialog(window)
    qtbot.add_widget(shortcuts)
    shots.append(snap(shortcuts, "10-f1-shortcuts"))
    assert all(path.stat().st_size > 10_000 for path in shots)
    for path in shots:
        print(path)
