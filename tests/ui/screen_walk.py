"""Run as a script on a fixed virtual screen (the offscreen platform's `configfile`): open every
page and dialog of the app as a handler and a trainer would, and report any window that is
not wholly on the screen, or any shown control that is cut off by the edge of its window.

    QT_QPA_PLATFORM=offscreen:configfile=SCREEN.json python tests/ui/screen_walk.py DATA_DIR

Prints one line per fault and "checked N screens"; exits 1 if there was a fault.
test_virtual_screens.py runs it at 1366x768 and 1920x1080.
"""

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QRect, QTimer
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QDialog,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QWidget,
)

from rcrp_desktop.app import make_application, show_window
from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.paths import examples_dir, forms_dir
from rcrp_desktop.storage.identity import Handler, save_handler
from rcrp_desktop.ui import dialogs
from rcrp_desktop.ui.main_window import MainWindow
from rcrp_desktop.ui.training.start_dialog import ScenarioDialog

faults: list[str] = []
checked: list[str] = []


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def inside(outer: QRect, inner: QRect) -> bool:
    return outer.contains(inner.topLeft()) and outer.contains(inner.bottomRight())


def check(top: QWidget, name: str) -> None:
    """The window within its screen's free area; every shown control within the window."""
    settle()
    checked.append(name)
    screen = top.screen().availableGeometry()
    if not inside(screen, top.frameGeometry()):
        faults.append(f"{name}: window {top.frameGeometry().getRect()} past the screen")
    window = top.rect()
    for child in top.findChildren(QWidget):
        if not child.isVisibleTo(top) or child.isWindow() or _scrolled(child, top):
            continue
        corner = child.mapTo(top, child.rect().topLeft())
        place = QRect(corner, child.size())
        if place.width() > 0 and place.height() > 0 and not inside(window, place):
            label = child.objectName() or type(child).__name__
            faults.append(f"{name}: {label} at {place.getRect()} cut off by the window")


def _scrolled(widget: QWidget, top: QWidget) -> bool:
    """Inside a scroll area's viewport: it may run past the window, and scrolls into view."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea) and parent.viewport().isAncestorOf(widget):
            return True
        parent = parent.parentWidget()
    return False


def checking_exec(dialog: QDialog) -> int:
    """Every dialog: shown, checked, then cancelled (nothing is recorded by this walk)."""
    dialog.show()
    check(dialog, f"dialog '{dialog.windowTitle()}'")
    dialog.reject()
    return 0


def patch_dialogs() -> None:
    QDialog.exec = checking_exec  # type: ignore[method-assign,assignment]
    QMessageBox.exec = checking_exec  # type: ignore[method-assign,assignment]
    for static in ("information", "warning", "critical", "question"):
        setattr(QMessageBox, static, staticmethod(_message_box(static)))
    QInputDialog.getText = staticmethod(_input_text)  # type: ignore[method-assign,assignment]
    QFileDialog.getSaveFileName = staticmethod(lambda *a, **k: ("", ""))  # type: ignore[method-assign]
    dialogs.IncidentDialog.ask = classmethod(lambda cls, parent: "INC-WALK-1")  # type: ignore[method-assign,assignment]


def _message_box(kind: str) -> Callable[..., Any]:
    def show(parent: QWidget | None, title: str, text: str, *args: Any, **kwargs: Any) -> Any:
        box = QMessageBox(parent)
        box.setWindowTitle(title)
        box.setText(text)
        checking_exec(box)
        return QMessageBox.StandardButton.No if kind == "question" else None

    return show


def _input_text(parent: QWidget | None, title: str, label: str, *args: Any) -> tuple[str, bool]:
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    checking_exec(dialog)
    return "", False


def open_window(data_dir: Path, training: bool) -> MainWindow:
    save_handler(data_dir, Handler("B1234", "Walk Handler", "call handler"))
    opener = show_window(forms_dir(), "rcrp-england", data_dir, training=training)
    assert opener is not None
    done: list[bool] = []
    opener.opened.connect(lambda: done.append(True))
    for _ in range(200):
        if done:
            break
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    assert done, "the records never opened"
    return opener.window


def every_action(window: MainWindow, stage: str, skip: set[str]) -> None:
    """Each window and call action that is enabled now: its page or dialog, checked."""
    from rcrp_desktop.ui.action_table import of

    for act in (*of("window"), *of("call")):
        if act.name in skip:
            continue
        action = window.call_actions.get(act.name)
        if action is not None and not action.isEnabled():
            continue
        getattr(window, act.name)()
        check(window, f"{stage}, after {act.name}")
        if window.pages.currentIndex() != 0:  # Find: back to the call
            window._leave_find()


def walk(data_dir: Path) -> None:
    window = open_window(data_dir / "live", training=False)
    skip = {"quit", "new_call", "copy_summary"}
    check(window, "start page")
    window.show_help()
    script = load_script(examples_dir() / "welfare-crisis-team.json")
    window.new_call()
    session = window.session
    assert session is not None
    for step in script.steps:
        if window.question_view.question and window.question_view.question.id == "cat":
            check(window, "the category question")
        session.submit(step.answer, step.rationale or "")
    check(window, "the recommendation")
    dialogs.ChangeReasonDialog.ask(window, script.steps[3].node)
    every_action(window, "recommendation", skip)
    window.new_call()
    urgent = window.session
    assert urgent is not None
    while urgent.viewed() is not None and urgent.viewed().id != "danger_life":
        question = urgent.viewed()
        urgent.submit("Flat 1" if question.input.value == "text" else question.values[-1], "")
    urgent.submit("yes", "")
    check(window, "an urgent call")
    every_action(window, "urgent call", skip)
    window.find_calls()
    check(window, "Find")
    window.close()

    trainer = open_window(data_dir / "training", training=True)
    check(trainer, "training start page")

    def first_scenario(parent: QWidget | None, found: Any) -> tuple[Any, str]:
        ScenarioDialog(parent, found).exec()  # the choice itself, checked
        return found[0], "Trainee Walk"

    ScenarioDialog.ask = classmethod(  # type: ignore[method-assign,assignment]
        lambda cls, parent, found: first_scenario(parent, found)
    )
    trainer.training.actions["start_scenario"].trigger()
    settle()
    check(trainer, "a scenario running, with the caller panel")
    for name in ("time_passes", "minutes"):
        trainer.training.actions[name].trigger()
        check(trainer, f"training, after {name}")
    trainer.close()


def main() -> int:
    app = make_application()
    patch_dialogs()
    QTimer.singleShot(120_000, lambda: (print("timed out"), app.exit(2)))
    walk(Path(sys.argv[1]))
    for fault in faults:
        print(fault)
    print(f"checked {len(checked)} screens")
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
