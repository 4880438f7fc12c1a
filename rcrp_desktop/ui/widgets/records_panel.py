"""The calls on record: search by incident, date, category, outcome and status; open one."""

from collections.abc import Sequence
from datetime import date
from itertools import pairwise

from PySide6.QtCore import QDate, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rcrp_desktop import APP_TITLE
from rcrp_desktop.calls import gate as gates
from rcrp_desktop.calls.errors import StorageError
from rcrp_desktop.calls.records import RecordQuery
from rcrp_desktop.calls.records import Records as Store
from rcrp_desktop.domain.outcomes import MEANINGS
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.ui.dialogs.reading import may_open
from rcrp_desktop.ui.message_box import message_box
from rcrp_desktop.ui.models.records_model import (
    CATEGORY,
    INCIDENT,
    OUTCOME,
    RECORD,
    STARTED,
    STATUS,
    RecordIdRole,
    RecordsModel,
)
from rcrp_desktop.ui.qt_helpers import named

SEARCH_DELAY_MS = 250  # typing pauses this long before the search runs
COLUMN_WIDTHS = {RECORD: 70, INCIDENT: 190, STARTED: 170, CATEGORY: 190, STATUS: 90}
STATUSES = (("", "Open and closed"), ("open", "Open"), ("closed", "Closed"))


class OptionalDateEdit(QDateEdit):
    """A date that may be left as "Any date" (shown while the date is at its minimum).

    Up or Down from "Any date" starts at today, and typing a date replaces it; Delete goes back
    to "Any date". Tab leaves the field; Left, Right or "-" move between year, month and day.
    Written year first, as every date the app shows (times.SHOWN_MINUTE).
    """

    ANY = QDate(2000, 1, 1)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(self.ANY)
        self.setSpecialValueText("Any date")
        self.setDate(self.ANY)
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)

    def value(self) -> date | None:
        day = self.date()
        return None if day == self.ANY else date(day.year(), day.month(), day.day())

    def set_value(self, day: date | None) -> None:
        self.setDate(self.ANY if day is None else QDate(day.year, day.month, day.day))

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        if self.date() == self.ANY:
            return (
                QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
                | QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
            )
        return super().stepEnabled()

    def stepBy(self, steps: int) -> None:
        if self.date() == self.ANY:
            self.setDate(QDate.currentDate())
        else:
            super().stepBy(steps)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Delete:
            self.setDate(self.ANY)
            return
        if self.date() == self.ANY and event.text().isdigit():
            # Typing over "Any date": start from today with the year selected, so the digits
            # typed replace it (and "-" moves on to the month, then the day).
            self.setDate(QDate.currentDate())
            self.setSelectedSection(QDateEdit.Section.YearSection)
        super().keyPressEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        # Tab leaves the field, as in every other control of the row, instead of walking
        # year, month and day (three stops even on "Any date"). Left, Right and "-" do that.
        return QWidget.focusNextPrevChild(self, next)


class RecordsTable(QTableView):
    """The results; Enter (or a double click) on a row chooses that record.

    Signals:
        record_chosen(int): the record on the current row was chosen.
    """

    record_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab leaves the table; arrows move within it
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.doubleClicked.connect(self._choose)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._choose(self.currentIndex())
            event.accept()
        else:
            super().keyPressEvent(event)

    def _choose(self, index: QModelIndex) -> None:
        record_id = index.siblingAtColumn(0).data(RecordIdRole)
        if record_id is not None:
            self.record_chosen.emit(int(record_id))


