"""A training run's debrief as a PDF (reportlab platypus): TRAINING on every page, page N of M.

`debrief_of` gathers what the debrief says from a stored run in the training database (its
score, trainee and any time the trainer let pass); `render_debrief` is a pure function of that
and returns the PDF's bytes; `save_debrief` writes them whole or not at all. Every string is
escaped (`text.markup`) and glyph-checked against the face it is drawn in; anything that
cannot be printed correctly stops the build, naming the characters, before a byte is written.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
)

from rcrp_desktop.domain.training.findings import Check, Finding
from rcrp_desktop.domain.training.scenario import Scenario
from rcrp_desktop.domain.training.scoring import Band, Score
from rcrp_desktop.export import fonts
from rcrp_desktop.export.errors import ExportError
from rcrp_desktop.export.files import write_atomically
from rcrp_desktop.export.pages import TRAINING_MARK, build_a4, draw_training_mark
from rcrp_desktop.export.text import Unprintable, markup, unprintable
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.training_runs import (
    CLOCK_NOTE,
    scenario_of,
    score_record,
    time_passed,
)
from rcrp_desktop.times import parse_utc, shown_minute

WIDTH, HEIGHT = A4
MARGIN = 18 * mm
TOP, BOTTOM = 24 * mm, 22 * mm
MARK = TRAINING_MARK
BAND_COLOURS = {
    Band.HIGH_COMPLIANCE: "#1e6b30",
    Band.COMPLIANT: "#2f6f9f",
    Band.PARTIAL: "#9a6200",
    Band.LOW: "#b03a00",
    Band.NON_COMPLIANT: "#b00020",
}


@dataclass(frozen=True)
class Debrief:
    """Everything a debrief shows, for the screen and the PDF alike."""

    record_id: int
    trainee: str
    scenario_id: str
    scenario_version: str
    title: str
    pack: str  # the protocol pack and version the run was made under
    started: str  # local time, as people read it
    status: str  # the record's: open or closed
    score: Score
    learning_points: tuple[str, ...] = ()
    time_passed: tuple[tuple[float, float], ...] = ()  # (real seconds into the call, seconds)
    generated: str = ""

    @property
    def clock_text(self) -> str:
        """What the trainer's "time passes" control did, in a sentence; "" if never used."""
        if not self.time_passed:
            return ""
        total = sum(seconds for _, seconds in self.time_passed)
        each = ", ".join(f"{duration(s)} at {duration(at)}" for at, s in self.time_passed)
        return (
            f"The trainer let {duration(total)} of scenario time pass ({each} into the call, "
            "real time). Times in this debrief are on the scenario clock; the record keeps "
            "the real times."
        )


