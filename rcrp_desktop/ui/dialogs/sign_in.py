"""Signing in at the desk: a collar or staff number and a passphrase, checked by the
application layer; a refusal is said in the dialog, and the person tries again."""

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from rcrp_desktop import APP_TITLE
from rcrp_desktop.ui.qt_helpers import named

# Tries a number and a secret: None when signed in, else the line saying why not.
Attempt = Callable[[str, str], str | None]


class SignInFields(QWidget):
    """The number, the passphrase (never shown, cleared after every try) and the line saying
    why not: the sign-in dialog's, and the idle lock's page."""

    def __init__(self, attempt: Attempt, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._attempt = attempt
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.number = named(QLineEdit(), "signInNumber")
        self.number.setAccessibleName("Collar or staff number")
        self.secret = named(QLineEdit(), "signInSecret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName("Passphrase or PIN")
        form.addRow("Collar or staff &number", self.number)
        form.addRow("&Passphrase or PIN", self.secret)
        layout.addLayout(form)
        self.problem = named(QLabel(""), "signInProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)

    def try_sign_in(self) -> bool:
        """True once the attempt signed someone in; else the reason is said, and the
        passphrase cleared for the next try."""
        number, secret = self.number.text().strip(), self.secret.text()
        if not number or not secret:
            self.say("Type your collar or staff number and your passphrase.")
            return False
        problem = self._attempt(number, secret)
        self.secret.clear()
        if problem is None:
            self.problem.hide()
            return True
        self.say(problem)
        self.secret.setFocus()
        return False

    def say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setAccessibleDescription(text)
        self.problem.show()


class SignInDialog(QDialog):
    """Number, passphrase, Sign in (Enter) or Cancel (Escape)."""

    def __init__(self, parent: QWidget | None, intro: str, attempt: Attempt) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Sign in - {APP_TITLE}")
        self.setMinimumWidth(520)  # the intro and a refusal read on one or two lines
        layout = QVBoxLayout(self)
        said = QLabel(intro)
        said.setWordWrap(True)
        layout.addWidget(said)
        self.fields = SignInFields(attempt)
        self.number, self.secret, self.problem = (
            self.fields.number,
            self.fields.secret,
            self.fields.problem,
        )
        layout.addWidget(self.fields)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.number.setFocus()

    def try_sign_in(self) -> None:
        if self.fields.try_sign_in():
            self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, intro: str, attempt: Attempt) -> bool:
        """True once someone has signed in; False if they cancelled."""
        return cls(parent, intro, attempt).exec() == QDialog.DialogCode.Accepted
