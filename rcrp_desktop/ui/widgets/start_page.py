"""The start page: how to begin, and the unfinished calls that can be resumed."""

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from rcrp_desktop.times import local_minute
from rcrp_desktop.ui.qt_helpers import named
from rcrp_desktop.ui.window_host import WindowHost

if TYPE_CHECKING:
    from rcrp_desktop.calls.records import RecordRow


class StartPage(QWidget):
    """Offers unfinished calls for resuming.

    Signals:
        resume_requested(int): the handler chose an unfinished record to carry on with.
    """

    resume_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.intro = named(QLabel(wordWrap=True), "startPage")
        self.intro.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._heading: QLabel | None = None
        self._calls: QListWidget | None = None  # made when there are calls to list
        self.opens = "resume"  # what Enter does to a call: "read it" in a read-only window
        self._layout = QVBoxLayout(self)
        self._layout.addStretch(1)
        self._layout.addWidget(self.intro)
        self._layout.addSpacing(16)
        self._layout.addStretch(1)

    @property
    def heading(self) -> QLabel:
        self._make_list()
        assert self._heading is not None
        return self._heading

    @property
    def calls(self) -> QListWidget:
        """The unfinished calls (made on first use: the first paint needs only the intro)."""
        self._make_list()
        assert self._calls is not None
        return self._calls

    def _make_list(self) -> None:
        if self._calls is not None:
            return
        heading = QLabel(f"<b>Unfinished calls</b>: select one and press Enter to {self.opens}")
        calls = named(QListWidget(), "unfinishedCalls")
        calls.setAccessibleName("Unfinished calls")
        calls.itemActivated.connect(self._on_activated)
        heading.hide()  # shown by show_records when there are calls in it
        calls.hide()
        self._layout.insertWidget(3, heading)
        self._layout.insertWidget(4, calls, 2)
        self._heading, self._calls = heading, calls

    def show_records(self, intro: str, unfinished: "list[RecordRow]") -> None:
        self.intro.setText(intro)
        if not unfinished and self._calls is None:
            return
        self.calls.clear()
        for record in unfinished:
            incident = record.incident_ref or "no incident reference"
            urgent = "URGENT · " if record.urgent else ""
            started = local_minute(record.created_utc)
            item = QListWidgetItem(
                f"{urgent}Record {record.id} · {incident} · started {started} · "
                f"{record.pack_id} {record.pack_version}"
            )
            item.setData(Qt.ItemDataRole.UserRole, record.id)
            self.calls.addItem(item)
        self.heading.setVisible(bool(unfinished))
        self.calls.setVisible(bool(unfinished))
        if unfinished:
            self.calls.setCurrentRow(0)

    def _on_activated(self, item: QListWidgetItem) -> None:
        record_id = int(item.data(Qt.ItemDataRole.UserRole))
        if self._may_open(record_id):
            self.resume_requested.emit(record_id)

    def _may_open(self, record_id: int) -> bool:
        """Where someone is signed in: they may read records, and have said why they open one
        someone else took (ui/dialogs/reading.py). The page lists the records of its window,
        so it asks that window's records; the use case that opens the call refuses anyway."""
        host = self.window()
        if not isinstance(host, WindowHost) or not host.records_open or host.gate is None:
            return True
        from rcrp_desktop.ui.dialogs.reading import may_open

        return may_open(host, host.store, record_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self._calls.currentItem() if self._calls is not None else None
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None:
            self._on_activated(item)
        else:
            super().keyPressEvent(event)
