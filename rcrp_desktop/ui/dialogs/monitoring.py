"""The monitoring figures in the window: a period, then each figure with how it is counted and
its table (where a figure is drawn, its chart beside it, by the same definition as in the
report); CSV of every table, and the partnership report, from here. Keyboard first: the dates,
Enter shows; Ctrl+E saves the CSV files, Ctrl+P the report."""

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QDate, Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rcrp_desktop import APP_TITLE
from rcrp_desktop.calls.errors import StorageError
from rcrp_desktop.ui.message_box import message_box
from rcrp_desktop.ui.qt_helpers import named, wait_cursor
from rcrp_desktop.ui.row_table import row_table

if TYPE_CHECKING:
    from rcrp_desktop.calls.monitoring import FigureResult
    from rcrp_desktop.calls.records import Records

DEFAULT_DAYS = 28
CHART_HEIGHT = 220
PROFILES = (("All profiles", ""), ("England", "england"), ("Wales", "wales"),
            ("British Transport Police", "btp"))  # fmt: skip


class MonitoringView(QDialog):
    """The figures for the period chosen. `suppress_below`: the force's threshold."""

    def __init__(
        self,
        parent: QWidget,
        store: "Records",
        suppress_below: int,
        source: str,
        questions: Mapping[str, str] | None = None,
        phases: Iterable[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Monitoring figures - {APP_TITLE}")
        self.store, self.suppress_below, self.source = store, suppress_below, source
        self.questions = dict(questions or {})  # question id -> its words
        self.results: list[FigureResult] = []
        today = QDate.currentDate()
        self.start = self._date("monitorFrom", "Calls made from", today.addDays(-DEFAULT_DAYS))
        self.end = self._date("monitorTo", "to (included)", today)
        self.profile = named(QComboBox(), "monitorProfile")
        self.profile.setAccessibleName("Force profile")
        for title, value in PROFILES:
            self.profile.addItem(title, value)
        self.category = named(QComboBox(), "monitorCategory")
        self.category.setAccessibleName("Category")
        self.category.addItem("All categories", "")
        self.phase = named(QComboBox(), "monitorPhase")
        self.phase.setAccessibleName("RCRP phase")
        self.phase.addItem("All phases", "")
        for phase in sorted(set(phases or ())):
            self.phase.addItem(phase.replace("_", " ").capitalize(), phase)
        show = named(QPushButton("&Show (Enter)"), "showFigures")
        show.setDefault(True)
        show.clicked.connect(self.show_figures)
        self.csv_button = named(QPushButton("Export CSV… (Ctrl+E)"), "exportFiguresCsv")
        self.report_button = named(QPushButton("Partnership report… (Ctrl+P)"), "partnerReport")
        close = named(QPushButton("Close (Esc)"), "closeFigures")
        for button in (self.csv_button, self.report_button, close):
            button.setAutoDefault(False)
        self.csv_button.clicked.connect(self.export_csv)
        self.report_button.clicked.connect(self.save_report)
        close.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+E"), self, self.export_csv)
        QShortcut(QKeySequence("Ctrl+P"), self, self.save_report)
        top = QHBoxLayout()
        top.setSpacing(8)
        for label, edit in (
            ("&From", self.start), ("&To", self.end), ("Pro&file", self.profile),
            ("C&ategory", self.category), ("P&hase", self.phase),
        ):  # fmt: skip
            caption = QLabel(label)
            caption.setBuddy(edit)
            caption.setMinimumWidth(caption.sizeHint().width() + 4)  # never cut by the date
            top.addWidget(caption)
            top.addWidget(edit)
        top.addWidget(show)
        top.addStretch(1)
        self.status = named(QLabel(), "figuresStatus")
        self.status.setWordWrap(True)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.csv_button)
        bottom.addWidget(self.report_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        layout.addLayout(bottom)
        self.resize(1000, 640)

    def _date(self, name: str, accessible: str, value: QDate) -> QDateEdit:
        edit = named(QDateEdit(value), name)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setCalendarPopup(True)
        edit.setAccessibleName(accessible)
        return edit

    def period(self) -> tuple[datetime, datetime]:
        """[start, end) in UTC: the last day chosen is included."""
        start, last = (datetime(d.year(), d.month(), d.day(), tzinfo=UTC)
                       for d in (self.start.date(), self.end.date()))  # fmt: skip
        return start, last + timedelta(days=1)

    @Slot()
    def show_figures(self) -> bool:
        from rcrp_desktop.calls.monitoring import figures_for

        start, end = self.period()
        if end <= start:
            self.status.setText("The last day is before the first: nothing to count.")
            return False
        try:
            with wait_cursor():
                self.results = figures_for(
                    self.store, start, end, suppress_below=self.suppress_below,
                    profile=str(self.profile.currentData() or ""),
                    category=str(self.category.currentData() or ""),
                    phase=str(self.phase.currentData() or ""),
                )  # fmt: skip
        except StorageError as error:
            message_box().warning(self, APP_TITLE, str(error))
            return False
        self._fill()
        self._categories()
        below = self.suppress_below
        hidden = f" Counts from 1 to {below - 1} are shown as <{below}." if below > 1 else ""
        last = end - timedelta(days=1)
        self.status.setText(f"Calls made from {start:%Y-%m-%d} to {last:%Y-%m-%d}.{hidden}")
        return True

    def _categories(self) -> None:
        """The categories the figures met, offered to narrow them (the choice kept)."""
        chosen = self.category.currentData() or ""
        seen = {str(row[0]) for r in self.results if r.figure.id == "calls_by_category_outcome"
                for row in r.rows if row[0]}  # fmt: skip
        known = {self.category.itemData(i) for i in range(self.category.count())}
        for value in sorted(seen - known):
            self.category.addItem(value, value)
        self.category.setCurrentIndex(max(0, self.category.findData(chosen)))

    def _fill(self) -> None:
        from rcrp_desktop.domain.monitoring.figures import CAVEATS
        from rcrp_desktop.domain.monitoring.words import shown_row
        from rcrp_desktop.export.charts import chart_of, drawable, drawing, svg

        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for result in self.results:
            figure = result.figure
            title = named(QLabel(f"<b>{figure.title}</b>"), f"figure_{figure.id}")
            counted = QLabel(f"How it is counted: {figure.counted}")
            counted.setWordWrap(True)
            self.body_layout.addWidget(title)
            self.body_layout.addWidget(counted)
            drawn = chart_of(figure.id)
            if drawn is not None and result.rows and drawable(drawn, result.rows):
                shown = [shown_row(figure, row, self.questions) for row in result.rows]
                chart = named(QSvgWidget(), f"chart_{figure.id}")
                chart.load(QByteArray(svg(drawing(drawn, shown, 720, CHART_HEIGHT))))
                chart.setFixedSize(720, CHART_HEIGHT)
                chart.setAccessibleName(
                    f"{figure.title}: chart (the table below holds its numbers)"
                )
                self.body_layout.addWidget(chart)
            self.body_layout.addWidget(self._table(result))
        notes = QLabel("Caveats:\n" + "\n".join(f"• {c}" for c in CAVEATS))
        notes.setWordWrap(True)
        self.body_layout.addWidget(notes)
        self.body_layout.addStretch(1)

    def _table(self, result: "FigureResult") -> QWidget:
        from rcrp_desktop.domain.monitoring.words import shown_row

        figure = result.figure
        if not result.rows:
            return QLabel("No calls in the period.")
        table = row_table(f"table_{figure.id}", figure.columns, figure.title)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setRowCount(len(result.rows))
        for number, row in enumerate(result.rows):
            for column, value in enumerate(shown_row(figure, row, self.questions)):
                cell = QTableWidgetItem(str(value))
                if isinstance(value, int | float):
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(number, column, cell)
        rows_height = sum(table.rowHeight(r) for r in range(len(result.rows)))
        table.setFixedHeight(table.horizontalHeader().height() + rows_height + 4)
        return table

    @classmethod
    def ask_folder(cls, parent: QWidget) -> Path | None:
        """Where the CSV files go (tests replace this)."""
        chosen = QFileDialog.getExistingDirectory(parent, "Save the figures as CSV in")
        return Path(chosen) if chosen else None

    @classmethod
    def ask_report_path(cls, parent: QWidget) -> Path | None:
        """Where the report goes (tests replace this)."""
        chosen, _ = QFileDialog.getSaveFileName(
            parent, "Save the partnership report", str(Path.home() / "partnership-report.pdf"),
            "PDF files (*.pdf)",
        )  # fmt: skip
        return Path(chosen) if chosen else None

    @Slot()
    def export_csv(self) -> None:
        from rcrp_desktop.export.errors import ExportError
        from rcrp_desktop.export.figures_csv import write_figures_csv

        if not self.results and not self.show_figures():
            return
        folder = self.ask_folder(self)
        if folder is None:
            return
        try:
            written = write_figures_csv(folder, self.results)
        except ExportError as error:
            self.status.setText(str(error))
            return
        self.status.setText(f"{len(written)} CSV file(s) saved in {folder}.")

    @Slot()
    def save_report(self) -> None:
        from rcrp_desktop.export.errors import ExportError
        from rcrp_desktop.export.partnership_pdf import save_report

        if not self.results and not self.show_figures():
            return
        path = self.ask_report_path(self)
        if path is None:
            return
        start, end = self.period()
        try:
            with wait_cursor():
                pages = save_report(
                    path, self.results, start=start, end_inclusive=end - timedelta(days=1),
                    source=self.source, suppress_below=self.suppress_below,
                    questions=self.questions,
                )  # fmt: skip
        except ExportError as error:
            self.status.setText(str(error))
            return
        self.status.setText(f"Partnership report saved: {path} ({pages} page(s)).")
