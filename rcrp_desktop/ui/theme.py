"""The look: the base stylesheet in resources/stylesheets, a theme laid over it (its
stylesheet and the palette of what Qt draws itself), and the window shown within the screen it
opens on."""

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStatusBar, QWidget

from rcrp_desktop import paths

# The type scale's body size. The rest of the scale is in the stylesheet; the body is the
# application's font, not a rule for every widget: a `QWidget { font-size }` rule sends every
# widget's painting through the stylesheet's slow path (the whole window drew in twice the time).
BODY_POINT_SIZE = 12


def stylesheet(theme: str = "light") -> str:
    """The base look, with the dimmed control-room theme over it when `theme` is "dim"."""
    resources = paths.resources_dir()
    parts = sorted((resources / "stylesheets").glob("*.qss"))
    if theme != "light":
        parts.append(resources / "themes" / f"{theme}.qss")
    return "\n".join(part.read_text(encoding="utf-8") for part in parts if part.exists())


def palette(theme: str) -> QPalette:
    """The theme's colours (resources/themes/THEME.palette.json) for what Qt draws itself.

    A palette, not a `QWidget { background; color }` rule: such a rule sends every widget's
    painting through the stylesheet's slow path, and leaves what Qt draws itself (an answer's
    indicator) in the light theme's colours on a dark ground. Every theme declares every role,
    so nothing is left to the platform's palette (a desktop in dark mode under the light
    theme) or to the style's (which costs the style's own types at every start, 15 ms).
    """
    data = json.loads(palette_file(theme).read_text(encoding="utf-8"))
    colours = QPalette()
    active, disabled = data["active"], data.get("disabled", {})
    for role, colour in active.items():
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            colours.setColor(group, QPalette.ColorRole[role], QColor(colour))
        # Disabled: the active colour wherever the theme does not say otherwise.
        colours.setColor(
            QPalette.ColorGroup.Disabled,
            QPalette.ColorRole[role],
            QColor(disabled.get(role, colour)),
        )
    return colours


def palette_file(theme: str) -> Path:
    """The file of a theme's palette: the light one's where the theme has none of its own."""
    themes = paths.resources_dir() / "themes"
    own = themes / f"{theme}.palette.json"
    return own if own.exists() else themes / "light.palette.json"


def apply_theme(theme: str = "light") -> None:
    """The body font, the palette and the stylesheet of `theme`, for the whole application."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        font = app.font()
        if font.pointSize() != BODY_POINT_SIZE:
            font.setPointSize(BODY_POINT_SIZE)
            app.setFont(font)
        app.setPalette(palette(theme))
        app.setStyleSheet(stylesheet(theme))


def toggle(theme: str, data_dir: Path | None, read_only: bool, status: QStatusBar) -> str:
    """The next look after `theme`, applied and kept in the data folder for next time (a
    read-only window keeps nothing, and says so); a failure to keep it is said, not raised."""
    from rcrp_desktop.calls.desk import THEMES, save_theme
    from rcrp_desktop.calls.errors import StorageError

    chosen = THEMES[(THEMES.index(theme) + 1) % len(THEMES)]
    apply_theme(chosen)
    if data_dir is not None:
        try:
            save_theme(data_dir, chosen)
        except StorageError as error:
            status.showMessage(str(error), 10_000)
    elif read_only:
        status.showMessage("The look is for this window only: it keeps nothing.")
    return chosen


def show_within_screen(window: QWidget) -> None:
    """Show a window within the screen it opens on: the whole of a small desk (a 1366x768
    control-room screen), otherwise a comfortable size; never wider or taller than the
    screen, whatever a page asks for."""
    available = window.screen().availableGeometry()
    window.setMaximumSize(available.size())
    if available.width() < 1600 or available.height() < 900:
        # The window manager fits the frame within the available area; one geometry before
        # the first paint (maximising after showing costs a second layout).
        window.setGeometry(available)
        window.setWindowState(Qt.WindowState.WindowMaximized)
    else:
        window.resize(min(1440, available.width() - 80), min(900, available.height() - 80))
    window.show()
