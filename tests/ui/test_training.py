"""A training scenario through the real window: caller panel, injects, time passing, debrief."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from rcrp_desktop.calls.commands import LetTimePass
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.pack.protocol import InputKind
from rcrp_desktop.domain.training.scenario import Scenario
from rcrp_desktop.domain.training.scenario_lint import load_scenarios
from rcrp_desktop.domain.training.scoring import Band
from rcrp_desktop.paths import forms_dir
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.training_runs import (
    CLOCK_NOTE,
    SCENARIO_NOTE,
    scenario_note,
    score_record,
)
from rcrp_desktop.ui.action_table import of
from rcrp_desktop.ui.dialogs import ChangeReasonDialog
from rcrp_desktop.ui.main_window import MainWindow
from rcrp_desktop.ui.training.caller_panel import INJECT_PREFIX
from rcrp_desktop.ui.training.controller import Trainer
from rcrp_desktop.ui.training.debrief_dialog import DebriefDialog
from rcrp_desktop.ui.training.start_dialog import ScenarioDialog
from rcrp_desktop.ui.training.trainer_view import TrainerView
from tests.ui.conftest import WindowFactory
from tests.ui.test_main_window import answer_by_keyboard, press

CTRL, SHIFT, ALT = (
    Qt.KeyboardModifier.ControlModifier,
    Qt.KeyboardModifier.ShiftModifier,
    Qt.KeyboardModifier.AltModifier,
)
TRAINEE = "PC 4521 Sam Example"


@pytest.fixture(scope="module")
def scenarios() -> dict[str, Scenario]:
    found, problems = load_scenarios(forms_dir() / "scenarios")
    assert problems == []
    return {s.id: s for s in found}


@pytest.fixture
def training_store(data_dir: Path) -> Iterator[Store]:
    opened = Store.open(database_path(data_dir, "training"), "training", busy_timeout_ms=100)
    yield opened
    opened.close()


@pytest.fixture
def trainer_window(make_window: WindowFactory, training_store: Store) -> MainWindow:
    return make_window(training_store)


def choose(monkeypatch: pytest.MonkeyPatch, scenario: Scenario, trainee: str = TRAINEE) -> None:
    """The trainer's choice in the start dialog."""
    monkeypatch.setattr(ScenarioDialog, "ask", classmethod(lambda cls, p, s: (scenario, trainee)))


def trainer_of(window: MainWindow) -> Trainer:
    return window.training.trainer


def start(qtbot: QtBot, window: MainWindow, monkeypatch: Any, scenario: Scenario) -> Trainer:
    choose(monkeypatch, scenario)
    press(qtbot, window, Qt.Key.Key_N, CTRL | SHIFT)
    trainer = trainer_of(window)
    assert trainer.run is not None
    assert window.session is not None and window.session.pack.id == scenario.pack.id
    return trainer


