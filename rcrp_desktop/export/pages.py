"""What every exported PDF page shares: "page N of M" and the TRAINING mark of a training record."""

from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from rcrp_desktop.export import fonts

Decorate = Callable[[Canvas, int, int], None]  # (canvas, page, of pages)
TRAINING_MARK = "TRAINING"


class NumberedCanvas(Canvas):
    """Holds each page back until the last is known, so that every page can say "of M".

    `pages`, if given, is told the page count when the document is saved.
    """

    def __init__(
        self, *args: Any, decorate: Decorate, pages: list[int] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._held: list[dict[str, Any]] = []
        self._decorate = decorate
        self._pages = pages

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]

    def save(self) -> None:
        total = len(self._held)
        if self._pages is not None:
            self._pages.append(total)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self._decorate(self, number, total)
            super().showPage()
        super().save()


def draw_training_mark(canvas: Canvas) -> None:
    """A large diagonal TRAINING across the page, light enough to read the page through."""
    width, height = A4
    canvas.saveState()
    canvas.setFillColor(colors.HexColor("#b00020"))
    canvas.setFillAlpha(0.09)
    canvas.setFont(fonts.BOLD, 110)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(50)
    canvas.drawCentredString(0, -38, TRAINING_MARK)
    canvas.restoreState()
