"""The first start of a data folder with no accounts: its first administrator, then its first
call handler, each in a small form (number, name, passphrase twice); a refusal is said in the
form, and the handler is signed in."""

from collections.abc import Callable
from typing import TYPE_CHECKING

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
from rcrp_desktop.calls import first_start
from rcrp_desktop.calls.errors import StorageError
from rcrp_desktop.domain.access.secrets import MIN_PASSPHRASE
from rcrp_desktop.ui.qt_helpers import named

if TYPE_CHECKING:
    from rcrp_desktop.calls.access import Access
    from rcrp_desktop.calls.gate import Gate
    from rcrp_desktop.calls.records import Mode

# Makes an account from a number, a name and a passphrase: None when made, else why not.
Make = Callable[[str, str, str], str | None]

PASSPHRASE_RULE = (
    f"A passphrase is {MIN_PASSPHRASE} characters or more: three words you will remember and "
    "nobody would guess. It is never shown, and nobody can read it back."
)
ADMIN_INTRO = (
    "This data folder has no accounts yet. Make its first administrator: they add and change "
    "the accounts of everyone who works here, and take no calls themselves. Sign-ins, refusals "
    "and every record opened are kept in the access log."
)
HANDLER_INTRO = (
    "The administrator {admin} is made. Now make the first call handler's account: the handler "
    "is signed in next, and every answer and decision they record is stamped with it. More "
    "accounts are added from the command line (rcrp-desktop accounts add)."
)


class NewAccountDialog(QDialog):
    """Number, name, passphrase and the passphrase again; Enter makes the account, Escape
    cancels. The passphrases are never shown, and are cleared after a refusal."""

    def __init__(
        self, parent: QWidget | None, title: str, intro: str, make: Make, button: str
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{title} - {APP_TITLE}")
        self._make = make
        self.setMinimumWidth(600)  # the intro reads in a few lines, a refusal in one or two
        layout = QVBoxLayout(self)
        said = named(QLabel(f"{intro}\n\n{PASSPHRASE_RULE}", wordWrap=True), "formIntro")
        layout.addWidget(said)
        layout.addSpacing(8)
        form = QFormLayout()
        self.number = named(QLineEdit(), "newAccountNumber")
        self.number.setAccessibleName("Collar or staff number")
        self.name = named(QLineEdit(), "newAccountName")
        self.name.setAccessibleName("Name")
        self.secret = named(QLineEdit(), "newAccountSecret")
        self.secret.setAccessibleName("Passphrase")
        self.secret.setAccessibleDescription(PASSPHRASE_RULE)
        self.again = named(QLineEdit(), "newAccountSecretAgain")
        self.again.setAccessibleName("Passphrase again")
        for secret in (self.secret, self.again):
            secret.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Collar or staff &number", self.number)
        form.addRow("N&ame", self.name)
        form.addRow("&Passphrase", self.secret)
        form.addRow("Passphrase a&gain", self.again)
        layout.addLayout(form)
        self.problem = named(QLabel(wordWrap=True), "formProblem")
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(button)
        buttons.accepted.connect(self.try_make)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.number.setFocus()

    def try_make(self) -> None:
        number, name = self.number.text().strip(), self.name.text().strip()
        secret, again = self.secret.text(), self.again.text()
        if not number or not name or not secret:
            self._say("Type the number, the name, and the passphrase twice.")
            return
        problem = (
            "The two passphrases differ: type them again."
            if secret != again
            else self._make(number, name, secret)
        )
        self.secret.clear()
        self.again.clear()
        if problem is None:
            self.accept()
            return
        self._say(problem)
        self.secret.setFocus()

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setAccessibleDescription(text)
        self.problem.show()
        self.adjustSize()  # taller for the line said, never by squeezing the intro

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, intro: str, make: Make, button: str) -> bool:
        """True once the account is made; False if the person cancelled."""
        return cls(parent, title, intro, make, button).exec() == QDialog.DialogCode.Accepted


def make_first_accounts(access: "Access", database: "Mode") -> "Gate | None":
    """The first administrator, then the first handler, who is signed in (the administrator
    stays signed in if they leave that for later). None if no administrator was made."""
    made: list[Gate] = []

    def administrator(number: str, name: str, secret: str) -> str | None:
        try:
            made.append(first_start.first_administrator(access, number, name, secret, database))
        except StorageError as error:  # a rule the passphrase breaks, said as it is
            return str(error)
        return None

    title = "First start: the administrator"
    if not NewAccountDialog.ask(None, title, ADMIN_INTRO, administrator, "Make the administrator"):
        return None
    return ask_first_handler(made[0])


def ask_first_handler(admin: "Gate") -> "Gate":
    """The first call handler, made by `admin` and signed in in their place; `admin` still
    signed in if they cancel (they are asked again at their next sign-in)."""
    made: list[Gate] = []

    def handler(number: str, name: str, secret: str) -> str | None:
        try:
            made.append(first_start.first_handler(admin, number, name, secret))
        except StorageError as error:
            return str(error)
        return None

    intro = HANDLER_INTRO.format(admin=admin.stamp)
    title = "First start: the first call handler"
    if NewAccountDialog.ask(None, title, intro, handler, "Make the handler and sign in") and made:
        return made[0]
    return admin