class RecordsPanel(QWidget):
    """A search row over the table of calls on record, newest first.

    Searches run in the thread pool on their own read-only connection to the store's file;
    the busy bar shows while one runs. Results load a page at a time as the table scrolls.
    Where someone is signed in, they search only if they may read records (each Find asks the
    gate again: a refusal is said and logged), and a record someone else took opens only once
    they have said why.

    Signals:
        open_requested(int): the handler chose a record to open.
        leave_requested(): Escape: back to the call (or the start page).
    """

    open_requested = Signal(int)
    leave_requested = Signal()

    def __init__(
        self, store: Store, packs: Sequence[Pack] = (), parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recordsPanel")
        self.store = store
        self.refused = ""  # why the person signed in may not search, if they may not
        categories = category_choices(packs)
        self.model = RecordsModel(store.path, store.mode, category_labels=categories, parent=self)

        self.incident = named(QLineEdit(), "recordsIncident")
        self.incident.setAccessibleName("Incident reference contains")
        self.incident.setPlaceholderText("Incident reference")
        self.incident.setClearButtonEnabled(True)
        self.date_from = named(OptionalDateEdit(), "recordsFrom")
        self.date_from.setAccessibleName("Started on or after")
        self.date_to = named(OptionalDateEdit(), "recordsTo")
        self.date_to.setAccessibleName("Started on or before")
        for edit in (self.date_from, self.date_to):
            edit.setAccessibleDescription(
                "Any date, or a day: Up or Down starts at today, Delete goes back to any date"
            )
            edit.setToolTip("Up or Down starts at today; Delete: any date")
        self.category = named(QComboBox(), "recordsCategory")
        self.category.setAccessibleName("Category")
        self.category.addItem("Any category", "")
        for value, label in categories.items():
            self.category.addItem(label, value)
        self.outcome = named(QComboBox(), "recordsOutcome")
        self.outcome.setAccessibleName("Outcome")
        self.outcome.addItem("Any outcome", "")
        for code, meaning in MEANINGS.items():
            self.outcome.addItem(meaning.title, code.value)
        self.status = named(QComboBox(), "recordsStatus")
        self.status.setAccessibleName("Status")
        for value, label in STATUSES:
            self.status.addItem(label, value)

        self.busy = named(QProgressBar(), "recordsBusy")
        self.busy.setRange(0, 0)  # no known length: a moving bar
        self.busy.setTextVisible(False)
        self.busy.setMaximumWidth(120)
        self.busy.setAccessibleName("Searching")
        self.busy.hide()
        self.summary = named(QLabel(), "recordsSummary")
        self.summary.setAccessibleName("Search results")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)

        self.table = named(RecordsTable(), "recordsTable")
        self.table.setAccessibleName("Calls on record")
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column, width in COLUMN_WIDTHS.items():  # what each needs; the outcome takes the rest
            header.resizeSection(column, width)
        header.setSectionResizeMode(OUTCOME, QHeaderView.ResizeMode.Stretch)
        self.table.record_chosen.connect(self.on_record_chosen)

        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search_now)
        self.incident.textChanged.connect(self._schedule)
        self.incident.returnPressed.connect(self.on_return_in_search)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self._schedule)
        for combo in (self.category, self.outcome, self.status):
            combo.currentIndexChanged.connect(self._schedule)
        self.model.loading_changed.connect(self.on_loading_changed)
        self.model.counted.connect(self.on_counted)
        self.model.failed.connect(self.on_failed)
        self.model.modelReset.connect(self._select_first)
        self.model.rowsInserted.connect(self._select_first)

        leave = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        leave.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        leave.activated.connect(self.leave_requested)

        self._lay_out()
        if self._permitted(later=True):
            self.search_now()

    def _lay_out(self) -> None:
        # Two rows of filters, and combo boxes that do not ask for their longest entry's
        # width: on a 1366-wide screen the page must never push the window past the screen.
        for combo in (self.category, self.outcome, self.status):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(16)
        row = QGridLayout()
        controls: list[QWidget] = [
            self.incident,
            self.date_from,
            self.date_to,
            self.category,
            self.outcome,
            self.status,
        ]
        captions = ["&Incident:", "&From:", "&To:", "Cate&gory:", "O&utcome:", "St&atus:"]
        for index, (caption, control) in enumerate(zip(captions, controls, strict=True)):
            label = QLabel(caption)
            label.setBuddy(control)
            line, column = divmod(index, 3)
            row.addWidget(label, line, 2 * column)
            row.addWidget(control, line, 2 * column + 1)
        for column in (1, 3, 5):
            row.setColumnStretch(column, 1)
        status_row = QHBoxLayout()
        status_row.addWidget(self.summary, 1)
        status_row.addWidget(self.busy)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addLayout(status_row)
        for first, second in pairwise([*controls, self.table]):
            QWidget.setTabOrder(first, second)
        self.setFocusProxy(self.incident)

    def query(self) -> RecordQuery:
        """The search the controls describe."""
        return RecordQuery(
            incident_text=self.incident.text(),
            date_from=self.date_from.value(),
            date_to=self.date_to.value(),
            category=self.category.currentData() or "",
            outcome=self.outcome.currentData() or "",
            status=self.status.currentData() or "",
        )

    def _schedule(self) -> None:
        self._timer.start()  # restarted by each change: the search waits for a pause

    @Slot()
    def search_now(self) -> None:
        """Run the search the controls describe, now (typing otherwise waits for a pause)."""
        self._timer.stop()
        query = self.query()
        if self.refused:
            return
        if query != self.model.query:
            self.model.set_query(query)
            gates.searched(self.store, query.described())

    @Slot()
    def refresh(self) -> None:
        """Search again (calls may have been saved or closed since), if the person signed in now
        may."""
        self._timer.stop()
        if self._permitted():
            self.model.set_query(self.query())
            gates.searched(self.store, self.query().described())

    def _permitted(self, *, later: bool = False) -> bool:
        """Whether the person signed in may find records; if not, the refusal (logged by the
        gate) is said in the summary and in a message, `later` once the panel is on screen."""
        try:
            gates.require(self.store, "record.read")
        except StorageError as error:
            self.refused = str(error)
            self.summary.setText(self.refused)
            if later:  # just made: the message waits for the panel to be in its window
                QTimer.singleShot(0, self, self._say_refused)
            else:
                self._say_refused()
            return False
        self.refused = ""
        return True

    def _say_refused(self) -> None:
        message_box().warning(self.window(), APP_TITLE, self.refused)

    @Slot()
    def on_return_in_search(self) -> None:
        self.search_now()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot(int)
    def on_record_chosen(self, record_id: int) -> None:
        if may_open(self.window(), self.store, record_id):  # said why, where that is due
            self.open_requested.emit(record_id)

    @Slot(bool)
    def on_loading_changed(self, loading: bool) -> None:
        self.busy.setVisible(loading)
        if loading and self.model.total is None:
            self.summary.setText("Searching…")

    @Slot(int)
    def on_counted(self, total: int) -> None:
        if total == 0:
            self.summary.setText("No calls match")
        else:
            self.summary.setText(f"{total:,} call{'s' if total != 1 else ''}, newest first")

    @Slot(str)
    def on_failed(self, message: str) -> None:
        self.summary.setText(f"The search failed: {message}")

    def _select_first(self) -> None:
        """Keep a current row, so Enter in the table always opens something."""
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectionModel().setCurrentIndex(
                self.model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )


def category_choices(packs: Sequence[Pack]) -> dict[str, str]:
    """Each category value the packs offer at their category node, with the first pack's label."""
    choices: dict[str, str] = {}
    for pack in packs:
        if pack.category_node in pack.nodes:
            for answer in pack.question(pack.category_node).answers:
                choices.setdefault(answer.value, answer.label)
    return choices
