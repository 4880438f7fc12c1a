"""The page a locked window shows in place of its content: whose desk it is, and the fields
that open it again (their passphrase) or hand it to the next person (theirs)."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from rcrp_desktop.ui.dialogs.sign_in import Attempt, SignInFields
from rcrp_desktop.ui.qt_helpers import named

WIDEST = 560  # a refusal reads on one or two lines; a column in the middle of the window


class LockPage(QWidget):
    """Signals:
        opened(): someone signed in; the lock puts every window back.

    Enter in either field tries (from the number, with no passphrase yet, it moves on)."""

    opened = Signal()

    def __init__(self, attempt: Attempt, stamp: str, number: str, why: str) -> None:
        super().__init__()
        self.setObjectName("lockPage")
        self.title = named(QLabel("Locked"), "lockTitle")
        self.said = named(QLabel(), "lockText")
        self.said.setWordWrap(True)
        self.said.setTextFormat(Qt.TextFormat.PlainText)
        self.said.setText(
            f"{why} The records are hidden until someone signs in here.\n\n"
            f"Signed in: {stamp}. Your passphrase takes you back to where you were; another "
            "person's signs them in instead, and what is recorded from then on is stamped "
            "with their account."
        )
        self.elsewhere = named(
            QLabel("A window in front of this one is locked too: sign in there."), "lockElsewhere"
        )
        self.elsewhere.setWordWrap(True)
        self.elsewhere.hide()
        self.fields = SignInFields(attempt)
        self.fields.number.setText(number)
        self.unlock = named(QPushButton("&Unlock"), "unlockButton")
        self.unlock.clicked.connect(self.submit)
        column = QWidget()
        # A fixed width, centred by stretches rather than an alignment: an aligned widget is
        # given its size hint, and the wrapped text was cut short of its last lines.
        column.setFixedWidth(WIDEST)
        inner = QVBoxLayout(column)
        inner.addWidget(self.title)
        inner.addWidget(self.said)
        inner.addSpacing(12)
        inner.addWidget(self.elsewhere)
        inner.addWidget(self.fields)
        inner.addWidget(self.unlock, 0, Qt.AlignmentFlag.AlignRight)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        self.setFocusProxy(self.fields.secret)

    def set_in_front(self, front: bool) -> None:
        """Only the page of the window in front takes a passphrase (a modal dialog's, while
        one is open): the window behind it cannot take keys, so it says where to go."""
        self.fields.setVisible(front)
        self.unlock.setVisible(front)
        self.elsewhere.setVisible(not front)

    def submit(self) -> None:
        if self.fields.try_sign_in():
            self.opened.emit()
            return
        # A refusal is said aloud as it appears, not only when someone tabs to it.
        from PySide6.QtGui import QAccessible, QAccessibleEvent

        problem = self.fields.problem
        QAccessible.updateAccessibility(QAccessibleEvent(problem, QAccessible.Event.Alert))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            super().keyPressEvent(event)
            return
        event.accept()  # taken here: never on to a window's keys behind the page
        fields = self.fields
        if fields.number.hasFocus() and not fields.secret.text():
            fields.secret.setFocus()
        else:
            self.submit()