def duration(seconds: float) -> str:
    """Seconds as people say them: "45 s", "7 min 05 s"."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60} min {whole % 60:02d} s"


def debrief_of(store: Store, record_id: int, scenarios: Iterable[Scenario]) -> Debrief:
    """The debrief of a stored run (the store must be the training database)."""
    installed = list(scenarios)
    score = score_record(store, record_id, installed)
    header = store.record(record_id)
    events = store.events(record_id)
    note = scenario_of(events) or {}
    scenario = next((s for s in installed if s.id == score.scenario_id), None)
    start = _when(header.created_utc)
    skips = tuple(
        ((_when(e.utc) - start).total_seconds(), time_passed(e.payload))
        for e in events
        if e.kind == CLOCK_NOTE and time_passed(e.payload)
    )
    return Debrief(
        record_id=record_id,
        trainee=str(note.get("trainee") or header.handler),
        scenario_id=score.scenario_id,
        scenario_version=str(note.get("version", score.scenario_version)),
        title=str(note.get("title") or (scenario.title if scenario else "")),
        pack=f"{header.pack_id} {header.pack_version}",
        started=_local(start),
        status=header.status,
        score=score,
        learning_points=scenario.learning_points if scenario else (),
        time_passed=skips,
        generated=_local(datetime.now().astimezone()),
    )


class DebriefUnprintableError(ExportError):
    """The debrief holds characters the PDF cannot print correctly: nothing is written."""

    def __init__(self, record_id: int, found: list[Unprintable]) -> None:
        self.found = found
        shown = "; ".join(str(item) for item in found[:8])
        super().__init__(
            f"The debrief PDF for record {record_id} was not made: it holds characters it "
            f"cannot print correctly. {shown}. Nothing was written."
        )


def _style(name: str, face: str, size: float, **extra: Any) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=face, fontSize=size, leading=size * 1.3, **extra)


class _Writer:
    """Makes the flowables and notes every string with its face for the glyph check."""

    def __init__(self) -> None:
        self.problems: list[Unprintable] = []
        self.title = _style("title", fonts.BOLD, 15, spaceAfter=2 * mm)
        self.heading = _style("heading", fonts.BOLD, 12, spaceBefore=5 * mm, spaceAfter=2 * mm)
        self.body = _style("body", fonts.REGULAR, 9.5, spaceAfter=1.2 * mm)
        self.item = _style("item", fonts.BOLD, 9.5, spaceBefore=2.5 * mm, spaceAfter=1 * mm)
        self.detail = _style("detail", fonts.REGULAR, 9, leftIndent=6 * mm, spaceAfter=0.8 * mm)
        self.note = _style("note", fonts.ITALIC, 8.5, textColor=colors.HexColor("#444444"))

    def para(self, text: str, style: ParagraphStyle, where: str, prefix: str = "") -> Paragraph:
        """A paragraph of `text` (escaped), after an optional bold `prefix` of our own."""
        self.check(text, style.fontName, where)
        if prefix:
            self.check(prefix, fonts.BOLD, where)
            return Paragraph(f"<b>{markup(prefix)}</b> {markup(text)}", style)
        return Paragraph(markup(text), style)

    def check(self, text: str, face: str, where: str) -> None:
        if not text.isascii() or not text.isprintable():
            self.problems += unprintable(text, fonts.drawable(face), where)

    def story(self, debrief: Debrief) -> list[Flowable]:
        score = debrief.score
        band = _style(
            "band",
            fonts.BOLD,
            14,
            textColor=colors.white,
            backColor=colors.HexColor(BAND_COLOURS.get(score.band, "#333333")),
            borderPadding=(2 * mm, 3 * mm, 2 * mm, 3 * mm),
            spaceBefore=3 * mm,
            spaceAfter=5 * mm,
        )
        met = sum(1 for f in score.findings if f.met)
        story: list[Flowable] = [
            self.para(f"Training debrief: {debrief.title}", self.title, "the title"),
            self.para(f"Band: {score.band.value.upper()}", band, "the band"),
        ]
        rows = [
            ("Trainee:", debrief.trainee or "not given"),
            ("Scenario:", f"{debrief.scenario_id} {debrief.scenario_version}"),
            ("Protocol pack:", debrief.pack),
            (
                "Training record:",
                f"{debrief.record_id} ({debrief.status}), started {debrief.started}",
            ),
            ("Outcome expected:", score.outcome_expected),
            ("Outcome reached:", score.outcome_given),
            ("Time to the urgent decision:", urgent_text(score)),
            ("Time to the outcome:", outcome_text(score)),
            ("Items met:", f"{met} of {len(score.findings)}"),
        ]
        story += [self.para(value, self.body, label, prefix=label) for label, value in rows]
        if debrief.clock_text:
            story.append(self.para(debrief.clock_text, self.note, "the scenario clock"))
        story.append(self.para("Where the run diverged", self.heading, "a heading"))
        if not score.divergences:
            story.append(self.para("Nowhere: every item was met.", self.body, "the debrief"))
        story += [self.finding(n, f) for n, f in enumerate(score.divergences, 1)]
        done = [f for f in score.findings if f.met]
        story.append(self.para("Items met", self.heading, "a heading"))
        if not done:
            story.append(self.para("None.", self.body, "the debrief"))
        for finding in done:  # named by its label (the question's words), never by its id
            story.append(
                self.para(f"{finding.label} — {finding.given}", self.body, finding.label, "✓")
            )
        if debrief.learning_points:
            story.append(self.para("Learning points", self.heading, "a heading"))
            story += [
                self.para(point, self.body, "a learning point", prefix="•")
                for point in debrief.learning_points
            ]
        story.append(Spacer(1, 4 * mm))
        story.append(
            self.para(
                f"End of debrief. Generated {debrief.generated}. A training record, not a "
                "live call.",
                self.note,
                "the end",
            )
        )
        return story

    def finding(self, number: int, finding: Finding) -> Flowable:
        mark = "SAFETY-CRITICAL" if finding.critical else "minor"
        head = f"{number}. {mark}: {finding.label}"
        parts: list[Flowable] = [
            self.para(head, self.item, finding.label),
            self.para(finding.expected, self.detail, finding.label, prefix="Expected:"),
            self.para(finding.given, self.detail, finding.label, prefix="Given:"),
            self.para(finding.learning, self.detail, finding.label, prefix="Learning point:"),
        ]
        return KeepTogether(parts)


def render_debrief(debrief: Debrief, *, invariant: bool = False) -> bytes:
    """The debrief PDF's bytes; DebriefUnprintableError, before building, for unprintable text.

    `invariant` fixes the creation date and file id, so the same debrief gives the same bytes.
    """
    fonts.register()
    writer = _Writer()
    story = writer.story(debrief)
    footer = f"Training debrief  ·  record {debrief.record_id}  ·  generated {debrief.generated}"
    writer.check(footer, fonts.REGULAR, "the page footer")
    if writer.problems:
        raise DebriefUnprintableError(debrief.record_id, writer.problems)
    data, _pages = build_a4(
        story,
        title="RCRP training debrief",  # no names in the metadata
        subject=MARK,
        margins=(MARGIN, TOP, BOTTOM),
        decorate=partial(_decorate, footer=footer),
        invariant=invariant,
        under_each_page=_watermark,
    )
    return data


def save_debrief(debrief: Debrief, path: Path) -> Path:
    """Render and write the debrief atomically (owner-only); ExportError says what went wrong."""
    target = path.expanduser().absolute()
    if target.is_dir() or not target.parent.is_dir():
        raise ExportError(f"Cannot save the debrief as {path}: give a file in an existing folder.")
    data = render_debrief(debrief)
    try:
        write_atomically(target, data)
    except ExportError as error:
        cause = error.__cause__
        why = getattr(cause, "strerror", None) or cause or error
        raise ExportError(f"Cannot save the debrief as {target}: {why}") from error
    return target


def _watermark(canvas: Canvas, doc: Any) -> None:
    """TRAINING under the page's content (drawn as each page starts)."""
    draw_training_mark(canvas)


