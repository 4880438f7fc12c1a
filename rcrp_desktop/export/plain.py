"""The handover as plain text, for pasting or sending through a secure route: the same content."""

from rcrp_desktop.export.model import Handover, Section
from rcrp_desktop.export.text import clean

INDENT = "    "


def render_text(handover: Handover) -> str:
    """The same sections, rows and integrity lines as the PDF, marked at top and bottom (and,
    for a read-only copy, its copy notice at both).

    Lines are not wrapped (mail clients wrap); continuation lines of a multi-line value are
    indented under it. Control characters are shown as [U+XXXX], as in the PDF.
    """
    marking = clean(handover.marking)
    lines = [marking]
    if handover.training:
        lines.append("TRAINING RECORD: not a live record")
    copy = [clean(handover.copy.line())] if handover.copy else []
    lines += copy
    title = clean(handover.title)
    lines += [title, "=" * min(len(title), 78), ""]
    lines += _pairs(handover.header)
    for section in handover.sections:
        lines += ["", clean(section.title), "-" * min(len(clean(section.title)), 78)]
        lines += _section(section)
    lines += [
        "",
        f"Chain anchor: {handover.anchor_line()}",
        *([f"{handover.log_line()}"] if handover.log_head else []),
        f"Protocol {handover.protocol}; generated {handover.generated}",
        *copy,
        marking,
    ]
    return "\n".join(lines) + "\n"


def _section(section: Section) -> list[str]:
    if not section.rows:
        return [clean(section.empty or "Nothing recorded.")]
    if not section.headed:
        return _pairs(section.rows)
    lines: list[str] = []
    headings = [clean(text) for text in section.columns]
    for row in section.rows:
        if len(row) == 5:  # the trail: time, by, step first; then answer and why
            lines.append(f"{clean(row[0])}  {clean(row[1])}  {_block(row[2], '')}")
            cells = list(zip(headings[3:], row[3:], strict=True))
        else:
            lines.append(f"* {_block(row[0], '  ')}")
            cells = list(zip(headings[1:], row[1:], strict=True))
        lines += [
            f"{INDENT}{label}: {_block(value, INDENT * 2)}" for label, value in cells if value
        ]
    return lines


def _pairs(rows: tuple[tuple[str, ...], ...]) -> list[str]:
    return [f"{clean(row[0])}: {_block(row[1], INDENT)}" for row in rows]


def _block(text: str, indent: str) -> str:
    """Text whose later lines are indented, so a multi-line answer stays under its label."""
    return clean(text).strip().replace("\n", "\n" + indent)
