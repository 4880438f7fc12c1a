"""How many keys a handler presses for the standard low-risk welfare call, in the real window.

    QT_QPA_PLATFORM=offscreen python bench/keystrokes.py [--script FILE]

The call is forms/examples/welfare-crisis-team.json (a partner lead, no police): every answer
given as the handler gives it (a digit for a choice, the text typed, the rationale typed
straight after the digit, Enter), then the recommendation accepted, the handover recorded
(the partner picked from the directory, who accepted, their reference, when), the caller told
(the advice and what would bring police back typed, the caller's agreement ticked) and the call
closed. Every key goes through Qt to whatever has the focus, the forms are the real dialogs,
and the record is checked at the end: nothing it should hold is missing.

Counted: key presses (a chord such as Ctrl+H is one; a digit picking an answer is one) and
typed characters (the words themselves), apart. The start-of-call incident box is a system
input dialog: its keys (the reference typed, Enter) are counted without driving it.
"""

import argparse
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

from rcrp_desktop.app import make_application
from rcrp_desktop.calls.records import open_store
from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.domain.pack.loader import check_paths
from rcrp_desktop.domain.pack.protocol import InputKind
from rcrp_desktop.paths import examples_dir, forms_dir
from rcrp_desktop.ui import dialogs
from rcrp_desktop.ui.dialogs.forms import FormDialog
from rcrp_desktop.ui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
INCIDENT = "INC-20261207-0042"
HANDOVER = {"contact": "Nurse B. Example", "reference": "CRT-4471", "eta": "within 2 hours"}
TOLD = {
    "advice": "Stay with a friend tonight; the crisis team will ring by midnight",
    "recontact_triggers": "Any plan, a weapon or tablets to hand: ring 999",
}


@dataclass
class Count:
    """Key presses and typed characters, kept apart."""

    keys: int = 0
    typed: int = 0
    by_step: dict[str, tuple[int, int]] = field(default_factory=dict)

    window: QWidget | None = None

    def press(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        target = QApplication.focusWidget() or QApplication.activeWindow() or self.window
        QTest.keyClick(target, key, modifier)
        self.keys += 1

    def type(self, text: str, into: QWidget | None = None) -> None:
        for char in text:  # each to whatever has the focus by then, as a person types
            QTest.keyClicks(into or QApplication.focusWidget(), char)
        self.typed += len(text)

    def press_on(self, widget: QWidget, key: Qt.Key) -> None:
        QTest.keyClick(widget, key)
        self.keys += 1

    def step(self, name: str, before: tuple[int, int]) -> None:
        self.by_step[name] = (self.keys - before[0], self.typed - before[1])


def fill_form(count: Count, dialog: FormDialog, wanted: dict[str, Any]) -> None:
    """Field by field in Tab order, typing what is wanted, ticking with Space, then Enter.

    The keys go to each field itself (a dialog shown without exec() is not always given the
    focus off screen); a Tab is counted for each move, as the handler would press it."""
    last = max(i for i, f in enumerate(dialog.fields) if f.name in wanted)
    for index, form_field in enumerate(dialog.fields[: last + 1]):
        widget = dialog.inputs[form_field.name]
        widget.setFocus()
        value = wanted.get(form_field.name)
        if value is True:
            count.press_on(widget, Qt.Key.Key_Space)
        elif isinstance(value, str) and not isinstance(widget, QComboBox):
            count.type(value, widget)
        if index < last:
            count.keys += 1  # Tab, to the next field
        else:
            count.press_on(widget, Qt.Key.Key_Return)


def run(script_path: Path) -> Count:
    app = make_application()
    script = load_script(script_path)
    packs, problems = check_paths([forms_dir()])
    assert not problems, problems
    folder = Path(tempfile.mkdtemp(prefix="keystrokes-"))
    store = open_store(folder, training=False)
    window = MainWindow(packs, store, "PC 4821 Sam Example", default_pack=script.pack)
    window.show()
    window.activateWindow()
    QTest.qWaitForWindowActive(window)  # shortcuts reach only the active window
    count = Count()
    count.window = window

    def incident(cls: type, parent: QWidget) -> str:
        count.typed += len(INCIDENT)
        count.keys += 1  # Enter
        return INCIDENT

    dialogs.IncidentDialog.ask = classmethod(incident)  # type: ignore[method-assign]
    forms_wanted: list[dict[str, Any]] = []

    def ask(
        cls: type, parent: Any, title: str, intro: str, fields: list[Any], check: Any = None
    ) -> Any:
        dialog = FormDialog(parent, title, intro, fields, check)
        dialog.show()
        dialog.activateWindow()
        QTest.qWaitForWindowActive(dialog)
        fill_form(count, dialog, forms_wanted.pop(0))
        accepted = dialog.result() == FormDialog.DialogCode.Accepted
        values = dialog.values() if accepted else None
        dialog.close()
        assert accepted, f"{title} refused: {dialog.problem.text()}"
        return values

    FormDialog.ask = classmethod(ask)  # type: ignore[method-assign]

    before = (count.keys, count.typed)
    count.press(Qt.Key.Key_N, CTRL)
    count.step("start the call", before)
    before = (count.keys, count.typed)
    for step in script.steps:
        question = window.question_view.question
        if question is None or question.id != step.node:
            raise RuntimeError(f"the window asks {question and question.id}, not {step.node}")
        if question.input is InputKind.TEXT:
            count.type(str(step.answer))
        else:
            for value in step.answer if isinstance(step.answer, list) else [step.answer]:
                count.press(getattr(Qt.Key, f"Key_{question.values.index(value) + 1}"))
            count.type(step.rationale)  # typed straight on: it goes to the rationale
        count.press(Qt.Key.Key_Return)
    count.step(f"answer {len(script.steps)} questions", before)
    before = (count.keys, count.typed)
    count.press(Qt.Key.Key_Return, CTRL)
    count.step("accept the recommendation", before)
    before = (count.keys, count.typed)
    forms_wanted.append(HANDOVER)
    count.press(Qt.Key.Key_H, CTRL)
    count.step("record the handover", before)
    before = (count.keys, count.typed)
    forms_wanted.append({**TOLD, "acknowledged": True})
    count.press(Qt.Key.Key_T, CTRL)
    count.step("record what the caller was told", before)
    before = (count.keys, count.typed)
    count.press(Qt.Key.Key_C, CTRL | SHIFT)
    count.step("close the call", before)

    session = window.session
    if session is None or not session.recorder.closed:
        missing = session.recorder.closure_blockers() if session else ["no call on screen"]
        raise RuntimeError(f"the call did not close: {missing}")
    kinds = [e.kind for e in store.events(session.record_id)]
    assert {"handover", "caller_informed", "decide", "closure"} <= set(kinds), kinds
    window.close()
    store.close()
    del app
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--script", type=Path, default=examples_dir() / "welfare-crisis-team.json")
    args = parser.parse_args(argv)
    count = run(args.script)
    print("| step | key presses | typed characters |")
    print("|---|---:|---:|")
    for name, (keys, typed) in count.by_step.items():
        print(f"| {name} | {keys} | {typed} |")
    print(f"| **whole call** | **{count.keys}** | **{count.typed}** |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
