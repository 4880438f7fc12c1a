"""Closing a call (R15): never before the handover, the caller and the referrer are done."""

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from rcrp_desktop.calls.recorder import CallRecorder, ClosureError
from rcrp_desktop.domain.call.closure import (
    CallerInformed,
    Deployment,
    Handover,
    ReferrerInformed,
    SupervisorDecision,
    handover_gaps,
)
from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.domain.outcomes import OutcomeCode
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.repository import Store
from tests.walk import default_answer

CRISIS = Handover(
    "crisis_team",
    "Testshire NHS Trust",
    "Crisis Resolution Team",
    "Nurse A. Example",
    "phone",
    "accepted",
    reference="CRT-555",
    agreed_action="Home visit",
    eta="within 2 hours",
)
TOLD_NOT_ATTENDING = CallerInformed(
    False,
    "Police will not be coming to this.",
    "111 option 2; 999 if worse",
    "Weapon, injury, missing",
    True,
)


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    opened = Store.open(database_path(data_dir, "live"), "live")
    yield opened
    opened.close()


def call(store: Store, pack: Pack, script: str, **changes: str) -> CallRecorder:
    """A scripted call with some answers changed; a question the changes bring onto the path
    (a professional caller's own checks, say) gets a calm default answer."""
    recorder = CallRecorder.start(store, pack, incident_ref="INC-1", user="PC 1")
    for step in load_script(examples_dir() / script).steps:
        while recorder.state.current != step.node:
            value, rationale = default_answer(pack.question(recorder.state.current))
            recorder.answer(recorder.state.current, value, rationale)
        recorder.answer(step.node, changes.get(step.node, step.answer), step.rationale)
    return recorder


def test_a_declined_call_stays_open_until_handover_and_caller_are_recorded(
    store: Store, england: Pack
) -> None:
    recorder = call(store, england, "welfare-crisis-team.json")
    with pytest.raises(ClosureError) as refused:
        recorder.close()
    assert any("decision" in m for m in refused.value.missing)
    recorder.decide(OutcomeCode.PARTNER_LEAD_NO_POLICE, "")
    missing = recorder.closure_blockers()
    assert any("handover" in m for m in missing)
    assert any("caller was told" in m for m in missing)
    recorder.record(CRISIS)
    assert not any("handover" in m for m in recorder.closure_blockers())
    recorder.record(TOLD_NOT_ATTENDING)
    assert recorder.closure_blockers() == []
    recorder.close()
    assert store.record(recorder.record_id).status == "closed"
    assert [r.id for r in store.unfinished()] == []
    with pytest.raises(StorageError, match="closed"):
        recorder.record(TOLD_NOT_ATTENDING)


def test_a_partner_that_declines_is_escalated_never_closed_on(store: Store, england: Pack) -> None:
    recorder = call(store, england, "welfare-crisis-team.json")
    recorder.decide(OutcomeCode.PARTNER_LEAD_NO_POLICE, "")
    recorder.record(TOLD_NOT_ATTENDING)
    no_answer = Handover("crisis_team", "Trust", "CRT", "", "phone", "no_answer")
    assert handover_gaps(no_answer) == ["the escalation: who was told, and what happens now"]
    recorder.record(
        replace(no_answer, escalation="Duty inspector told; second crisis team contacted")
    )
    # Escalated, and still not closable: nobody has taken the call on.
    assert [m for m in recorder.closure_blockers() if "did not answer" in m]
    # A second partner accepts, with everything a handover needs: now it may close.
    recorder.record(CRISIS)
    assert recorder.closure_blockers() == []


def test_an_accepted_handover_needs_who_when_and_a_reference_or_why_none(
    store: Store, england: Pack
) -> None:
    bare = Handover("crisis_team", "", "", "", "phone", "accepted")  # Ctrl+H, then Enter
    assert handover_gaps(bare) == [
        "the partner organisation",
        "who accepted it (a named contact)",
        "when they will act",
        "their reference, or why there is none",
    ]
    assert handover_gaps(replace(CRISIS, reference="", no_reference="Team gives none")) == []
    recorder = call(store, england, "welfare-crisis-team.json")
    recorder.decide(OutcomeCode.PARTNER_LEAD_NO_POLICE, "")
    recorder.record(TOLD_NOT_ATTENDING)
    recorder.record(bare)
    assert [m for m in recorder.closure_blockers() if m.startswith("The handover does not")]
    with pytest.raises(ClosureError):
        recorder.close()


def test_a_professional_referrer_must_be_told(store: Store, england: Pack) -> None:
    recorder = call(
        store, england, "welfare-crisis-team.json", ctx_caller_type="health_professional"
    )
    assert recorder.professional_referral
    recorder.decide(OutcomeCode.PARTNER_LEAD_NO_POLICE, "")
    recorder.record(CRISIS)
    recorder.record(TOLD_NOT_ATTENDING)
    assert any("referring agency" in m for m in recorder.closure_blockers())
    recorder.record(ReferrerInformed("Ward sister, Ward 7, Testshire General", "phone"))
    assert recorder.closure_blockers() == []


def test_telling_the_caller_the_wrong_thing_blocks_closure(store: Store, england: Pack) -> None:
    recorder = call(store, england, "welfare-crisis-team.json")
    recorder.decide(OutcomeCode.PARTNER_LEAD_NO_POLICE, "")
    recorder.record(CRISIS)
    recorder.record(CallerInformed(True, "Officers are on their way.", "", "", True))
    assert any("no longer matches" in m for m in recorder.closure_blockers())