def change_by_keyboard(qtbot: QtBot, window: MainWindow, node: str, value: Any, why: str) -> None:
    """Back to `node` with Alt+Left, pick the new answer, rewrite the rationale, Enter."""
    for _ in range(60):
        question = window.question_view.question
        if window.call_stack.currentIndex() == 0 and question and question.id == node:
            break
        press(qtbot, window, Qt.Key.Key_Left, ALT)
    question = window.question_view.question
    assert question is not None and question.id == node
    assert question.input is InputKind.CHOICE
    press(qtbot, window, getattr(Qt.Key, f"Key_{question.values.index(value) + 1}"))
    press(qtbot, window, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is window.question_view.rationale
    press(qtbot, window, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(window.question_view.rationale, why)
    press(qtbot, window, Qt.Key.Key_Return)


def test_the_s136_scenario_end_to_end_scores_the_model_run_high_compliance(
    qtbot: QtBot,
    trainer_window: MainWindow,
    training_store: Store,
    scenarios: dict[str, Scenario],
    monkeypatch: pytest.MonkeyPatch,
    data_dir: Path,
    tmp_path: Path,
) -> None:
    window = trainer_window
    scenario = scenarios["s136-handover-past-an-hour"]
    trainer = start(qtbot, window, monkeypatch, scenario)
    run = trainer.run
    assert run is not None
    record = run.record_id
    panel = trainer.panel
    assert trainer.dock.isVisible()
    assert panel.briefing.text().startswith("Officers are at the place of safety")
    assert panel.shown() == [" ".join(scenario.caller[0].text.split())]  # only the first line

    change = next(s for s in scenario.model if s.action == "change")
    for step in scenario.model:
        if step.action != "answer":
            continue
        assert window.question_view.question is not None
        assert window.question_view.question.id == step.node
        answer_by_keyboard(qtbot, window, step.value, step.rationale)
    assert window.call_stack.currentIndex() == 1, "at the recommendation"
    assert len(panel.shown()) == 2, "the caller's line at s136_arrival came with the question"
    assert not any(line.startswith(INJECT_PREFIX) for line in panel.shown())

    # The officers ring back 7 minutes in: the trainer lets time pass to it.
    press(qtbot, window, Qt.Key.Key_T, CTRL | SHIFT)
    inject = scenario.inject("past_hour")
    assert inject is not None
    assert panel.shown()[-1] == INJECT_PREFIX + " ".join(inject.text.split())
    passed = [e.payload for e in training_store.events(record) if e.kind == CLOCK_NOTE]
    assert len(passed) == 1 and 400 < passed[0]["seconds"] <= 420
    assert "let pass" in panel.clock.text()

    monkeypatch.setattr(ChangeReasonDialog, "ask", classmethod(lambda cls, p, q: change.reason))
    change_by_keyboard(qtbot, window, change.node, change.value, change.rationale)
    while window.call_stack.currentIndex() == 0:  # the later answers carry forward
        press(qtbot, window, Qt.Key.Key_Return)
    assert window.session is not None
    assert window.session.recommendation().code == scenario.outcome.code
    press(qtbot, window, Qt.Key.Key_Return, CTRL)  # accept: the decision ends the scenario
    qtbot.waitUntil(lambda: trainer.debrief_dialog is not None, timeout=5000)
    dialog = trainer.debrief_dialog
    assert dialog is not None
    assert dialog.debrief.score.band is Band.HIGH_COMPLIANCE
    assert dialog.band.text() == "Band: HIGH COMPLIANCE"
    assert "Nowhere: every item was met" in dialog.body.toPlainText()
    assert "7 min" in dialog.body.toPlainText()  # the time let pass is said

    # The PDF from the debrief, built off the GUI thread.
    target = tmp_path / "debrief.pdf"
    monkeypatch.setattr(DebriefDialog, "ask_path", classmethod(lambda cls, p, s: target))
    qtbot.keyClick(dialog.body, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: dialog.saved is not None, timeout=10000)
    assert target.read_bytes().startswith(b"%PDF")

    # The run is in the training database only, and scores the same from there.
    events = training_store.events(record)
    note = next(e.payload for e in events if e.kind == SCENARIO_NOTE)
    assert note["scenario"] == scenario.id and note["trainee"] == TRAINEE
    assert score_record(training_store, record, scenarios.values()).band is Band.HIGH_COMPLIANCE
    assert training_store.record(record).mode == "training"
    live = database_path(data_dir, "live")
    if live.exists():
        opened = Store.open(live, "live", create=False, readonly=True)
        try:
            assert opened.recent(1000) == []
        finally:
            opened.close()


def test_a_scenario_is_refused_on_live_records(
    qtbot: QtBot,
    window: MainWindow,
    store: Store,
    scenarios: dict[str, Scenario],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: said.append(text))
    choose(monkeypatch, scenarios["late-overdose-disclosure"])
    press(qtbot, window, Qt.Key.Key_N, CTRL | SHIFT)
    assert said and "training database" in said[0] and "--training" in said[0]
    assert window.session is None
    assert store.recent(10) == []
    press(qtbot, window, Qt.Key.Key_L, CTRL | SHIFT)  # nor are runs listed from live records
    assert len(said) == 2


def test_the_window_is_watermarked_in_training_only(
    trainer_window: MainWindow, window: MainWindow
) -> None:
    watermark = trainer_window.training.watermark
    assert watermark.isVisible()
    assert watermark.geometry() == trainer_window.centralWidget().rect()
    assert watermark.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    assert watermark.focusPolicy() == Qt.FocusPolicy.NoFocus
    assert trainer_window.windowTitle().endswith("TRAINING")
    assert not hasattr(window.training, "watermark")


def test_a_partner_that_never_arrives_is_re_assessed_from_the_bar_on_the_scenario_clock(
    qtbot: QtBot,
    trainer_window: MainWindow,
    training_store: Store,
    scenarios: dict[str, Scenario],
    monkeypatch: pytest.MonkeyPatch,
    forms: list[dict[str, Any]],
) -> None:
    window = trainer_window
    scenario = scenarios["partner-never-arrives"]
    trainer = start(qtbot, window, monkeypatch, scenario)
    assert trainer.run is not None
    record = trainer.run.record_id
    for step in scenario.model:
        if step.action == "answer":
            answer_by_keyboard(qtbot, window, step.value, step.rationale)
    press(qtbot, window, Qt.Key.Key_Return, CTRL)  # accepted: but the scenario goes on
    QApplication.processEvents()
    assert trainer.debrief_dialog is None
    assert "not over" in trainer.panel.hint.text()
    forms.append(
        {
            "agency": "Testshire NHS Trust",
            "team": "Crisis Resolution Team",
            "contact": "Nurse B. Example",
            "status": "accepted",
            "reference": "CRT-1",
            "eta": "a call back within 30 minutes",
            "recheck_minutes": "15",
        }
    )
    press(qtbot, window, Qt.Key.Key_H, CTRL)
    assert not window.overdue_bar.isVisible()
    press(qtbot, window, Qt.Key.Key_T, CTRL | SHIFT)  # to the no-show, 9 minutes in
    assert trainer.panel.shown()[-1].startswith(INJECT_PREFIX + "(Forty minutes later.)")
    assert window.overdue_bar.isVisible(), "the partner has failed: re-assess from the bar"
    press(qtbot, window, Qt.Key.Key_R, CTRL | SHIFT)
    assert window.session is not None and window.session.record_id != record
    assert [e.kind for e in training_store.events(record)][-1] == "reassessment"
    assert trainer.run is not None and trainer.run.record_id == record, "still the same run"
    assert trainer.dock.isVisible()
    press(qtbot, window, Qt.Key.Key_B, CTRL | SHIFT)
    qtbot.waitUntil(lambda: trainer.debrief_dialog is not None, timeout=5000)
    dialog = trainer.debrief_dialog
    assert dialog is not None and dialog.debrief.record_id == record
    assert dialog.debrief.score.band is Band.HIGH_COMPLIANCE, dialog.body.toPlainText()


def test_a_run_resumed_from_the_start_page_gets_its_caller_panel_back(
    qtbot: QtBot,
    make_window: WindowFactory,
    training_store: Store,
    scenarios: dict[str, Scenario],
) -> None:
    scenario = scenarios["late-overdose-disclosure"]
    recorder = CallRecorder.start(
        training_store,
        scenario.pack,
        incident_ref="TRAINING x",
        user="PC 1",
        scenario=scenario_note(scenario, TRAINEE),
    )
    recorder.execute(LetTimePass(record_id=recorder.record_id, seconds=120))
    for step in scenario.model[:9]:
        recorder.answer(step.node, step.value, step.rationale)
    window = make_window(training_store)
    window.resume_call(recorder.record_id)
    trainer = trainer_of(window)
    trainer.tick()
    assert trainer.run is not None and trainer.run.record_id == recorder.record_id
    assert trainer.run.passed == 120
    assert trainer.panel.who.text() == f"Trainee: {TRAINEE}"
    assert len(trainer.panel.shown()) >= 3  # the lines its answers have reached
    press(qtbot, window, Qt.Key.Key_N, CTRL)  # an ordinary training call: no panel
    trainer.tick()
    assert trainer.run is None and not trainer.dock.isVisible()


def work(
    store: Store, scenario: Scenario, trainee: str, wrong: dict[str, Any] | None = None
) -> int:
    """A run stored as the window would store it, answered as the model run (or not)."""
    recorder = CallRecorder.start(
        store,
        scenario.pack,
        incident_ref="TRAINING",
        user="PC 1",
        scenario=scenario_note(scenario, trainee),
    )
    for step in scenario.model:
        state = recorder.state
        if step.action == "answer" and not state.finished and state.current == step.node:
            recorder.answer(step.node, (wrong or {}).get(step.node, step.value), step.rationale)
        elif step.action == "change" and step.node in state.answers:
            recorder.change(step.node, step.value, step.rationale, step.reason)
    return recorder.record_id


def test_the_trainer_view_lists_runs_by_trainee_opens_a_debrief_and_exports_csv(
    qtbot: QtBot,
    trainer_window: MainWindow,
    training_store: Store,
    scenarios: dict[str, Scenario],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    overdose = scenarios["late-overdose-disclosure"]
    work(training_store, overdose, "PC 4521 Sam Example")
    work(training_store, overdose, "PC 4521 Sam Example", wrong={"thr_life": "no"})
    other = work(training_store, scenarios["naloxone-walkout"], "PC 7002 Ash Sample")
    window = trainer_window
    press(qtbot, window, Qt.Key.Key_L, CTRL | SHIFT)
    view = trainer_of(window).trainer_dialog
    assert view is not None
    qtbot.waitUntil(lambda: view.table.rowCount() == 3, timeout=10000)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view, timeout=5000)
    shown = [[view.table.item(r, c).text() for c in range(6)] for r in range(3)]
    assert [row[0] for row in shown] == ["PC 4521 Sam Example"] * 2 + ["PC 7002 Ash Sample"]
    assert [row[3] for row in shown] == ["high compliance", "partial", "high compliance"]
    assert all(row[4].endswith(" s") for row in shown), "time to the urgent decision"
    assert shown[0][5] == "✓ Police deploy with a partner, Ambulance service"

    view.trainee.setFocus()
    qtbot.keyClick(view.trainee, Qt.Key.Key_End)  # the last trainee
    assert view.table.rowCount() == 1 and view.table.item(0, 0).text() == "PC 7002 Ash Sample"
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    trainer = trainer_of(window)
    qtbot.waitUntil(lambda: trainer.debrief_dialog is not None, timeout=5000)
    assert trainer.debrief_dialog is not None and trainer.debrief_dialog.debrief.record_id == other

    target = tmp_path / "runs.csv"
    monkeypatch.setattr(TrainerView, "ask_path", classmethod(lambda cls, p, s: target))
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view, timeout=5000)
    qtbot.keyClick(view.table, Qt.Key.Key_E, CTRL)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [(r["trainee"], r["scenario"], r["band"]) for r in rows] == [
        ("PC 7002 Ash Sample", "naloxone-walkout", "high compliance")
    ]
    assert "Exported 1 run(s)" in view.status.text()


def test_the_start_dialog_is_worked_by_keyboard_and_needs_a_trainee(
    qtbot: QtBot, scenarios: dict[str, Scenario]
) -> None:
    listed = list(scenarios.values())
    dialog = ScenarioDialog(None, listed)
    qtbot.add_widget(dialog)
    with qtbot.wait_active(dialog):
        dialog.show()
        dialog.activateWindow()
    assert QApplication.focusWidget() is dialog.choice
    qtbot.keyClick(dialog.choice, Qt.Key.Key_Down)
    assert dialog.chosen() is listed[1]
    assert dialog.briefing.text() == " ".join(listed[1].briefing.split())
    qtbot.keyClick(dialog.choice, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.trainee
    qtbot.keyClick(dialog.trainee, Qt.Key.Key_Return)
    assert dialog.isVisible() and "trainee" in dialog.error.text()
    qtbot.keyClicks(dialog.trainee, TRAINEE)
    qtbot.keyClick(dialog.trainee, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert_named(dialog)


def assert_named(top: QWidget) -> None:
    """Every control has a name a screen reader can say: its accessible name, or its text."""
    kinds = (QAbstractButton, QLineEdit, QAbstractItemView, QAbstractSpinBox, QComboBox)
    for control in top.findChildren(QWidget):
        inside = control.objectName().startswith("qt_")  # a part of a control, e.g. a spin box
        if isinstance(control, kinds) and control.isVisibleTo(top) and not inside:
            text = control.text() if isinstance(control, QAbstractButton) else ""
            assert control.accessibleName() or text, control.objectName() or repr(control)


def test_f1_lists_the_trainers_keys_and_every_training_control_is_named(
    qtbot: QtBot,
    trainer_window: MainWindow,
    scenarios: dict[str, Scenario],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rcrp_desktop.ui.shortcuts import ShortcutsDialog

    shown: list[str] = []
    monkeypatch.setattr(
        ShortcutsDialog, "exec", lambda dialog: shown.append(dialog.text.toPlainText()) or 0
    )
    press(qtbot, trainer_window, Qt.Key.Key_F1)
    for act in of("training"):
        assert act.shown_keys in shown[0] and act.help in shown[0]
    trainer = start(qtbot, trainer_window, monkeypatch, scenarios["naloxone-walkout"])
    assert_named(trainer.panel)
    press(qtbot, trainer_window, Qt.Key.Key_M, CTRL | SHIFT)
    assert QApplication.focusWidget() is trainer.panel.minutes
    press(qtbot, trainer_window, Qt.Key.Key_B, CTRL | SHIFT)
    qtbot.waitUntil(lambda: trainer.debrief_dialog is not None, timeout=5000)
    assert trainer.debrief_dialog is not None
    assert_named(trainer.debrief_dialog)


def test_a_scenario_that_cannot_be_started_waits_and_starts_whole_when_saved(
    qtbot: QtBot,
    trainer_window: MainWindow,
    training_store: Store,
    scenarios: dict[str, Scenario],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = trainer_window
    scenario = scenarios["late-overdose-disclosure"]
    choose(monkeypatch, scenario)
    training_store.db.execute("PRAGMA query_only = ON")
    press(qtbot, window, Qt.Key.Key_N, CTRL | SHIFT)
    trainer = trainer_of(window)
    assert trainer.run is None and window.session is None
    assert f"TRAINING {scenario.id}" in window.not_saved.text()
    assert training_store.recent(10) == []  # no record without its scenario note
    training_store.db.execute("PRAGMA query_only = OFF")
    press(qtbot, window, Qt.Key.Key_S, CTRL)
    assert trainer.run is not None and window.session is not None
    assert trainer.run.record_id == window.session.record_id
    assert trainer.panel.who.text() == f"Trainee: {TRAINEE}"
    kinds = [e.kind for e in training_store.events(trainer.run.record_id)]
    assert kinds[:3] == ["created", SCENARIO_NOTE, "question_shown"]
    # Time let pass that cannot be saved waits, and counts only once it is saved.
    training_store.db.execute("PRAGMA query_only = ON")
    press(qtbot, window, Qt.Key.Key_T, CTRL | SHIFT)
    assert trainer.run.passed == 0
    assert "the scenario time passing" in window.not_saved.text()
    training_store.db.execute("PRAGMA query_only = OFF")
    press(qtbot, window, Qt.Key.Key_S, CTRL)
    assert trainer.run.passed > 0 and not window.not_saved_bar.unsaved
    clock = [e for e in training_store.events(trainer.run.record_id) if e.kind == CLOCK_NOTE]
    assert len(clock) == 1 and clock[0].payload["seconds"] == trainer.run.passed
