"""Each recipient type's PDF, read back with pypdf and checked against the stored record."""

from pathlib import Path

import pytest

from rcrp_desktop.calls.exports import export_handover, export_handover_text
from rcrp_desktop.domain.call.closure import (
    CallerInformed,
    Exported,
    Handover,
    ReferrerInformed,
    note_from,
)
from rcrp_desktop.domain.call.walk import answer_label
from rcrp_desktop.domain.outcomes import MEANINGS
from rcrp_desktop.domain.pack.protocol import InputKind, Pack, Question
from rcrp_desktop.export.handover import HandoverRequest
from rcrp_desktop.export.recipients import QUESTION_PARTS, Templates, recipients_for
from rcrp_desktop.export.source import ExportSource, load_source
from rcrp_desktop.storage.repository import Store

from .records import CASES, USER, make_record, pages, squash

RECIPIENTS = sorted(CASES)


def expected_rows(source: ExportSource, nodes: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(question, answer, rationale) for each answered node, read straight from pack and state."""
    rows = []
    for node in nodes:
        question, given = source.pack.nodes.get(node), source.state.answers.get(node)
        if isinstance(question, Question) and given is not None:
            rows.append((question.text, answer_label(question, given.value), given.rationale))
    return rows


@pytest.mark.parametrize("recipient", RECIPIENTS)
def test_every_part_matches_the_stored_record(
    recipient: str,
    store: Store,
    packs: dict[str, Pack],
    templates: Templates,
    tmp_path: Path,
) -> None:
    case = CASES[recipient]
    record = make_record(store, packs, case)
    source = load_source(store, record)
    assert recipient in [r.id for r in recipients_for(source, templates)]
    result = export_handover(
        store, record, HandoverRequest(recipient, prepared_by=USER), tmp_path / "h.pdf"
    )
    text = squash("\n".join(pages(tmp_path / "h.pdf")))
    plain = squash(
        export_handover_text(store, record, HandoverRequest(recipient, prepared_by=USER)).text
    )
    chosen = templates.recipient(recipient)

    def shown(value: str) -> bool:
        return squash(value) in text and squash(value) in plain

    # Header (brief §8.1): force, incident, times, handler, protocol.
    header = source.header
    assert shown(templates.force[header.force_profile])
    assert shown(header.incident_ref)
    assert shown(source.events[0].local[:19].replace("T", " "))
    assert shown(header.handler)
    assert shown(f"{source.pack.id} {source.pack.version}")
    decided = next(e for e in source.events if e.kind == "decide")
    assert shown(decided.local[:19].replace("T", " "))
    # Every part the template names, in the template's order, and no other part.
    titles = [templates.parts[key].title for key in chosen.parts]
    at = [text.find(squash(title)) for title in titles]
    assert all(i >= 0 for i in at) and at == sorted(at), titles
    for key in set(templates.parts) - set(chosen.parts):
        assert squash(templates.parts[key].title) not in text, key
    # Question parts: every answered question with its answer and the facts relied on.
    for key in QUESTION_PARTS & set(chosen.parts):
        nodes = tuple(n for n in templates.parts[key].nodes if n not in chosen.omit)
        for question, answer, rationale in expected_rows(source, nodes):
            assert shown(question) and shown(answer or "(left blank)"), question
            assert shown(rationale), rationale
    # Minimum necessary: omitted questions' answers appear nowhere, not even in the trail.
    for question, answer, rationale in expected_rows(source, tuple(chosen.omit)):
        question_node = next(
            n for n in source.pack.nodes.values() if getattr(n, "text", None) == question
        )
        assert isinstance(question_node, Question)
        assert squash(question) not in text and squash(question) not in plain
        if question_node.input is InputKind.TEXT and answer:
            assert squash(answer) not in text
        if len(rationale) > 20:
            assert squash(rationale) not in text
    # Receiving agency and named contact, from the handover note.
    handover = next(n for n in case.notes if isinstance(n, Handover))
    for value in (handover.agency, handover.team, handover.contact, handover.reference):
        assert shown(value)
    assert shown(handover.agreed_action)
    # Plan: the decision, what police will do, the triggers that bring police back.
    decision = source.state.decision
    assert decision is not None and shown(MEANINGS[decision.code].title)
    told = next((n for n in case.notes if isinstance(n, CallerInformed)), None)
    if told is not None:
        assert shown(told.recontact_triggers)
        if "caller" in chosen.parts:
            assert shown(told.wording) and shown(told.advice)
    for referrer in (n for n in case.notes if isinstance(n, ReferrerInformed)):
        assert shown(referrer.who) == ("caller" in chosen.parts)
    # The information-sharing basis, and the read-back line.
    assert shown(chosen.lawful_basis) and shown("Received by")
    # The appendix: every answer with its question, time and person, where the type has it.
    if "trail" in chosen.parts:
        for event in source.events:
            if event.kind == "answer" and event.payload["node"] not in chosen.omit:
                question = source.pack.nodes[event.payload["node"]]
                assert isinstance(question, Question)
                assert shown(question.text) and shown(event.local[:19].replace("T", " "))
        assert text.count(squash(USER)) > 20
    else:
        assert squash(templates.parts["trail"].title) not in text
    # The export is in the record (R23): what, to whom, the basis and the exact file.
    assert result.event.kind == "exported"
    stored = note_from("exported", store.events(record)[-2].payload)
    assert isinstance(stored, Exported) and stored.document == "handover_pdf"
    assert stored.recipient == recipient and stored.agency.startswith(handover.agency)
    assert stored.lawful_basis == chosen.lawful_basis
    assert stored.sha256 == result.sha256 == _sha256(tmp_path / "h.pdf")
    assert stored.file == "h.pdf" and stored.contents.startswith(titles[0])


def test_place_of_safety_shows_the_one_hour_expectation(
    store: Store, packs: dict[str, Pack], tmp_path: Path
) -> None:
    case = CASES["place_of_safety"]
    record = make_record(store, packs, case)
    export_handover(
        store, record, HandoverRequest("place_of_safety", prepared_by=USER), tmp_path / "pos.pdf"
    )
    text = squash("\n".join(pages(tmp_path / "pos.pdf")))
    handover_note = next(e for e in store.events(record) if e.kind == "handover")
    why = case.changes["s136_handover"][1]
    for expected in (
        "Arrival at the place of safety03:10, from the officers",
        "Handover to health staff" + handover_note.local[:19].replace("T", " "),
        "Against the one-hour expectationStill waiting after an hour: both agencies agreed police "
        "stay",
        "Extension agreed by both agenciesyes",
        "Who agreed, and why" + why,
        "Heddlu Testshire / Testshire Police",
        "Bwrdd Iechyd Prifysgol Enghraifft",
    ):
        assert squash(expected) in text, expected


def test_place_of_safety_shows_the_time_health_staff_took_over(
    store: Store, packs: dict[str, Pack], tmp_path: Path
) -> None:
    from rcrp_desktop.calls.recorder import CallRecorder
    from rcrp_desktop.domain.call.script import load_script
    from rcrp_desktop.paths import examples_dir

    name = "s136-handed-over-after-hour-agreed"
    call = CallRecorder.start(store, packs["rcrp-england"], incident_ref=name, user=USER)
    for step in load_script(examples_dir() / f"{name}.json").steps:
        call.answer(step.node, step.answer, step.rationale)
    export_handover(
        store,
        call.record_id,
        HandoverRequest("place_of_safety", prepared_by=USER),
        tmp_path / "pos.pdf",
    )
    text = squash("\n".join(pages(tmp_path / "pos.pdf")))
    for expected in (
        "Arrival at the place of safety01:20, per the place-of-safety log",
        "Handover to health staff02:45, the nurse in charge, confirmed by the officers",
        "Against the one-hour expectationHanded over after the hour, as both agencies had agreed",
    ):
        assert squash(expected) in text, expected


def test_redacted_third_party_details_are_absent(
    store: Store, packs: dict[str, Pack], templates: Templates, tmp_path: Path
) -> None:
    case = CASES["childrens_services"]
    record = make_record(
        store,
        packs,
        case,
        changes={"ctx_callback": ("07700 900526", "Mother's mobile, given by her")},
    )
    source = load_source(store, record)
    private = [
        source.state.answers["ctx_caller_type"].rationale,  # the caller's name, in the note
        "07700 900526",
        "Mother's mobile, given by her",
    ]
    export_handover(
        store,
        record,
        HandoverRequest("childrens_services", prepared_by=USER),
        tmp_path / "open.pdf",
    )
    result = export_handover(
        store,
        record,
        HandoverRequest("childrens_services", redact=True, prepared_by=USER),
        tmp_path / "r.pdf",
    )
    plain = export_handover_text(
        store, record, HandoverRequest("childrens_services", redact=True, prepared_by=USER)
    ).text
    shown = squash("\n".join(pages(tmp_path / "open.pdf")))
    redacted = squash("\n".join(pages(tmp_path / "r.pdf")))
    for value in private:
        assert squash(value) in shown
        assert squash(value) not in redacted and squash(value) not in squash(plain)
    assert redacted.count(squash(templates.redacted)) >= 3
    assert result.note.redacted and "Third-partydetailsredacted" in redacted


def test_a_redacted_trail_hides_changed_answers_too(
    store: Store, packs: dict[str, Pack], tmp_path: Path
) -> None:
    """The appendix keeps every change of answer: the superseded value is third-party too."""
    case = CASES["crisis_team"]
    record = make_record(store, packs, case)
    from rcrp_desktop.calls.recorder import CallRecorder

    recorder = CallRecorder.resume(store, record, lambda *_: packs["rcrp-england"], USER)
    assert recorder.state.decision is not None
    # A change voids the decision; the call is decided again afterwards.
    recorder.change("ctx_callback", "07700 900999", "", "Caller gave a second number")
    recorder.decide(recorder.advice.code or "", "")
    export_handover(
        store,
        record,
        HandoverRequest("crisis_team", redact=True, prepared_by=USER),
        tmp_path / "r.pdf",
    )
    text = squash("\n".join(pages(tmp_path / "r.pdf")))
    assert "07700900112" not in text and "07700900999" not in text
    assert squash("Caller gave a second number") in text  # the reason is not third-party


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
