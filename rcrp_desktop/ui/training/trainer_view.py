"""The trainer's view: each trainee's runs over time, filtered by trainee, debriefed, exported.

The runs are read and scored on a pool thread with a read-only connection of its own
(ui/tasks.py); Enter opens the selected run's debrief, Ctrl+E saves the rows shown as CSV.
"""

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rcrp_desktop.calls.records import Records as Store
from rcrp_desktop.calls.training_run import RunRow, runs_csv, runs_for
from rcrp_desktop.domain.training.scenario import Scenario
from rcrp_desktop.export.debrief_pdf import duration
from rcrp_desktop.export.errors import ExportError
from rcrp_desktop.export.files import write_atomically
from rcrp_desktop.times import parse_utc, shown_minute
from rcrp_desktop.ui.qt_helpers import named
from rcrp_desktop.ui.row_table import row_table
from rcrp_desktop.ui.tasks import run_task

COLUMNS = ("Trainee", "Scenario", "Started", "Band", "Time to urgent decision", "Outcome")
SCENARIO_COLUMN = 1  # takes the width the others leave (its full text is in the tooltip)
ALL = ""  # the filter's "All trainees"


def load_runs(path: Path, scenarios: Sequence[Scenario]) -> list[RunRow]:
    """Every run, scored (in a pool thread: a read-only connection of its own)."""
    store = Store.open(path, "training", create=False, readonly=True)
    try:
        return runs_for(store, scenarios)
    finally:
        store.close()


def cells(row: RunRow) -> tuple[str, ...]:
    started = parse_utc(row.started_utc).astimezone()
    urgent = duration(row.urgent_seconds) if row.urgent_seconds is not None else "not timed"
    outcome = ""
    if row.band:
        given, expected = row.outcome_given, row.outcome_expected  # in words, with the partner
        met = given == expected
        outcome = f"✓ {given}" if met else f"✗ {given or 'none'} (expected {expected})"
    return (
        row.trainee,
        row.title or row.scenario,
        shown_minute(started),
        row.band or f"not scored: {row.note}",
        urgent,
        outcome,
    )


class TrainerView(QDialog):
    """The runs table. Signals: debrief_requested(int): the trainer asked for a run's debrief."""

    debrief_requested = Signal(int)

    def __init__(self, parent: QWidget, store_path: Path, scenarios: Sequence[Scenario]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Trainees' runs · TRAINING")
        self.path = store_path  # the training database
        self.scenarios = list(scenarios)
        self.rows: list[RunRow] = []
        self.trainee = named(QComboBox(), "traineeFilter")
        self.trainee.setAccessibleName("Show the runs of")
        self.trainee.currentIndexChanged.connect(self.apply_filter)
        trainee_label = QLabel("&Trainee:")
        trainee_label.setBuddy(self.trainee)
        self.table = row_table("runsTable", COLUMNS, "Runs: Enter opens the debrief")
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SCENARIO_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda _index: self.open_debrief())
        self.status = named(QLabel(), "runsStatus")
        self.status.setAccessibleName("Runs shown")
        self.debrief_button = named(QPushButton("Debrief (Enter)"), "openDebriefButton")
        self.export_button = named(QPushButton("Export CSV… (Ctrl+E)"), "exportRunsButton")
        close = named(QPushButton("Close (Esc)"), "closeRunsButton")
        for button, name in (
            (self.debrief_button, "Open the selected run's debrief"),
            (self.export_button, "Export the runs shown as CSV"),
            (close, "Close the trainees' runs"),
        ):
            button.setAccessibleName(name)
            button.setAutoDefault(False)  # Enter in the table opens a debrief, nothing else
        self.debrief_button.clicked.connect(self.open_debrief)
        self.export_button.clicked.connect(self.export_csv)
        close.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+E"), self, self.export_csv)
        top = QHBoxLayout()
        top.addWidget(trainee_label)
        top.addWidget(self.trainee, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.debrief_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(1100, 560)
        self.loading = False

    def refresh(self) -> None:
        """Read the runs again, off the GUI thread."""
        if self.loading:
            return
        self.loading = True
        self.status.setText("Reading the runs…")
        path, scenarios = self.path, self.scenarios
        run_task(lambda: load_runs(path, scenarios), self.on_loaded, self.on_failed, context=self)

    def on_loaded(self, rows: list[RunRow]) -> None:
        self.loading = False
        self.rows = rows
        chosen = self.trainee.currentData() or ALL
        self.trainee.blockSignals(True)
        self.trainee.clear()
        self.trainee.addItem("All trainees", ALL)
        for name in sorted({r.trainee for r in rows}, key=str.casefold):
            self.trainee.addItem(name, name)
        self.trainee.setCurrentIndex(max(0, self.trainee.findData(chosen)))
        self.trainee.blockSignals(False)
        self.apply_filter()
        self.table.setFocus()

    def on_failed(self, error: Exception) -> None:
        self.loading = False
        self.status.setText(f"The runs could not be read: {error}")

    def shown(self) -> list[RunRow]:
        """The rows the filter lets through, in the table's order."""
        chosen = self.trainee.currentData() or ALL
        return [r for r in self.rows if chosen in (ALL, r.trainee)]

    @Slot()
    def apply_filter(self) -> None:
        rows = self.shown()
        self.table.setRowCount(len(rows))
        for number, row in enumerate(rows):
            for column, text in enumerate(cells(row)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column == SCENARIO_COLUMN:
                    item.setToolTip(f"{text}\n{row.scenario} {row.scenario_version}")
                item.setData(Qt.ItemDataRole.UserRole, row.record_id)
                self.table.setItem(number, column, item)
        if rows:
            self.table.selectRow(0)
        self.status.setText(f"{len(rows)} run(s) shown of {len(self.rows)}.")

    @Slot()
    def open_debrief(self) -> None:
        item = self.table.item(self.table.currentRow(), 0)
        if item is not None:
            self.debrief_requested.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    @classmethod
    def ask_path(cls, parent: QWidget, suggested: str) -> Path | None:
        """Where to save the CSV (tests replace this)."""
        name, _ = QFileDialog.getSaveFileName(parent, "Export the runs", suggested, "CSV (*.csv)")
        return Path(name) if name else None

    @Slot()
    def export_csv(self) -> None:
        path = self.ask_path(self, str(Path.home() / "training-runs.csv"))
        if path is None:
            return
        try:
            write_atomically(path.expanduser().absolute(), runs_csv(self.shown()).encode("utf-8"))
        except ExportError as error:
            cause = error.__cause__
            why = getattr(cause, "strerror", None) or cause or error
            self.status.setText(f"Not exported: cannot save {path}: {why}")
            return
        self.status.setText(f"Exported {len(self.shown())} run(s) to {path}")
