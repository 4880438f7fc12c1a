"""Section progress down the side: done, current and still to come."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from rcrp_desktop.domain.pack.protocol import Pack


class ProgressPanel(QListWidget):
    """Lists the pack's sections and marks where the call is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("progressPanel")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName("Section progress")
        self.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(180)  # section names on a line or two, not one word a line
        self._shown: tuple[object, ...] = ()

    def show_progress(self, pack: Pack, visited: list[str], current: str | None) -> None:
        """visited: section ids of the path so far; current: the section on screen."""
        states = tuple(
            "current" if s.id == current else "done" if s.id in visited else "todo"
            for s in pack.sections
        )
        shown = (pack.id, pack.version, states)
        # Most answers stay in the same section: then nothing here changes, and rebuilding the
        # list would only lay it out and paint it again (a good part of a frame per answer).
        # A move to the next section changes two rows: those are set again, in place, so only
        # they are painted.
        if shown == self._shown:
            return
        same_pack = self._shown[:2] == shown[:2]
        self._shown = shown
        if not same_pack:
            self.clear()
            for section in pack.sections:
                self.addItem(QListWidgetItem(section.title))
        for row, (section, state) in enumerate(zip(pack.sections, states, strict=True)):
            item = self.item(row)
            mark = {"current": "▶", "done": "✓", "todo": "·"}[state]
            text = f"{mark}  {section.title}"
            if item.text() == text:
                continue
            item.setText(text)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{section.title}: {state}")
            font = item.font()
            font.setBold(state == "current")
            item.setFont(font)
