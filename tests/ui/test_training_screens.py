"""Trainer mode's screens saved as pictures to look at ($RCRP_ARTIFACTS/screens/training-*.png)."""

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rcrp_desktop.domain.training.scenario import Scenario
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.ui.dialogs import ChangeReasonDialog
from rcrp_desktop.ui.theme import apply_theme
from rcrp_desktop.ui.training.start_dialog import ScenarioDialog
from tests.ui.conftest import WindowFactory
from tests.ui.test_main_window import answer_by_keyboard, press
from tests.ui.test_screenshots import PREFIX, snap
from tests.ui.test_training import (
    CTRL,
    SHIFT,
    change_by_keyboard,
    choose,
    scenarios,
    trainer_of,
    training_store,
    work,
)

__all__ = ["scenarios", "training_store"]  # fixtures, used by name


@pytest.mark.parametrize("theme", ["light", "dim"])
@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["1366x768", "1920x1080"])
def test_every_training_screen(
    theme: str,
    size: tuple[int, int],
    qtbot: QtBot,
    make_window: WindowFactory,
    training_store: Store,
    scenarios: dict[str, Scenario],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    apply_theme(theme)
    PREFIX[0] = f"{theme}-{size[0]}x{size[1]}-"
    work(training_store, scenarios["late-overdose-disclosure"], "PC 7002 Ash Sample")
    work(
        training_store,
        scenarios["late-overdose-disclosure"],
        "PC 7002 Ash Sample",
        wrong={"thr_life": "no"},
    )
    window = make_window(training_store)
    window.resize(*size)
    shots = [snap(window, "training-01-start-watermark")]

    picker = ScenarioDialog(window, list(scenarios.values()))
    picker.choice.setCurrentRow(
        [s.id for s in picker.scenarios].index("s136-handover-past-an-hour")
    )
    picker.trainee.setText("PC 4521 Sam Example")
    shots.append(snap(picker, "training-02-choose-scenario"))
    picker.deleteLater()

    scenario = scenarios["s136-handover-past-an-hour"]
    choose(monkeypatch, scenario)
    press(qtbot, window, Qt.Key.Key_N, CTRL | SHIFT)
    trainer = trainer_of(window)
    change = next(s for s in scenario.model if s.action == "change")
    for step in scenario.model:
        if step.action == "answer":
            if step.node == "s136_handover":
                shots.append(snap(window, "training-03-caller-panel"))
            answer_by_keyboard(qtbot, window, step.value, step.rationale)
    press(qtbot, window, Qt.Key.Key_T, CTRL | SHIFT)
    shots.append(snap(window, "training-04-inject-after-time-passed"))
    monkeypatch.setattr(ChangeReasonDialog, "ask", classmethod(lambda cls, p, q: change.reason))
    change_by_keyboard(qtbot, window, change.node, change.value, change.rationale)
    while window.call_stack.currentIndex() == 0:
        press(qtbot, window, Qt.Key.Key_Return)
    press(qtbot, window, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: trainer.debrief_dialog is not None, timeout=5000)
    shots.append(snap(window, "training-05-decided"))
    shots.append(snap(trainer.debrief_dialog, "training-06-debrief"))
    trainer.debrief_dialog.close()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    press(qtbot, window, Qt.Key.Key_L, CTRL | SHIFT)
    view: Any = trainer.trainer_dialog
    qtbot.waitUntil(lambda: view.table.rowCount() == 3, timeout=10000)
    shots.append(snap(view, "training-07-trainer-view"))
    qtbot.waitUntil(lambda: trainer.debrief_dialog is None, timeout=5000)
    qapp.setStyleSheet("")
    assert all(path.stat().st_size > 10_000 for path in shots)
    for path in shots:
        print(path)


def test_no_training_marks_on_live_records(make_window: WindowFactory, store: Store) -> None:
    window = make_window(store)
    path: Path = snap(window, "training-08-live-has-no-watermark")
    assert path.exists()
    assert window.findChild(object, "trainingWatermark") is None
    assert window.findChild(object, "callerDock") is None
