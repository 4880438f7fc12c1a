"""The look: the base stylesheet in resources/stylesheets, and a theme laid over it."""

from PySide6.QtWidgets import QApplication

from rcrp_desktop import paths


def stylesheet(theme: str = "light") -> str:
    """The base look, with the dimmed control-room theme over it when `theme` is "dim"."""
    resources = paths.resources_dir()
    parts = sorted((resources / "stylesheets").glob("*.qss"))
    if theme != "light":
        parts.append(resources / "themes" / f"{theme}.qss")
    return "\n".join(part.read_text(encoding="utf-8") for part in parts if part.exists())


def apply_theme(theme: str) -> None:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        app.setStyleSheet(stylesheet(theme))
