"""A small keyboard-first form in a dialog, and the forms the call needs built on it."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from rcrp_desktop.calls.desk import ROLES, Handler
from rcrp_desktop.domain.call.closure import (
    CallerInformed,
    Deployment,
    PartnerConfirmed,
    ReferrerInformed,
    SupervisorDecision,
)
from rcrp_desktop.domain.outcomes import MEANINGS, OutcomeCode, Response, response
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.ui.qt_helpers import plain_enter

Kind = Literal["line", "text", "choice", "check"]


@dataclass(frozen=True)
class Field:
    """One field: its key in the result, its label, and how it is entered."""

    name: str
    label: str
    kind: Kind = "line"
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    default: Any = ""
    required: bool = False


# What a form still lacks, in the handler's words, from the values entered (empty: whole).
Check = Callable[[dict[str, Any]], list[str]]


class FormDialog(QDialog):
    """Fields in a column. Enter accepts (in a text box too: Shift+Enter is a new line), once
    every required field is filled and `check` finds nothing missing; Escape cancels."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        intro: str,
        fields: Sequence[Field],
        check: Check | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.check = check
        self.fields = list(fields)
        self.inputs: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        if intro:
            note = QLabel(intro, wordWrap=True)
            note.setObjectName("formIntro")  # large enough to read aloud, never scrolled
            note.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(note)
        form = QFormLayout()
        for field in self.fields:
            widget = _input_for(field)
            widget.setAccessibleName(field.label)
            if isinstance(widget, QPlainTextEdit):
                widget.installEventFilter(self)
            label = QLabel(field.label + (" *" if field.required else ""))
            label.setBuddy(widget)
            form.addRow(label, widget)
            self.inputs[field.name] = widget
        layout.addLayout(form)
        self.problem = QLabel(wordWrap=True)
        self.problem.setObjectName("formProblem")  # styled with the theme (resources/)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMaximumSize(self.screen().availableGeometry().size())  # never past the screen

    def values(self) -> dict[str, Any]:
        return {name: _value_of(widget) for name, widget in self.inputs.items()}

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # One grammar in every box: Enter confirms, Shift+Enter starts a new line.
        if isinstance(watched, QPlainTextEdit) and plain_enter(event):
            self.accept()
            return True
        return super().eventFilter(watched, event)

    def accept(self) -> None:
        values = self.values()
        empty = [f.label for f in self.fields if f.required and not str(values[f.name]).strip()]
        missing = empty + (self.check(dict(values)) if self.check and not empty else [])
        if missing:
            self.problem.setText("Still needed: " + "; ".join(missing))
            return
        super().accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        title: str,
        intro: str,
        fields: Sequence[Field],
        check: Check | None = None,
    ) -> dict[str, Any] | None:
        """The values entered, or None when cancelled. Tests replace this seam."""
        dialog = cls(parent, title, intro, fields, check)
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None


def _input_for(field: Field) -> QWidget:
    if field.kind == "text":
        box = QPlainTextEdit(str(field.default))
        box.setTabChangesFocus(True)
        box.setMaximumHeight(90)
        return box
    if field.kind == "choice":
        combo = QComboBox()
        # A long entry (a directory line) must not widen the form past the screen.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(36)
        for value, label in field.choices:
            combo.addItem(label, value)
        combo.setCurrentIndex(max(combo.findData(field.default), 0))
        return combo
    if field.kind == "check":
        check = QCheckBox()
        check.setChecked(bool(field.default))
        return check
    return QLineEdit(str(field.default))


def _value_of(widget: QWidget) -> Any:
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText().strip()
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    assert isinstance(widget, QLineEdit)
    return widget.text().strip()


def ask_disagreement(parent: QWidget, recommended: OutcomeCode) -> tuple[OutcomeCode, str] | None:
    """The outcome the handler decides instead, and why (flagged for supervisor review)."""
    choices = tuple((c.value, MEANINGS[c].title) for c in OutcomeCode if c is not recommended)
    values = FormDialog.ask(
        parent,
        "Disagree with the recommendation",
        f"The recommendation is {MEANINGS[recommended].title}. Your decision "
        "stands; it is flagged for supervisor review.",
        [
            Field("code", "Your decision", "choice", choices, required=True),
            Field("rationale", "Why", "text", required=True),
        ],
    )
    if values is None:
        return None
    return OutcomeCode(values["code"]), values["rationale"]


