"""What every exported PDF shares: the A4 document, "page N of M", the TRAINING mark."""

import io
from collections.abc import Callable
from functools import partial
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

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


def build_a4(
    story: list[Flowable],
    *,
    title: str,
    subject: str,
    margins: tuple[float, float, float],
    decorate: Decorate,
    invariant: bool,
    under_each_page: Callable[[Canvas, Any], None] | None = None,
    font_size: float = 8.5,
) -> tuple[bytes, int]:
    """Lay `story` out on A4 and return the file's bytes and its page count.

    `margins` are (side, top, bottom); `decorate` draws the running marks once the page
    count is known; `under_each_page` draws beneath each page's content as it starts.
    The metadata carries no personal data: the title and subject are fixed words.
    `invariant` fixes the creation date and file id, so that the same input gives the
    same bytes (for tests).
    """
    side, top, bottom = margins
    width, height = A4
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=side,
        rightMargin=side,
        topMargin=top,
        bottomMargin=bottom,
        title=title,
        author="",
        subject=subject,
        creator="rcrp-desktop",
        producer="rcrp-desktop",
        keywords=[],
        lang="en-GB",
        invariant=1 if invariant else 0,
        initialFontName=fonts.REGULAR,  # else every page refers to Helvetica
        initialFontSize=font_size,
    )
    frame = Frame(side, bottom, width - 2 * side, height - top - bottom, id="body")
    if under_each_page is None:
        template = PageTemplate(id="page", frames=[frame])
    else:
        template = PageTemplate(id="page", frames=[frame], onPage=under_each_page)
    doc.addPageTemplates([template])
    pages: list[int] = []
    doc.build(story, canvasmaker=partial(NumberedCanvas, decorate=decorate, pages=pages))
    return buffer.getvalue(), pages[0]
