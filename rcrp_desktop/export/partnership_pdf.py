"""The partnership report (reportlab): the monitoring figures for a period, for the meeting with
partners; OFFICIAL-SENSITIVE on every page, counts only (no figure that names anyone), small
counts suppressed, each figure with how it is counted, its table, and where it is drawn its chart
drawn from the same rows; then the caveats and what each outcome means."""

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from rcrp_desktop import files
from rcrp_desktop.domain.monitoring.figures import CAVEATS
from rcrp_desktop.domain.monitoring.words import shown_row
from rcrp_desktop.domain.outcomes import MEANINGS
from rcrp_desktop.export import fonts
from rcrp_desktop.export.charts import chart_of, drawable, drawing
from rcrp_desktop.export.errors import ExportError
from rcrp_desktop.export.pages import build_a4
from rcrp_desktop.export.text import markup
from rcrp_desktop.storage.figures_run import FigureResult

MARKING = "OFFICIAL-SENSITIVE"
WIDTH, HEIGHT = A4
MARGIN = 18 * mm
TOP, BOTTOM = 22 * mm, 20 * mm
NO_CHART = "No chart: no count in it to draw (none yet, or each one suppressed)."


def render_report(
    results: Sequence[FigureResult],
    *,
    start: datetime,
    end_inclusive: datetime,
    source: str,
    suppress_below: int,
    made: datetime,
    invariant: bool = False,
    questions: Mapping[str, str] | None = None,
) -> tuple[bytes, int]:
    """The report's PDF bytes and its page count. Figures that name people are left out;
    `questions` (id -> words) shows each question by its words."""
    fonts.register()
    styles = _styles()
    period = f"{start:%d %B %Y} to {end_inclusive:%d %B %Y}"
    story: list[Flowable] = [
        Paragraph("Right Care, Right Person: partnership report", styles["title"]),
        Paragraph(markup(f"Calls made from {period}. {source}"), styles["body"]),
        Paragraph(
            markup(
                "Counts only: no person's details are in this report. "
                + (
                    f"A count from 1 to {suppress_below - 1} is shown as <{suppress_below}, as "
                    "published statistics do. "
                    if suppress_below > 1
                    else ""
                )
                + f"Made {made:%d %B %Y %H:%M} UTC."
            ),
            styles["body"],
        ),
    ]
    for result in results:
        if result.figure.personal:
            continue
        story.append(_figure(result, styles, questions or {}))
    story += [Spacer(0, 4 * mm), Paragraph("Caveats", styles["heading"])]
    story += [Paragraph(markup(f"• {caveat}"), styles["body"]) for caveat in CAVEATS]
    story += [Spacer(0, 4 * mm), Paragraph("What each outcome means", styles["heading"])]
    story.append(
        _table(
            ("Outcome", "Code", "For police"),
            [(m.title, code.value, m.summary) for code, m in MEANINGS.items()],
            styles,
        )
    )
    return build_a4(
        story,
        title="Right Care, Right Person: partnership report",
        subject="Monitoring figures (counts only)",
        margins=(MARGIN, TOP, BOTTOM),
        decorate=partial(_decorate, period=period),
        invariant=invariant,
        font_size=9,
    )


def _figure(
    result: FigureResult, styles: dict[str, ParagraphStyle], questions: Mapping[str, str]
) -> Flowable:
    figure = result.figure
    rows = [shown_row(figure, row, questions) for row in result.rows]
    parts: list[Flowable] = [
        Paragraph(markup(figure.title), styles["heading"]),
        Paragraph(markup(f"How it is counted: {figure.counted}"), styles["note"]),
    ]
    drawn = chart_of(figure.id)
    if drawn is not None and rows:
        parts.append(
            drawing(drawn, rows, WIDTH - 2 * MARGIN, 62 * mm)
            if drawable(drawn, rows)
            else Paragraph(NO_CHART, styles["note"])
        )
    parts.append(_table(figure.columns, rows, styles) if rows else
                 Paragraph("No calls in the period.", styles["body"]))  # fmt: skip
    return KeepTogether([*parts, Spacer(0, 3 * mm)])


def _table(
    columns: Sequence[str], rows: Sequence[Sequence[object]], styles: dict[str, ParagraphStyle]
) -> Table:
    data = [[Paragraph(markup(str(c)), styles["cell_head"]) for c in columns]]
    data += [[Paragraph(markup(str(value)), styles["cell"]) for value in row] for row in rows]
    table = Table(data, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9a9a9a")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=9, leading=12, spaceAfter=3)
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontName=fonts.BOLD, fontSize=15, leading=19, spaceAfter=6
        ),
        "heading": ParagraphStyle(
            "heading", parent=base, fontName=fonts.BOLD, fontSize=11, leading=14, spaceBefore=4
        ),
        "body": base,
        "note": ParagraphStyle(
            "note", parent=base, fontSize=8, leading=10.5, textColor=colors.HexColor("#333333")
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10, spaceAfter=0),
        "cell_head": ParagraphStyle(
            "cell_head", parent=base, fontName=fonts.BOLD, fontSize=8, leading=10, spaceAfter=0
        ),
    }


def _decorate(canvas: Canvas, page: int, pages: int, *, period: str) -> None:
    canvas.saveState()
    canvas.setFont(fonts.BOLD, 9)
    canvas.setFillColor(colors.HexColor("#b00020"))
    canvas.drawCentredString(WIDTH / 2, HEIGHT - 12 * mm, MARKING)
    canvas.drawCentredString(WIDTH / 2, 9 * mm, MARKING)
    canvas.setFont(fonts.REGULAR, 7.5)
    canvas.setFillColor(colors.black)
    canvas.drawString(MARGIN, 14 * mm, f"Partnership report, {period}")
    canvas.drawRightString(WIDTH - MARGIN, 14 * mm, f"Page {page} of {pages}")
    canvas.restoreState()


def save_report(
    path: Path,
    results: Sequence[FigureResult],
    *,
    start: datetime,
    end_inclusive: datetime,
    source: str,
    suppress_below: int,
    questions: Mapping[str, str] | None = None,
) -> int:
    """The report made now and written whole to `path` (ExportError, nothing left, if it
    cannot be); its page count."""
    pdf, pages = render_report(
        results, start=start, end_inclusive=end_inclusive, source=source,
        suppress_below=suppress_below, made=datetime.now(UTC), questions=questions,
    )  # fmt: skip
    try:
        files.write_atomically(path, pdf)
    except OSError as error:
        raise ExportError(
            f"The partnership report could not be saved as {path}: {error.strerror or error}"
        ) from error
    return pages
