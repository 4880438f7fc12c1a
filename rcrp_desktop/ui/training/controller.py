"""The trainer in the window: starts a scenario run, keeps its caller panel and scenario clock.

A run is a record in the training database holding the scenario note; the trainee works it
in the ordinary window. Once a second, and after every answer, the caller panel asks the
scenario (`lines_due`, `injects_due`) what the caller has said by now and adds what it has not
shown yet; what it has shown stays. The scenario clock is the time since the record was made
plus any time the trainer let pass (Ctrl+Shift+T). Letting time pass is recorded in the run as
a `training_clock` event with its seconds, at the real time it was done: the record's times stay
real, and the scoring and the debrief count the time let pass, saying so.

Partner re-check times in training run on the same clock, so a partner can fail to confirm
within a session; and once an inject calling for re-assessment has come up while the run's
handover is unconfirmed, the overdue bar offers the re-assessment (Ctrl+Shift+R) from then.
"""

import math
from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QDockWidget, QMessageBox

from rcrp_desktop import APP_TITLE, paths
from rcrp_desktop.calls.commands import LetTimePass, StartCall
from rcrp_desktop.calls.errors import StorageError
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.calls.training_run import (
    ScenarioRun,
    overdue_on_clock,
    resumed_run,
    scenario_note,
    when,
)
from rcrp_desktop.domain.errors import Error
from rcrp_desktop.domain.training.scenario import Scenario, injects_due, lines_due
from rcrp_desktop.domain.training.scenario_lint import load_scenarios
from rcrp_desktop.ui.training.caller_panel import CallerPanel, clock_text

if TYPE_CHECKING:
    from rcrp_desktop.ui.session import CallSession
    from rcrp_desktop.ui.training.debrief_dialog import DebriefDialog
    from rcrp_desktop.ui.training.trainer_view import TrainerView
    from rcrp_desktop.ui.window_host import WindowHost

TICK_MS = 1000
PANEL_WIDTH = 340
CALL_PAGE_SHARES = (0.2, 0.5, 0.3)  # progress, question, guidance: as the page has them alone


