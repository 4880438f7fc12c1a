"""The training debrief PDF read back with pypdf: band, divergences, learning, TRAINING marks."""

import io
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pypdf
import pytest

from rcrp_desktop.calls.commands import LetTimePass
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.cli import main
from rcrp_desktop.domain.training.scenario import Scenario
from rcrp_desktop.domain.training.scoring import Band
from rcrp_desktop.export.debrief_pdf import (
    Debrief,
    DebriefUnprintableError,
    debrief_of,
    render_debrief,
    save_debrief,
)
from rcrp_desktop.export.errors import ExportError
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.training_runs import scenario_note
from tests.artifacts import artifacts

from .records import squash

PICTURES = artifacts("pdf")
TRAINEE = "PC 4522 Jo Example"


def run(
    store: Store,
    scenario: Scenario,
    *,
    trainee: str = TRAINEE,
    answers: dict[str, object] | None = None,
    rationales: dict[str, str] | None = None,
    skip: float = 0,
) -> int:
    """A trainee works the scenario's model run, with some answers and rationales their own."""
    recorder = CallRecorder.start(
        store,
        scenario.pack,
        incident_ref="TRAINING",
        user="PC 1",
        scenario=scenario_note(scenario, trainee),
    )
    for step in scenario.model:
        value = (answers or {}).get(step.node, step.value)
        rationale = (rationales or {}).get(step.node, step.rationale)
        state = recorder.state
        if step.action == "answer" and not state.finished and state.current == step.node:
            recorder.answer(step.node, value, rationale)
        elif step.action == "change" and step.node in state.answers:
            if skip:
                recorder.execute(LetTimePass(record_id=recorder.record_id, seconds=int(skip)))
            recorder.change(step.node, value, rationale, step.reason)
    return recorder.record_id


