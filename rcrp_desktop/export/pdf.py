"""The handover as a PDF (reportlab platypus): marked, numbered and anchored on every page.

Every string passes through `text.markup` (escaped) on its way into a Paragraph and through a
glyph check against the face it will be drawn in; anything that cannot be printed correctly
stops the build with the characters named (fail closed), before a byte is written.
"""

import math
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from rcrp_desktop.export import fonts
from rcrp_desktop.export.errors import UnprintableError
from rcrp_desktop.export.model import Handover, Section
from rcrp_desktop.export.pages import Decorate, build_a4, draw_training_mark
from rcrp_desktop.export.text import Unprintable, clean, markup, unprintable

WIDTH, HEIGHT = A4
MARGIN = 16 * mm
TOP, BOTTOM = 25 * mm, 27 * mm
BODY = WIDTH - 2 * MARGIN
GRID = colors.HexColor("#9a9a9a")
SHADE = colors.HexColor("#e6e6e6")
COPY_RULE, COPY_SHADE = colors.HexColor("#1f3f73"), colors.HexColor("#e8eef8")
COPY_FOOT = 23.5 * mm  # the copy notice's foot, just above the footer's rule
# Relative column widths by number of columns: label/value, question tables, the trail.
WIDTHS = {2: (0.26, 0.74), 3: (0.32, 0.30, 0.38), 5: (0.11, 0.12, 0.22, 0.25, 0.30)}
CELL_SIZE = 8.5


def _style(name: str, face: str, size: float, **extra: Any) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=face, fontSize=size, leading=size * 1.25, **extra)


class _Styles:
    def __init__(self) -> None:
        self.title = _style("title", fonts.BOLD, 15, spaceAfter=2 * mm)
        self.subtitle = _style("subtitle", fonts.REGULAR, 10, spaceAfter=4 * mm)
        self.heading = _style("heading", fonts.BOLD, 11.5, spaceBefore=5 * mm, spaceAfter=2 * mm)
        self.cell = _style("cell", fonts.REGULAR, CELL_SIZE)
        self.label = _style("label", fonts.BOLD, CELL_SIZE)
        # Regular, not italic: every face used is embedded in the file, which costs time.
        self.note = _style("note", fonts.REGULAR, CELL_SIZE, textColor=colors.HexColor("#555555"))
        self.copy = _style("copy", fonts.BOLD, 9.5)
        self.copy_foot = _style("copy_foot", fonts.BOLD, 7)