class Trainer(QObject):
    """One window's trainer: the scenarios, the run in progress and its caller panel."""

    def __init__(self, window: "WindowHost") -> None:
        super().__init__(window)
        self._scenarios: list[Scenario] | None = None
        self.problems: list[str] = []
        self.run: ScenarioRun | None = None
        self._session: CallSession | None = None
        self.panel = CallerPanel()
        self.panel.time_passes.clicked.connect(self.time_passes)
        self.panel.time_passes.setEnabled(not window.read_only)  # letting time pass is recorded
        self.panel.debrief.clicked.connect(self.debrief)
        self.dock = QDockWidget("Caller · training scenario", window)
        self.dock.setObjectName("callerDock")
        self.dock.setAccessibleName("Caller panel")
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.dock.setWidget(self.panel)
        self.dock.setMinimumWidth(PANEL_WIDTH - 60)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self.debrief_dialog: DebriefDialog | None = None
        self.trainer_dialog: TrainerView | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        # Partner ETAs in training run on the scenario clock (see the module docstring).
        window.overdue_timer.timeout.disconnect(window.check_overdue)
        window.overdue_timer.timeout.connect(self.check_overdue)

    @property
    def window(self) -> "WindowHost":
        """The window, as this object's Qt parent: no Python reference cycle keeps it alive."""
        return cast("WindowHost", self.parent())

    @property
    def scenarios(self) -> list[Scenario]:
        """The shipped scenarios that fit their packs, loaded once."""
        if self._scenarios is None:
            forms = paths.forms_dir()
            scenarios, problems = load_scenarios(forms / "scenarios", forms)
            self._scenarios = scenarios
            self.problems = [str(p) for p in problems]
        return self._scenarios

    # The actions (ui/training/actions.py calls these once the records are the training ones).
    @Slot()
    def start_scenario(self) -> None:
        window = self.window
        if not window.not_saved_bar.may_leave():
            return
        from rcrp_desktop.ui.training.start_dialog import ScenarioDialog

        if not self.scenarios:
            QMessageBox.warning(window, APP_TITLE, self._no_scenarios())
            return
        chosen = ScenarioDialog.ask(window, self.scenarios)
        if chosen is None:
            return
        scenario, trainee = chosen
        pack = window.find_pack(scenario.pack.id, scenario.pack.version, scenario.pack.content_hash)
        if pack is None:
            QMessageBox.warning(
                window,
                APP_TITLE,
                f"Scenario '{scenario.id}' is written for {scenario.pack.id} "
                f"{scenario.pack.version}, which is not the pack loaded here.",
            )
            return
        # The record and its scenario note in one transaction: a run is never half made. If
        # it cannot be made now, the start waits in the NOT SAVED bar (Ctrl+S).
        window.not_saved_bar.start(
            StartCall(
                pack=pack,
                incident_ref=f"TRAINING {scenario.id}",
                scenario=scenario_note(scenario, trainee),
            )
        )

    def run_started(self, command: StartCall, recorder: CallRecorder) -> None:
        """A scenario run's record is made: its caller panel and clock start, and it opens."""
        note = command.scenario or {}
        scenario = next((s for s in self.scenarios if s.content_hash == note.get("sha256")), None)
        window = self.window
        if scenario is None:  # the scenario file changed while the start waited
            window._open_session(recorder)
            window.statusBar().showMessage(
                "The scenario's file changed before its run was saved: no caller panel.", 15000
            )
            return
        trainee = str(note.get("trainee", ""))
        self._begin(ScenarioRun(scenario, recorder, trainee, recorder_created(recorder)))
        window.pack_choice.setCurrentIndex(max(0, window.pack_choice.findData(command.pack.id)))
        window._open_session(recorder)
        QTimer.singleShot(
            0, self, self._share_the_width
        )  # once the page is laid out beside the panel
        self.tick()

    @Slot()
    def time_passes(self) -> None:
        run = self.run
        if run is None:
            self.window.statusBar().showMessage("No training scenario is running.", 5000)
            return
        recorder = self._run_recorder(run)
        due = run.next_due(datetime.now(UTC), recorder)
        # To the next thing the clock brings, exactly, so that nothing is revealed later on
        # the scenario clock than the scenario says; with nothing to come, the panel's minutes.
        seconds = max(1, math.ceil(due)) if due is not None else self.panel.minutes.value() * 60
        command = LetTimePass(record_id=recorder.record_id, seconds=seconds)
        if self.window.send_to(recorder, command) is not None:
            self.window.statusBar().showMessage(
                f"Scenario time passed: {clock_text(seconds)} (recorded as training time).", 8000
            )
            self.tick()
            self.check_overdue()

    @Slot()
    def minutes(self) -> None:
        if self.run is not None:
            self.panel.minutes.setFocus()
            self.panel.minutes.selectAll()

    @Slot()
    def debrief(self) -> None:
        """The debrief of the run in progress (or of the last one)."""
        if self.run is None:
            self.window.statusBar().showMessage("No training scenario has been run.", 5000)
            return
        self.run.debriefed = True
        self.show_debrief(self.run.record_id)
        self._show_hint()

    def show_debrief(self, record_id: int) -> None:
        from rcrp_desktop.export.debrief_pdf import debrief_of
        from rcrp_desktop.ui.training.debrief_dialog import DebriefDialog

        try:
            debrief = debrief_of(self.window.store, record_id, self.scenarios)
        except (Error, StorageError) as error:
            QMessageBox.warning(self.window, APP_TITLE, f"No debrief: {error}")
            return
        if self.debrief_dialog is not None:
            self.debrief_dialog.close()
        dialog = self.debrief_dialog = DebriefDialog(self.window, debrief)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda: setattr(self, "debrief_dialog", None))
        dialog.show()
        dialog.activateWindow()

    @Slot()
    def trainer_view(self) -> None:
        from rcrp_desktop.calls import gate as gates
        from rcrp_desktop.ui.training.trainer_view import TrainerView

        try:  # the trainees' runs and scores: a trainer's, refused (and logged) to others
            gates.require(self.window.store, "training.scenarios")
        except StorageError as error:
            QMessageBox.warning(self.window, APP_TITLE, str(error))
            return
        gates.log(self.window.store, "training runs read", "the trainer's view")
        if self.trainer_dialog is None:
            view = self.trainer_dialog = TrainerView(
                self.window, self.window.store.path, self.scenarios
            )
            view.debrief_requested.connect(self.show_debrief)
        self.trainer_dialog.refresh()
        self.trainer_dialog.show()
        self.trainer_dialog.activateWindow()

    # Keeping the panel up to date.
    @Slot()
    def tick(self) -> None:
        session = self.window.session
        if session is not self._session:
            self._session = session
            if session is not None:
                session.changed.connect(self.tick)
                self._follow(session)
        run = self.run
        if run is None:
            return
        state = self._run_recorder(run).state
        now = datetime.now(UTC)
        elapsed = run.elapsed(now)
        due = {id(line) for line in lines_due(run.scenario, state, elapsed)}
        for index, line in enumerate(run.scenario.caller):
            if id(line) in due and index not in run.lines:
                run.lines.add(index)
                self.panel.add_line(line.text)
        for inject in injects_due(run.scenario, state, elapsed):
            if inject.id not in run.injects:
                run.injects[inject.id] = now
                self.panel.add_inject(inject.text)
                self.window.statusBar().showMessage(
                    "New information from the caller: see the caller panel.", 10000
                )
                if inject.reassess:
                    self.check_overdue()
        self.panel.show_clock(elapsed, run.passed, run.next_due(now, self._run_recorder(run)))
        if session is not None and session.record_id in run.records:
            decided = run.decided_now(session.recorder)
            if decided and not run.waiting() and not run.debriefed:
                run.debriefed = True  # once by itself; Ctrl+Shift+B shows it again
                QTimer.singleShot(0, self, lambda: self.show_debrief(run.record_id))
        self._show_hint()

    def _show_hint(self) -> None:
        run = self.run
        if run is None:
            return
        if run.debriefed:
            text = "Debriefed. Ctrl+Shift+B shows the debrief again; Ctrl+Shift+N starts another."
        elif run.waiting():
            text = (
                "The scenario is not over: time passes on it (Ctrl+Shift+T). "
                "End the run at any time with Ctrl+Shift+B."
            )
        else:
            text = "The debrief opens when the call is decided or closed (or press Ctrl+Shift+B)."
        self.panel.hint.setText(text)

    def _begin(self, run: ScenarioRun) -> None:
        self.run = run
        self.panel.start(run.scenario.title, run.trainee, run.scenario.briefing)
        if not self.dock.isVisible():
            self.dock.show()
            self.window.resizeDocks([self.dock], [PANEL_WIDTH], Qt.Orientation.Horizontal)
        self.check_overdue()

    def _share_the_width(self) -> None:
        """The call page keeps its progress and guidance columns beside the caller panel."""
        page = self.window.call_page
        total = sum(page.sizes())
        if total:
            page.setSizes([round(total * share) for share in CALL_PAGE_SHARES])

    def _follow(self, session: "CallSession") -> None:
        """A call opened: the run's own record, one linked from it, or another call."""
        run = self.run
        if run is not None and session.record_id in run.records:
            return
        try:
            events = self.window.store.events(session.record_id)
        except StorageError:
            return
        linked = next((e.payload.get("previous") for e in events if e.kind == "linked"), None)
        if run is not None and linked in run.records:
            run.records.add(session.record_id)  # a re-assessment of the run: same scenario
            return
        resumed = resumed_run(events, session.recorder, self.scenarios)
        if resumed is None:
            self.run = None
            self.dock.hide()
            return
        self._begin(resumed)
        QTimer.singleShot(0, self, self._share_the_width)

    def _run_recorder(self, run: ScenarioRun) -> CallRecorder:
        """The recorder of the run's record: the window's own while it is on screen."""
        session = self.window.session
        if session is not None and session.record_id == run.record_id:
            run.recorder = session.recorder
        return run.recorder

    @Slot()
    def check_overdue(self) -> None:
        """Partners not confirmed by their re-check time, on the scenario clock."""
        window = self.window
        if not window.records_open or window.read_only:  # as the window's own (call_actions.py)
            return
        run = self.run
        try:
            recorder = self._run_recorder(run) if run is not None else None
            window.overdue_bar.show_overdue(overdue_on_clock(window.store, run, recorder))
        except StorageError as error:
            window.statusBar().showMessage(f"Could not check partner ETAs: {error}", 10000)

    def _no_scenarios(self) -> str:
        text = f"No training scenarios could be loaded from {paths.forms_dir() / 'scenarios'}."
        return text + ("\n\n" + "\n".join(self.problems[:10]) if self.problems else "")


def recorder_created(recorder: CallRecorder) -> datetime:
    """When the record was made: the scenario clock's zero."""
    return when(recorder.store.record(recorder.record_id).created_utc)