def text_of(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [page.extract_text() for page in reader.pages]


def test_a_poor_run_shows_its_band_and_every_divergence_with_its_learning_point(
    training: Store, shipped: dict[str, Scenario]
) -> None:
    scenario = shipped["late-overdose-disclosure"]
    record = run(training, scenario, answers={"thr_life": "no"}, rationales={"thr_crime": "No."})
    debrief = debrief_of(training, record, shipped.values())
    score = debrief.score
    assert score.band is Band.PARTIAL
    assert any(f.critical for f in score.divergences) and not all(
        f.critical for f in score.divergences
    )
    pages = text_of(render_debrief(debrief))
    whole = squash("\n".join(pages))
    assert squash("Band: PARTIAL") in whole
    assert squash(TRAINEE) in whole
    positions = []
    for finding in score.divergences:
        assert squash(finding.label) in whole
        assert squash(finding.expected) in whole
        assert squash(finding.given) in whole
        assert squash(finding.learning) in whole, finding.label
        positions.append(whole.index(squash(finding.learning)))
    assert positions == sorted(positions), "in the score's order: safety-critical first"
    critical = [f.critical for f in score.divergences]
    assert critical == sorted(critical, reverse=True)
    for point in scenario.learning_points:
        assert squash(point) in whole


def test_training_is_marked_on_every_page_with_page_n_of_m(
    training: Store, shipped: dict[str, Scenario]
) -> None:
    scenario = shipped["late-overdose-disclosure"]
    long = " ".join(["He said the tablets were in the kitchen drawer, opened today."] * 300)
    record = run(training, scenario, rationales={"thr_crime": long})
    pages = text_of(render_debrief(debrief_of(training, record, shipped.values())))
    assert len(pages) >= 3, "a long rationale flows on over pages"
    for number, page in enumerate(pages, 1):
        assert page.count("TRAINING") >= 2, f"page {number}: the marks top and bottom"
        assert f"Page {number} of {len(pages)}" in page


def test_the_model_run_with_time_let_pass_says_so(
    training: Store, shipped: dict[str, Scenario]
) -> None:
    scenario = shipped["s136-handover-past-an-hour"]
    record = run(training, scenario, skip=420)
    debrief = debrief_of(training, record, shipped.values())
    assert debrief.score.band is Band.HIGH_COMPLIANCE
    whole = squash("\n".join(text_of(render_debrief(debrief))))
    assert squash("Band: HIGH COMPLIANCE") in whole
    assert squash("Nowhere: every item was met.") in whole
    assert squash("The trainer let 7 min 00 s of scenario time pass") in whole


def test_user_text_is_printed_as_typed_never_as_markup(
    training: Store, shipped: dict[str, Scenario]
) -> None:
    trainee = "PC 1 <b>Bold</b> & <font size=40>Big</font> Ŵyn"
    record = run(training, shipped["late-overdose-disclosure"], trainee=trainee)
    whole = "\n".join(text_of(render_debrief(debrief_of(training, record, shipped.values()))))
    assert squash(trainee) in squash(whole)


def test_text_that_cannot_be_printed_stops_the_pdf_before_anything_is_written(
    training: Store, shipped: dict[str, Scenario], tmp_path: Path
) -> None:
    record = run(training, shipped["late-overdose-disclosure"], trainee="PC 1 سارا")
    debrief = debrief_of(training, record, shipped.values())
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "debrief.pdf"
    target.write_bytes(b"the previous file")
    with pytest.raises(DebriefUnprintableError, match="right-to-left"):
        save_debrief(debrief, target)
    assert target.read_bytes() == b"the previous file"
    assert list(folder.iterdir()) == [target], "no partial file left beside it"


def test_saved_whole_owner_only_and_the_same_debrief_gives_the_same_bytes(
    training: Store, shipped: dict[str, Scenario], tmp_path: Path
) -> None:
    record = run(training, shipped["naloxone-walkout"])
    debrief = debrief_of(training, record, shipped.values())
    saved = save_debrief(debrief, tmp_path / "d.pdf")
    assert saved.stat().st_mode & 0o077 == 0
    assert pypdf.PdfReader(saved).metadata.title == "RCRP training debrief"
    assert TRAINEE not in str(pypdf.PdfReader(saved).metadata)
    assert render_debrief(debrief, invariant=True) == render_debrief(debrief, invariant=True)
    with pytest.raises(ExportError, match="existing folder"):
        save_debrief(debrief, tmp_path / "missing" / "d.pdf")


def test_only_training_records_are_debriefed(data_dir: Path, shipped: dict[str, Scenario]) -> None:
    live = Store.open(database_path(data_dir, "live"), "live")
    try:
        with pytest.raises(StorageError, match="training database"):
            debrief_of(live, 1, shipped.values())
    finally:
        live.close()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_debriefs_drawn_to_look_at(training: Store, shipped: dict[str, Scenario]) -> None:
    """$RCRP_ARTIFACTS/pdf/debrief-*.png: a good run and a poor one, as a reader sees them."""
    PICTURES.mkdir(parents=True, exist_ok=True)
    good = run(training, shipped["s136-handover-past-an-hour"], skip=420)
    poor = run(training, shipped["late-overdose-disclosure"], answers={"thr_life": "no"})
    for name, record in (("debrief-good", good), ("debrief-poor", poor)):
        for old in PICTURES.glob(f"{name}*"):
            old.unlink()
        debrief: Debrief = debrief_of(training, record, shipped.values())
        pdf = save_debrief(replace(debrief, generated="2026-06-01 10:00"), PICTURES / f"{name}.pdf")
        subprocess.run(
            ["pdftoppm", "-r", "70", "-png", str(pdf), str(PICTURES / name)],
            check=True,
            timeout=120,
        )
        drawn = sorted(PICTURES.glob(f"{name}-*.png"))
        assert drawn and all(picture.stat().st_size > 10_000 for picture in drawn)


def test_the_cli_saves_a_runs_debrief(
    training: Store,
    shipped: dict[str, Scenario],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    record = run(training, shipped["naloxone-walkout"])
    target = tmp_path / "debrief.pdf"
    assert main(["scenario", "debrief", str(record), "--out", str(target)]) == 0
    assert f"record {record} (high compliance)" in capsys.readouterr().out
    pages = [p.extract_text() for p in pypdf.PdfReader(target).pages]
    assert all("TRAINING" in page for page in pages)


def test_the_cli_says_in_one_line_what_it_cannot_debrief(
    training: Store,
    shipped: dict[str, Scenario],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plain = CallRecorder.start(
        training, shipped["naloxone-walkout"].pack, incident_ref="", user="x"
    )
    for record, why in ((plain.record_id, "not a training scenario run"), (999, "no record 999")):
        assert main(["scenario", "debrief", str(record), "--out", str(tmp_path / "d.pdf")]) == 2
        said = capsys.readouterr().err
        assert why in said.lower() and said.count("\n") == 1
    assert not (tmp_path / "d.pdf").exists()
