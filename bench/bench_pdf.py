"""One handover export against the bare PDF floor of the same length, measured in the same run.

    python bench/bench_pdf.py [--rounds R] [--recipient TYPE]

Ours: `export_handover` for the crisis-team call (forms/examples/welfare-crisis-team.json,
decided, with its handover and what the caller was told), as the window would run it: read
and check the record, build the PDF, write it atomically (fsync, rename), record the export
(one durable commit). The pack is already loaded, as in the app; each round exports a record
of its own, so no record grows during the run.

Floor (FLOOR.md's bare PDF, made as long as ours): a warm process, a title, a 20-row table
with wrapped cells and 10 paragraphs in DejaVu Sans, repeated until it has as many A4 pages
as our document, built with reportlab platypus and written to a file in the same folder.

Also reported: our build alone (content and PDF from a record already read, no file, no
database), against the same floor built in memory. Ours and the floor alternate round by
round, taking turns at going first (the machines are noisy: FLOOR.md). Target: the export's
median within 2x the floor's. Prints a table; exits 1 if the target is missed.
"""

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from rcrp_desktop.calls.exports import export_handover
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.call.closure import CallerInformed, Handover
from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.domain.pack.loader import load_pack
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.export import fonts
from rcrp_desktop.export.handover import HandoverRequest, handover_of
from rcrp_desktop.export.pdf import render_pdf
from rcrp_desktop.export.source import load_source
from rcrp_desktop.paths import examples_dir, forms_dir
from rcrp_desktop.storage.repository import Store

TARGET = 2.0
SCRIPT = "welfare-crisis-team.json"
USER = "handler01"
HANDOVER = Handover(
    "crisis_team",
    "Testshire and Sampleton NHS Foundation Trust",
    "North Crisis Resolution and Home Treatment Team",
    "Nurse A. Example",
    "Professionals line",
    "accepted",
    reference="CRT-2026-0555",
    agreed_action="Home visit by two practitioners tonight",
    eta="by 23:30",
)
TOLD = CallerInformed(
    False,
    "Police will not be coming to this. The crisis team will call you within the hour.",
    "Ring 111 and choose the mental-health option; 999 if anyone is in danger",
    "A weapon is seen, he is hurt, or he leaves the flat",
    True,
)
SENTENCE = "The quick brown fox jumps over the lazy dog near the riverbank at dawn. "


@dataclass(frozen=True)
class Row:
    """One line of the result: our median, the floor's, and the target on their ratio."""

    measure: str
    ours_ms: float
    floor_ms: float
    target: float | None

    @property
    def ratio(self) -> float:
        return self.ours_ms / self.floor_ms

    @property
    def passed(self) -> bool:
        return self.target is None or self.ratio <= self.target


def make_records(store: Store, pack: Pack, count: int) -> list[int]:
    """`count` copies of the decided crisis-team call with its notes, each its own record."""
    script = load_script(examples_dir() / SCRIPT)
    made = []
    for number in range(count):
        recorder = CallRecorder.start(store, pack, incident_ref=f"BENCH-{number:05d}", user=USER)
        for step in script.steps:
            recorder.answer(step.node, step.answer, step.rationale)
        assert recorder.advice.code is not None
        recorder.decide(recorder.advice.code, "")
        recorder.record(HANDOVER)
        recorder.record(TOLD)
        made.append(recorder.record_id)
    return made