def test_police_attendance_needs_the_deployment_and_disagreement_a_review(
    store: Store, england: Pack
) -> None:
    recorder = call(store, england, "welfare-crisis-team.json")
    recorder.decide(OutcomeCode.POLICE_DEPLOY, "Third call tonight; caller now frightened")
    missing = recorder.closure_blockers()
    assert any("deployment" in m for m in missing)
    assert any("supervisor" in m for m in missing)
    recorder.record(Deployment("Unit 12", "Immediate"))
    recorder.record(SupervisorDecision("PS 88 Example", "Agree: attend"))
    assert recorder.closure_blockers() == []


def test_notes_and_closure_survive_a_restart(store: Store, england: Pack) -> None:
    recorder = call(store, england, "welfare-crisis-team.json")
    recorder.decide(OutcomeCode.PARTNER_LEAD_NO_POLICE, "")
    recorder.record(CRISIS)
    again = CallRecorder.resume(store, recorder.record_id, lambda *_: england, "PC 1")
    assert [n.note for n in again.notes] == [CRISIS]
    assert again.notes[0].local
    again.record(TOLD_NOT_ATTENDING)
    again.close()
    closed = CallRecorder.resume(store, recorder.record_id, lambda *_: england, "PC 1")
    assert closed.closed


def test_an_unconfirmed_partner_is_overdue_after_the_recheck_time(
    store: Store, england: Pack
) -> None:
    from datetime import UTC, datetime, timedelta

    from rcrp_desktop.calls.followups import overdue_records
    from rcrp_desktop.domain.call.closure import PartnerConfirmed

    recorder = call(store, england, "welfare-crisis-team.json")
    recorder.decide(OutcomeCode.PARTNER_LEAD_NO_POLICE, "")
    recorder.record(
        Handover(
            "crisis_team",
            "Testshire NHS Trust",
            "CRT",
            "Nurse A",
            "phone",
            "accepted",
            "CRT-9",
            eta="within the hour",
            recheck_minutes=60,
        )
    )
    recorder.record(TOLD_NOT_ATTENDING)
    recorder.close()
    now = datetime.now(UTC)
    assert overdue_records(store, now) == []
    later = now + timedelta(minutes=61)
    late = overdue_records(store, later)
    assert [item.record.id for item in late] == [recorder.record_id]
    from rcrp_desktop.calls import gate as gates

    class Administrator:  # signed in, with no record.read: the list would name records
        def may(self, action: str) -> bool:
            return action != "record.read"

    gates.attach(store, Administrator())  # type: ignore[arg-type]
    try:
        assert overdue_records(store, later) == []
    finally:
        gates._GATES.pop(store, None)
    # Re-assessing opens a linked record and stops the clock on the old one, though closed.
    again = CallRecorder.resume(store, recorder.record_id, lambda *_: england, "PC 2")
    new = again.reassess("Crisis team did not confirm by 15:00")
    assert new.record_id != recorder.record_id
    assert store.events(new.record_id)[1].payload["previous"] == recorder.record_id
    assert overdue_records(store, later) == []
    # A partner confirming also stops it.
    other = call(store, england, "welfare-crisis-team.json")
    other.record(
        Handover("crisis_team", "Trust", "CRT", "", "phone", "accepted", recheck_minutes=30)
    )
    assert [i.record.id for i in overdue_records(store, now + timedelta(minutes=31))] == [
        other.record_id
    ]
    other.record(PartnerConfirmed("Nurse A, CRT", "Visited at 14:20; he is safe"))
    assert overdue_records(store, now + timedelta(minutes=31)) == []


def test_a_closed_record_refuses_every_write_but_a_follow_up_whoever_writes(
    store: Store, england: Pack
) -> None:
    """Held once, by the store: a script or a tool with the file is refused as the app is."""
    from rcrp_desktop.domain.call.closure import FOLLOW_UP_KINDS
    from rcrp_desktop.storage.errors import RecordClosedError
    from rcrp_desktop.storage.migrations import AFTER_CLOSURE
    from rcrp_desktop.storage.records import NewEvent

    assert set(AFTER_CLOSURE) == FOLLOW_UP_KINDS
    recorder = call(store, england, "welfare-crisis-team.json")
    recorder.decide(recorder.advice.code or "", "")
    for note in (
        Handover(
            "crisis_team", "Trust", "Team", "Nurse A", "phone", "accepted", "R1", "Visit", "1h"
        ),
        CallerInformed(False, "Wording.", "Ring 999 if worse.", "A weapon.", True),
    ):
        recorder.record(note)
    recorder.close()
    bypass = CallRecorder.resume(store, recorder.record_id, lambda *_: england, "PC 1")
    bypass.closed = False  # as a careless script would: the store still says no
    with pytest.raises(RecordClosedError, match="closed"):
        bypass.record(Deployment("Late unit", "immediate"))
    with pytest.raises(RecordClosedError):
        store.append(recorder.record_id, [NewEvent("deployment", {"resource": "x"})], "PC 1")
    store.append(recorder.record_id, [NewEvent("partner_confirmed", {"by": "Nurse A"})], "PC 1")
    assert store.events(recorder.record_id)[-1].kind == "partner_confirmed"
