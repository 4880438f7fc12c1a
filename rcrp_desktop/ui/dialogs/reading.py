"""Opening a record to read it: a refusal said in one line, and a record someone else took
opened only once the person says why (kept in the access log with their account); the same
question before a supervisor takes over a call someone else holds."""

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from rcrp_desktop import APP_TITLE
from rcrp_desktop.calls import gate as gates
from rcrp_desktop.calls.errors import StorageError
from rcrp_desktop.ui.message_box import message_box
from rcrp_desktop.ui.qt_helpers import named, plain_enter

if TYPE_CHECKING:
    from rcrp_desktop.calls.records import Records


class ReasonDialog(QDialog):
    """Why this record is being opened (or its call taken over): Enter goes on once something
    is typed (Shift+Enter starts a new line), Escape does nothing."""

    def __init__(
        self,
        parent: QWidget | None,
        record_id: int,
        taken_by: str,
        *,
        taking_over: bool = False,
    ) -> None:
        super().__init__(parent)
        doing = "taking over" if taking_over else "opening"
        self.setWindowTitle(f"Why are you {doing} record {record_id}? - {APP_TITLE}")
        self.setMinimumWidth(560)  # the intro reads on two or three lines
        layout = QVBoxLayout(self)
        said = named(QLabel(wordWrap=True), "formIntro")
        if taking_over:
            said.setText(
                f"Call {record_id} is held by {taken_by}. Taking it over breaks the glass: from "
                "now on only you work it. Say why: the reason is kept in the record and in the "
                "access log with your account."
            )
        else:
            said.setText(
                f"Record {record_id} was taken by {taken_by}. Say why you are opening it: the "
                "reason is kept in the access log with your account."
            )
        layout.addWidget(said)
        layout.addSpacing(8)
        label = QLabel(f"&Reason for {doing} it")
        self.reason = named(QPlainTextEdit(), "readingReason")
        self.reason.setAccessibleName(f"Reason for {doing} the record")
        self.reason.setAccessibleDescription(said.text())
        self.reason.setTabChangesFocus(True)  # Tab moves on, as in every other box
        self.reason.setFixedHeight(self.reason.fontMetrics().lineSpacing() * 4 + 12)
        self.reason.installEventFilter(self)
        label.setBuddy(self.reason)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        layout.addStretch(1)  # any height to spare goes below the box, not between its parts
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.open_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.open_button.setText("&Take over the call" if taking_over else "&Open the record")
        self.open_button.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reason.textChanged.connect(self._typed)
        self.reason.setFocus()

    def text(self) -> str:
        return self.reason.toPlainText().strip()

    def _typed(self) -> None:
        self.open_button.setEnabled(bool(self.text()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # One grammar in every box: Enter confirms, Shift+Enter starts a new line.
        if watched is self.reason and plain_enter(event):
            self.accept()
            return True
        return super().eventFilter(watched, event)

    def accept(self) -> None:
        if self.text():  # never opened without a reason, by Enter or the button
            super().accept()

    @classmethod
    def ask(
        cls, parent: QWidget | None, record_id: int, taken_by: str, *, taking_over: bool = False
    ) -> str | None:
        """The reason typed; None if the person cancelled."""
        dialog = cls(parent, record_id, taken_by, taking_over=taking_over)
        return dialog.text() if dialog.exec() == QDialog.DialogCode.Accepted else None


def may_open(parent: QWidget | None, store: "Records", record_id: int) -> bool:
    """Whether the record may be opened now: the person signed in may read records (a refusal
    is said, and logged by the gate), and for a record someone else took they have said why.
    Records with nobody signed in (a folder without accounts) ask nothing. The use case that
    then shows it logs the consultation with the reason (calls/gate.py: consult)."""
    try:
        taken_by = gates.reason_due(store, record_id)
    except StorageError as error:  # not permitted, or the record cannot be read
        message_box().warning(parent, APP_TITLE, str(error))
        return False
    if not taken_by:
        return True
    reason = ReasonDialog.ask(parent, record_id, taken_by)
    if reason is None:
        return False
    gates.give_reason(store, record_id, reason)
    return True