def _decorate(canvas: Canvas, page: int, total: int, *, footer: str) -> None:
    """The running marks, drawn when the page count is known: TRAINING top and bottom."""
    canvas.saveState()
    canvas.setFillColor(colors.HexColor("#b00020"))
    canvas.setFont(fonts.BOLD, 10)
    canvas.drawCentredString(WIDTH / 2, HEIGHT - 11 * mm, f"{MARK}  ·  NOT A LIVE RECORD")
    canvas.drawCentredString(WIDTH / 2, 7 * mm, MARK)
    canvas.setFillColor(colors.black)
    canvas.setFont(fonts.REGULAR, 7.5)
    canvas.drawString(MARGIN, 13 * mm, footer[:120])
    canvas.setFont(fonts.BOLD, 8)
    canvas.drawRightString(WIDTH - MARGIN, 13 * mm, f"Page {page} of {total}")
    canvas.restoreState()


def urgent_text(score: Score) -> str:
    """The time to the urgent decision as the debrief shows it."""
    if not score.timed:
        return "not timed (the run has no timings)"
    if not any(f.check is Check.URGENT_TIME for f in score.findings):
        return "not timed in this scenario"
    return duration(score.urgent_seconds) if score.urgent_seconds is not None else "never made"


def outcome_text(score: Score) -> str:
    """The time to the outcome as the debrief shows it."""
    if not score.timed:
        return "not timed (the run has no timings)"
    if score.outcome_seconds is None:
        return "no outcome reached"
    return duration(score.outcome_seconds)


def _when(utc: str) -> datetime:
    return parse_utc(utc)


def _local(when: datetime) -> str:
    return shown_minute(when)