N = TypeVar("N")


def ask_note(
    parent: QWidget, kind: Callable[..., N], title: str, intro: str, fields: list[Field]
) -> N | None:
    """A note from a form: its fields as asked, or None when the handler cancelled."""
    values = FormDialog.ask(parent, title, intro, fields)
    return None if values is None else kind(**values)


def ask_partner_confirmed(parent: QWidget) -> PartnerConfirmed | None:
    return ask_note(
        parent,
        PartnerConfirmed,
        "Partner confirmed",
        "The partner attended or acted.",
        [
            Field("by", "Who confirmed (name, agency)", required=True),
            Field("detail", "What they confirmed", "text", required=True),
        ],
    )


def ask_caller_informed(
    parent: QWidget, pack: Pack, code: OutcomeCode, partner: str, *, handed_over: bool = True
) -> CallerInformed | None:
    """`handed_over`: a partner has accepted the call (recorded). Until one has, the wording
    that a partner "will take this on" would promise what is not yet true: the form says so."""
    # Police coming (or owning the call as usual) is what the caller hears as "police will
    # deal with it"; a partner lead, standby or advice is "police will not be coming".
    police_attending = response(code) in (Response.ATTEND, Response.STANDARD)
    wording = pack.caller_wording(code, partner)
    intro = f"Read this to the caller:\n\n\u201c{wording}\u201d\n\nThen record what was said (R11)."
    if not police_attending and not handed_over:
        intro = (
            "No partner has accepted this call yet: record the handover first (Ctrl+H), or "
            "tell the caller only what is arranged so far.\n\n" + intro
        )
    return ask_note(
        parent,
        CallerInformed,
        "What the caller was told",
        intro,
        [
            Field("police_attending", "Told police will attend", "check", default=police_attending),
            Field(
                "wording",
                "Wording used",
                "text",
                default=wording,
                required=True,
            ),
            Field("advice", "Advice given", "text", required=True),
            Field("recontact_triggers", "What would bring police back", "text", required=True),
            Field("acknowledged", "Caller understood and agreed", "check"),
        ],
    )


def ask_referrer_informed(parent: QWidget) -> ReferrerInformed | None:
    return ask_note(
        parent,
        ReferrerInformed,
        "Referring agency told",
        "",
        [
            Field("who", "Who was told (name, role, agency)", required=True),
            Field(
                "route",
                "How",
                "choice",
                (("phone", "Phone"), ("email", "Secure email"), ("other", "Other")),
            ),
        ],
    )


def ask_deployment(parent: QWidget) -> Deployment | None:
    return ask_note(
        parent,
        Deployment,
        "Deployment",
        "Record it now; the rationale can follow.",
        [
            Field("resource", "Resource (unit, call sign)", required=True),
            Field(
                "grade",
                "Grade",
                "choice",
                (("immediate", "Immediate"), ("priority", "Priority"), ("scheduled", "Scheduled")),
            ),
        ],
    )


def ask_supervisor(parent: QWidget) -> SupervisorDecision | None:
    return ask_note(
        parent,
        SupervisorDecision,
        "Supervisor review",
        "",
        [
            Field("supervisor", "Supervisor (collar number, name)", required=True),
            Field("decision", "Their decision", "text", required=True),
        ],
    )


def ask_handler(parent: QWidget | None, current: Handler | None) -> Handler | None:
    """Who is at this desk; every event from now on is stamped with it."""
    values = FormDialog.ask(
        parent,
        "Who is handling calls at this desk?",
        "Your collar number, name and role are stamped on every answer and decision you record.",
        [
            Field(
                "collar",
                "Collar or staff number",
                default=current.collar if current else "",
                required=True,
            ),
            Field("name", "Name", default=current.name if current else "", required=True),
            Field(
                "role",
                "Role",
                "choice",
                tuple((r, r.capitalize()) for r in ROLES),
                default=current.role if current else ROLES[0],
            ),
        ],
    )
    return None if values is None else Handler(**values)