class _Writer:
    """Makes the flowables, and notes every string with the face it is drawn in for the check."""

    def __init__(self) -> None:
        self.styles = _Styles()
        self.problems: list[Unprintable] = []

    def para(self, text: str, style: ParagraphStyle, where: str) -> Paragraph:
        self.check(text, style.fontName, where)
        return Paragraph(markup(text), style)

    def check(self, text: str, face: str, where: str) -> None:
        if not text.isascii() or not text.isprintable():
            self.problems += unprintable(text, fonts.drawable(face), where)

    def story(self, handover: Handover) -> list[Flowable]:
        s = self.styles
        recipient = handover.recipient.title
        story: list[Flowable] = [
            self.para(handover.title, s.title, "the title"),
            self.para(f"For: {handover.agency}  ·  {recipient}", s.subtitle, "the recipient"),
        ]
        if handover.copy is not None:  # under the title, and at the foot of every page
            notice = self.para(handover.copy.line(), s.copy, "the copy notice")
            story += [boxed(notice, BODY), Spacer(1, 3 * mm)]
        story.append(self.table(Section("header", "", ("", ""), handover.header, headed=False)))
        for section in handover.sections:
            # A new page for the appendix; for any other part, not a heading alone at the foot.
            story.append(PageBreak() if section.key == "trail" else CondPageBreak(45 * mm))
            story.append(self.para(section.title, s.heading, "a heading"))
            if section.rows:
                story.append(self.table(section))
            else:
                story.append(self.para(section.empty or "Nothing recorded.", s.note, "a note"))
        story.append(Spacer(1, 4 * mm))
        log = f" {handover.log_line()}." if handover.log_head else ""
        story.append(
            self.para(f"End of handover. {handover.anchor_line()}.{log}", s.note, "the end")
        )
        return story

    def table(self, section: Section) -> Table:
        s = self.styles
        count = len(section.columns)
        widths = [BODY * share for share in WIDTHS[count]]
        styles = [s.label if count == 2 and i == 0 else s.cell for i in range(count)]
        data: list[list[Paragraph]] = []
        if section.headed:
            data.append([self.para(text, s.label, "a column heading") for text in section.columns])
        ends = []  # the last table row of each row of the section, to rule a line under
        for row in section.rows:
            where = row[2] if count == 5 else row[0]  # the trail's step; else question or label
            for i, cell in enumerate(row):
                self.check(cell, styles[i].fontName, where)
            pieces = [_pieces(cell, widths[i]) for i, cell in enumerate(row)]
            for n in range(max(len(p) for p in pieces)):
                data.append(
                    [
                        Paragraph(markup(p[n]) if n < len(p) else "", styles[i])
                        for i, p in enumerate(pieces)
                    ]
                )
            ends.append(len(data) - 1)
        table = Table(
            data,
            colWidths=widths,
            repeatRows=1 if section.headed else 0,
            hAlign="LEFT",
        )
        commands: list[Any] = [
            ("FONT", (0, 0), (-1, -1), fonts.REGULAR, CELL_SIZE),  # not Helvetica, even unused
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        commands += [("LINEBELOW", (0, end), (-1, end), 0.4, GRID) for end in ends]
        if section.headed:
            commands += [
                ("BOX", (0, 0), (-1, -1), 0.4, GRID),
                ("INNERGRID", (0, 0), (-1, 0), 0.4, GRID),
                ("LINEAFTER", (0, 0), (-2, -1), 0.4, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ]
        table.setStyle(TableStyle(commands))
        return table


# A table row never splits across pages (reportlab's in-row split misplaces the remainder), so
# a long cell is cut into pieces that fit a page, each in a row of its own: a 20,000-character
# rationale flows on through as many pages as it needs. Pieces are measured in the font.
PIECE_LINES = 12  # small, so that a page is filled: the frame holds about 60 lines
FILL = 0.85  # a wrapped line is rarely full: count it as this much of the column's width


def _pieces(text: str, width: float) -> list[str]:
    """`text` in pieces of at most PIECE_LINES wrapped lines in a column this wide."""
    line = (width - 6) * FILL  # less the cell's padding
    if text.count("\n") < PIECE_LINES // 2 and (
        len(text) * CELL_SIZE < line  # one line even in the widest glyphs: no measuring
        or _measure(text) < line * PIECE_LINES / 2
    ):
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    lines = 0
    for paragraph in text.split("\n"):
        for part in _cut(paragraph, line * PIECE_LINES):
            need = max(1, math.ceil(_measure(part) / line))
            if current and lines + need > PIECE_LINES:
                pieces.append("\n".join(current))
                current, lines = [], 0
            current.append(part)
            lines += need
    pieces.append("\n".join(current))
    return pieces


def _cut(paragraph: str, budget: float) -> list[str]:
    """A paragraph in parts no wider than `budget` points, at spaces where there are any."""
    parts: list[str] = []
    words: list[str] = []
    used = 0.0
    space = _measure(" ")
    for word in paragraph.split(" "):
        size = _measure(word)
        if words and used + space + size > budget:
            parts.append(" ".join(words))
            words, used = [], 0.0
        while size > budget:  # one word longer than a piece: cut it where it fills one
            at = max(1, int(len(word) * budget / size))
            parts.append(word[:at])
            word = word[at:]
            size = _measure(word)
        words.append(word)
        used += size + (space if len(words) > 1 else 0)
    parts.append(" ".join(words))
    return parts


def boxed(content: Flowable, width: float) -> Table:
    """A flowable in a ruled, shaded box the width of the page's text: the copy notice."""
    box = Table([[content]], colWidths=[width], hAlign="LEFT")
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, COPY_RULE),
                ("BACKGROUND", (0, 0), (-1, -1), COPY_SHADE),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
                ("RIGHTPADDING", (0, 0), (-1, -1), 5),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return box


def _measure(text: str) -> float:
    return float(pdfmetrics.stringWidth(text, fonts.REGULAR, CELL_SIZE))


@dataclass(frozen=True)
class RenderedPdf:
    """A handover PDF in memory, and how many pages it has."""

    data: bytes
    pages: int