def bare_pdf(target: str | io.BytesIO, blocks: int) -> None:
    """FLOOR.md's bare PDF, `blocks` times over: title, 20-row wrapped table, 10 paragraphs."""
    fonts.register()
    title = ParagraphStyle("t", fontName=fonts.BOLD, fontSize=15, leading=19)
    body = ParagraphStyle("b", fontName=fonts.REGULAR, fontSize=8.5, leading=10.6)
    head = ParagraphStyle("h", fontName=fonts.BOLD, fontSize=8.5, leading=10.6)
    story: list[object] = []
    for block in range(blocks):
        story.append(Paragraph(f"Bare document, part {block + 1}", title))
        rows = [[Paragraph(text, head) for text in ("Item", "Value", "Notes")]]
        for n in range(20):
            rows.append(
                [
                    Paragraph(f"Row {n}: a question of some length", body),
                    Paragraph(SENTENCE[: 20 + n * 2], body),
                    Paragraph(SENTENCE * (1 + n % 3), body),
                ]
            )
        table = Table(rows, colWidths=[55 * mm, 50 * mm, 70 * mm], repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, "grey")]))
        story.append(table)
        story += [Paragraph(SENTENCE * 4, body) for _ in range(10)]
    SimpleDocTemplate(target, pagesize=A4).build(story)


def pages_of(data: bytes) -> int:
    return data.count(b"/Type /Page\n") or data.count(b"/Type /Page ")


def alternate(
    rounds: int, ours: Callable[[int], object], floor: Callable[[int], object]
) -> tuple[list[float], list[float]]:
    """Time ours and the floor once each per round, taking turns at going first (ms)."""
    timed: dict[bool, list[float]] = {True: [], False: []}
    for number in range(rounds):
        for is_ours in (True, False) if number % 2 else (False, True):
            started = time.perf_counter()
            (ours if is_ours else floor)(number)
            timed[is_ours].append((time.perf_counter() - started) * 1000)
    return timed[True], timed[False]


def run(rounds: int, recipient: str, folder: Path) -> list[Row]:
    pack = load_pack(forms_dir() / "england/rcrp-england.toml")
    store = Store.open(folder / "records.sqlite3", "live")
    try:
        records = make_records(store, pack, rounds + 2)

        def find(*_: str) -> Pack:
            return pack

        def ours(number: int) -> None:
            export_handover(
                store,
                records[number],
                HandoverRequest(recipient, prepared_by=USER),
                folder / "ours.pdf",
                find_pack=find,
            )

        ours(rounds)  # warm: imports, fonts, templates
        our_pages = pages_of((folder / "ours.pdf").read_bytes())
        blocks = max(1, our_pages // 2)  # never longer than ours: each block is 2 pages
        buffer = io.BytesIO()
        bare_pdf(buffer, blocks)
        floor_pages = pages_of(buffer.getvalue())

        def floor(_: int) -> None:
            bare_pdf(str(folder / "floor.pdf"), blocks)

        export_ms, floor_ms = alternate(rounds, ours, floor)
        source = load_source(store, records[rounds + 1], find)

        def build(_: int) -> None:
            render_pdf(handover_of(source, HandoverRequest(recipient)))

        build_ms, memory_ms = alternate(rounds, build, lambda _: bare_pdf(io.BytesIO(), blocks))
    finally:
        store.close()
    label = f"({our_pages} pages; floor {floor_pages})"
    return [
        Row(f"export to a recorded file {label}", _median(export_ms), _median(floor_ms), TARGET),
        Row("build only, in memory", _median(build_ms), _median(memory_ms), None),
    ]


def _median(values: list[float]) -> float:
    return float(statistics.median(values))


def table(rows: list[Row]) -> str:
    lines = [f"{'measure':<46} {'ours':>10} {'floor':>10} {'ratio':>7}  target   result"]
    for row in rows:
        target = f"<= {row.target:g}x" if row.target else "(report)"
        result = ("PASS" if row.passed else "FAIL") if row.target else "-"
        lines.append(
            f"{row.measure:<46} {row.ours_ms:>8.2f}ms {row.floor_ms:>8.2f}ms "
            f"{row.ratio:>6.2f}x  {target:<8} {result}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--recipient", default="crisis_team")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as scratch:
        rows = run(args.rounds, args.recipient, Path(scratch))
    print(table(rows))
    return 0 if all(row.passed for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
