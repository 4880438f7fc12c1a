"""The start page: how to begin, and the unfinished calls that can be resumed."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from rcrp_desktop.storage.records import RecordSummary
from rcrp_desktop.ui.qt_helpers import named


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
        self.heading = QLabel("<b>Unfinished calls</b>: select one and press Enter to resume")
        self.calls = named(QListWidget(), "unfinishedCalls")
        self.calls.setAccessibleName("Unfinished calls")
        self.calls.itemActivated.connect(self._on_activated)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.intro)
        layout.addSpacing(16)
        layout.addWidget(self.heading)
        layout.addWidget(self.calls, 2)
        layout.addStretch(1)

    def show_records(self, intro: str, unfinished: list[RecordSummary]) -> None:
        self.intro.setText(intro)
        self.calls.clear()
        for record in unfinished:
            when = record.created_utc.replace("T", " ")[:16]
            incident = record.incident_ref or "no incident reference"
            item = QListWidgetItem(
                f"Record {record.id} · {incident} · started {when} UTC · "
                f"{record.pack_id} {record.pack_version}"
            )
            item.setData(Qt.ItemDataRole.UserRole, record.id)
            self.calls.addItem(item)
        self.heading.setVisible(bool(unfinished))
        self.calls.setVisible(bool(unfinished))
        if unfinished:
            self.calls.setCurrentRow(0)

    def _on_activated(self, item: QListWidgetItem) -> None:
        self.resume_requested.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.calls.currentItem()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None:
            self._on_activated(item)
        else:
            super().keyPressEvent(event)
