"""Every interactive control on every screen has a name a screen reader can say, found by
walking the QAccessible tree as assistive technology does."""

from typing import Any

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from rcrp_desktop.ui.dialogs.forms import FormDialog
from rcrp_desktop.ui.main_window import MainWindow
from rcrp_desktop.ui.shortcuts import ShortcutsDialog
from tests.ui.test_main_window import answer_by_keyboard, start_call, walk_window_to

Role = QAccessible.Role
INTERACTIVE = {
    Role.PushButton,
    Role.RadioButton,
    Role.CheckBox,
    Role.EditableText,
    Role.ComboBox,
    Role.List,
    Role.Table,
    Role.SpinBox,
    Role.Slider,
    Role.PageTab,
}


def unnamed(top: QWidget) -> list[str]:
    """The interactive controls under `top`, visible to a screen reader, with no name."""
    return walked(top)[1]


def walked(top: QWidget) -> tuple[int, list[str]]:
    """How many interactive controls a screen reader meets under `top`, and the unnamed."""
    found: list[str] = []
    seen = [0]

    def walk(iface: Any, depth: int = 0) -> None:
        if iface is None or not iface.isValid() or depth > 40:
            return
        state = iface.state()
        if iface.role() in INTERACTIVE and not state.invisible:
            seen[0] += 1
            if not iface.text(QAccessible.Text.Name).strip():
                widget = iface.object()
                found.append(f"{iface.role().name} {getattr(widget, 'objectName', lambda: '')()}")
        for index in range(iface.childCount()):
            walk(iface.child(index), depth + 1)

    walk(QAccessible.queryAccessibleInterface(top))
    return seen[0], found


def test_every_control_of_the_call_screens_is_named(qtbot: QtBot, window: MainWindow) -> None:
    window.show_start_page()
    assert unnamed(window) == []
    start_call(qtbot, window, "rcrp-england")
    assert unnamed(window) == []  # a text question
    walk_window_to(qtbot, window, "danger_life")
    count, missing = walked(window)
    assert missing == [] and count >= 8  # the answers, the rationale, the buttons, the profile
    answer_by_keyboard(qtbot, window, "yes", "")
    assert unnamed(window) == []  # the recommendation and the closing list
    window.find_calls()
    assert unnamed(window) == []


def test_every_control_of_the_dialogs_is_named(qtbot: QtBot, window: MainWindow) -> None:
    from rcrp_desktop.ui.dialogs.forms import Field

    form = FormDialog(
        window,
        "Handover",
        "",
        [Field("agency", "Organisation"), Field("status", "Outcome", "choice", (("a", "A"),))],
    )
    qtbot.add_widget(form)
    form.show()
    assert unnamed(form) == []
    shortcuts = ShortcutsDialog(window)
    qtbot.add_widget(shortcuts)
    shortcuts.show()
    assert unnamed(shortcuts) == []


def test_the_walk_finds_an_unnamed_control(qtbot: QtBot) -> None:
    """The check can fail: a bare push button with no text or name is reported."""
    from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout

    top = QWidget()
    layout = QVBoxLayout(top)
    bare = QPushButton()
    bare.setObjectName("bareButton")
    named = QLineEdit()
    named.setAccessibleName("Incident")
    layout.addWidget(bare)
    layout.addWidget(named)
    qtbot.add_widget(top)
    top.show()
    assert unnamed(top) == ["Button bareButton"]