def render_pdf(handover: Handover, *, invariant: bool = False) -> RenderedPdf:
    """The PDF; UnprintableError, before anything is built, if some text cannot be drawn.

    `invariant` fixes the creation date and file id, so that the same input gives the same
    bytes (for tests); the generation time printed on every page is the handover's own.
    """
    fonts.register()
    writer = _Writer()
    story = writer.story(handover)
    notice = _copy_footer(handover, writer)
    decorate = _decoration(handover, writer, notice)
    if writer.problems:
        raise UnprintableError(handover.record_id, writer.problems)
    # A copy's notice takes its own lines above the footer: the text ends above them.
    bottom = BOTTOM if notice is None else COPY_FOOT + notice.height + 3 * mm
    data, pages = build_a4(
        story,
        # Metadata carries no personal data: no names, no incident, no record id (P6).
        title="RCRP handover to a partner agency" + (" (read-only copy)" if notice else ""),
        subject=handover.marking,
        margins=(MARGIN, TOP, bottom),
        decorate=decorate,
        invariant=invariant,
        font_size=CELL_SIZE,
    )
    return RenderedPdf(data, pages)


@dataclass(frozen=True)
class _Notice:
    """The copy notice as the foot of every page draws it, wrapped to the text's width."""

    box: Table
    height: float


def _copy_footer(handover: Handover, writer: _Writer) -> _Notice | None:
    """A read-only copy's notice for the foot of every page, or None for a recorded export."""
    if handover.copy is None:
        return None
    styles = writer.styles
    box = boxed(writer.para(handover.copy.line(), styles.copy_foot, "the copy notice"), BODY)
    _, height = box.wrap(BODY, HEIGHT)
    return _Notice(box, height)


def _decoration(handover: Handover, writer: _Writer, notice: _Notice | None = None) -> Decorate:
    """Header and footer for page n of m: marking top and bottom, anchor, pack, time (P3, P5),
    and a read-only copy's notice."""
    marking = clean(handover.marking)
    training = "TRAINING RECORD  ·  " if handover.training else ""
    top_left = clean(f"{training}RCRP handover  ·  {handover.recipient.title}")
    top_right = clean(
        f"Incident {handover.incident or 'not given'}  ·  Record {handover.record_id}"
    )
    anchor = f"Chain anchor: {handover.anchor_line()}"
    line = f"Protocol {handover.protocol}  ·  Generated {handover.generated}"
    writer.check(marking, fonts.BOLD, "the protective marking")
    for text in (top_left, top_right, anchor, line):
        writer.check(text, fonts.REGULAR, "the page header")
    # The running header is one line: each half is cut to fit (the full text is in the body).
    top_left, top_right = (_fit(text, BODY / 2 - 8) for text in (top_left, top_right))

    def decorate(canvas: Canvas, page: int, total: int) -> None:
        canvas.saveState()
        canvas.setFillColor(colors.black)
        canvas.setFont(fonts.BOLD, 10)
        canvas.drawCentredString(WIDTH / 2, HEIGHT - 11 * mm, marking)
        canvas.drawCentredString(WIDTH / 2, 8 * mm, marking)
        canvas.setFont(fonts.REGULAR, 7.5)
        canvas.drawString(MARGIN, HEIGHT - 17 * mm, top_left)
        canvas.drawRightString(WIDTH - MARGIN, HEIGHT - 17 * mm, top_right)
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, HEIGHT - 19 * mm, WIDTH - MARGIN, HEIGHT - 19 * mm)
        canvas.line(MARGIN, 22 * mm, WIDTH - MARGIN, 22 * mm)
        canvas.setFont(fonts.REGULAR, 6.8)
        canvas.drawString(MARGIN, 18 * mm, anchor)
        canvas.drawString(MARGIN, 14.5 * mm, line)
        canvas.setFont(fonts.BOLD, 8)
        canvas.drawRightString(WIDTH - MARGIN, 14.5 * mm, f"Page {page} of {total}")
        if notice is not None:
            notice.box.drawOn(canvas, MARGIN, COPY_FOOT)
        canvas.restoreState()
        if handover.training:  # a training run's handover can never pass for a live one
            draw_training_mark(canvas)

    return decorate


def _fit(text: str, width: float, size: float = 7.5) -> str:
    """One line of header text, cut with an ellipsis where it would be wider than `width`."""
    line = " ".join(text.split())
    if pdfmetrics.stringWidth(line, fonts.REGULAR, size) <= width:
        return line
    while line and pdfmetrics.stringWidth(line + "…", fonts.REGULAR, size) > width:
        line = line[: max(0, min(len(line) - 1, int(len(line) * 0.9)))]
    return line.rstrip() + "…"
