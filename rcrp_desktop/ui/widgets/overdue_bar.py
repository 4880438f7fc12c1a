"""A bar that says when a partner has not confirmed by the agreed time, and what to do."""

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from rcrp_desktop.ui.qt_helpers import named

if TYPE_CHECKING:
    from rcrp_desktop.calls.followups import Overdue


class OverdueBar(QWidget):
    """Shows the oldest overdue handover; the window connects the two buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = named(QLabel(wordWrap=True), "overdueBanner")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName("Partner not confirmed")
        self.reassess = named(QPushButton("Re-assess now (Ctrl+Shift+R)"), "reassessButton")
        self.confirmed = named(QPushButton("Partner confirmed… (Ctrl+Shift+P)"), "confirmedButton")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.reassess)
        layout.addWidget(self.confirmed)
        self.current: Overdue | None = None
        self.hide()

    def show_overdue(self, overdue: "list[Overdue]") -> None:
        self.current = overdue[0] if overdue else None
        if self.current is None:
            self.hide()
            return
        item = self.current
        more = f" (and {len(overdue) - 1} more)" if len(overdue) > 1 else ""
        due = item.due.astimezone().strftime("%H:%M")
        self.message.setText(
            f"⏰ {item.handover.agency} has not confirmed record {item.record.id} "
            f"(incident {item.record.incident_ref or 'not given'}): due by {due}{more}. "
            "Re-assess the call now, or record that the partner confirmed."
        )
        self.show()
