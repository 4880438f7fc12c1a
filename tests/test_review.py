"""The supervisors' review queue: each rule puts exactly the calls it should in the queue, oldest
first, saying why; a review is an event in the record's own chain (a closed record takes it,
`verify` passes) and takes the call out of the queue; the dip sample is reproducible with its
seed and lands near its rate; rules a force adds are read, and a bad one is named."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rcrp_desktop.calls import review
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.call.closure import Handover, PartnerConfirmed
from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.domain.outcomes import OutcomeCode
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.domain.review.rules import dip_sampled, load_rules
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.force_settings import ForceSettings, save_force_settings
from rcrp_desktop.storage.repository import NewEvent, Store
from rcrp_desktop.storage.verify import verify

USER = "PC 7 Example"


@pytest.fixture
def store(data_dir: Path) -> Store:
    data_dir.mkdir(parents=True, exist_ok=True)
    save_force_settings(data_dir, ForceSettings(review_dip_percent=0))  # the rules alone
    made = Store.open(data_dir / "records.sqlite3", "live")
    yield made  # type: ignore[misc]
    made.close()


PLACE, CALLBACK = "ctx_location", "ctx_callback"  # forms/monitoring.toml's re-contact keys


def scripted(
    store: Store, pack: Pack, name: str, incident: str = "", place: str = ""
) -> CallRecorder:
    """A shipped example call, at a place and with a callback of its own (`place`, else one
    made from the incident: calls about the same place are re-contacts)."""
    where = place or f"Flat {abs(hash(incident or name)) % 9000 + 100}, Example Road"
    own = {PLACE: where, CALLBACK: f"07700 {abs(hash(where)) % 900000 + 100000}"}
    recorder = CallRecorder.start(store, pack, incident_ref=incident or name, user=USER)
    for step in load_script(examples_dir() / f"{name}.json").steps:
        answer = own.get(step.node, step.answer)
        if step.reason:
            recorder.change(step.node, answer, step.rationale, step.reason)
        else:
            recorder.answer(step.node, answer, step.rationale)
    return recorder


def queued(store: Store, data_dir: Path, now: datetime | None = None) -> dict[str, tuple[str, ...]]:
    """The queue: each call's incident reference -> the rules it is there for."""
    items = review.review_queue(store, data_dir, now=now)
    return {item.facts.incident_ref: item.rules for item in items}


def handover(status: str, recheck: int = 0) -> Handover:
    return Handover(
        partner_key="crisis_team", agency="Crisis team", team="Home treatment",
        contact="Nurse Example" if status == "accepted" else "", method="phone",
        status=status, reference="REF-1" if status == "accepted" else "",  # type: ignore[arg-type]
        agreed_action="Visit tonight", eta="22:00" if status == "accepted" else "",
        escalation="" if status == "accepted" else "Duty sergeant told; re-THRIVE at once",
        recheck_minutes=recheck,
    )  # fmt: skip


def test_each_rule_puts_exactly_its_calls_in_the_queue(
    store: Store, data_dir: Path, england: Pack
) -> None:
    scripted(store, england, "welfare-crisis-team", "NOT-ATTENDED")
    scripted(store, england, "welfare-locked-door-entry-to-save-life", "POLICE-WENT")
    disagreed = scripted(store, england, "welfare-crisis-team", "DISAGREED")
    disagreed.decide(OutcomeCode.POLICE_DEPLOY, "A second call said she had a knife.")
    declined = scripted(store, england, "welfare-locked-door-entry-to-save-life", "DECLINED")
    declined.record(handover("declined"))
    late = scripted(store, england, "welfare-locked-door-entry-to-save-life", "LATE")
    late.record(handover("accepted", recheck=30))
    on_time = scripted(store, england, "welfare-locked-door-entry-to-save-life", "ON-TIME")
    on_time.record(handover("accepted", recheck=30))
    on_time.record(PartnerConfirmed("Nurse Example", "Seen at home, safe."))
    first = scripted(store, england, "welfare-locked-door-entry-to-save-life", "FIRST")
    again = first.reassess("The caller rang again: still no answer at the door.")
    for step in load_script(examples_dir() / "welfare-locked-door-entry-to-save-life.json").steps:
        answer = f"Linked call {step.answer}" if step.node in (PLACE, CALLBACK) else step.answer
        again.answer(step.node, answer, step.rationale)  # police went again
    in_an_hour = datetime.now(UTC) + timedelta(hours=1)
    found = queued(store, data_dir, in_an_hour)
    assert found == {
        "NOT-ATTENDED": ("police_did_not_attend",),
        "DISAGREED": ("disagreed",),
        "DECLINED": ("partner_declined",),
        "LATE": ("partner_missed_recheck",),
        "FIRST": ("recontact",),  # the linked re-assessment, not the call it re-assesses
    }
    items = review.review_queue(store, data_dir, now=in_an_hour)
    assert [i.facts.record_id for i in items if i.facts.incident_ref == "FIRST"] == [
        again.record_id
    ]
    assert "LATE" not in queued(store, data_dir)  # not yet past its re-check time


def test_an_urgent_answer_whose_rationale_came_afterwards_is_reviewed(
    store: Store, data_dir: Path, england: Pack
) -> None:
    steps = load_script(examples_dir() / "welfare-locked-door-entry-to-save-life.json").steps
    recorder = CallRecorder.start(store, england, incident_ref="AFTERWARDS", user=USER)
    for step in steps:
        owed = step.node == "danger_life"
        recorder.answer(step.node, step.answer, "" if owed else step.rationale)
    recorder.complete_rationale("danger_life", steps[2].rationale)
    assert queued(store, data_dir) == {"AFTERWARDS": ("urgent_rationale_afterwards",)}


def test_a_call_about_the_same_place_within_72_hours_is_a_recontact_linked_to_the_first(
    store: Store, data_dir: Path, england: Pack
) -> None:
    first = scripted(store, england, "welfare-locked-door-entry-to-save-life", "ONE",
                     place="14 Sample Lane, Testtown")  # fmt: skip
    second = scripted(store, england, "welfare-locked-door-entry-to-save-life", "TWO",
                      place="14 sample lane testtown")  # fmt: skip
    # (the same place, written otherwise)
    items = review.review_queue(store, data_dir)
    assert [(i.facts.incident_ref, i.rules) for i in items] == [("TWO", ("recontact_72h",))]
    assert items[0].facts.recontact_of == first.record_id
    assert items[0].reasons[0].endswith(f"(record {first.record_id})")
    review.record_review(store, data_dir, second.record_id, "agreed", "Seen twice.", "Sgt 2")
    assert store.events(second.record_id)[-1].payload["rules"] == ["recontact_72h"]


def test_the_queue_is_oldest_first_and_says_why_in_words(
    store: Store, data_dir: Path, england: Pack
) -> None:
    for incident in ("A-1", "A-2", "A-3"):
        scripted(store, england, "welfare-crisis-team", incident)
    items = review.review_queue(store, data_dir)
    assert [i.facts.incident_ref for i in items] == ["A-1", "A-2", "A-3"]
    assert items[0].reasons == (
        "Police did not attend: a partner leads, police on standby, or advice given",
    )


def test_a_review_is_an_event_in_the_chain_even_of_a_closed_record_and_verify_passes(
    store: Store, data_dir: Path, england: Pack
) -> None:
    recorder = scripted(store, england, "welfare-crisis-team", "REVIEWED")
    store.append(recorder.record_id, [NewEvent("closure", {"by": "test"})], USER)
    done = review.record_review(
        store, data_dir, recorder.record_id, "learning_point",
        "The crisis team's ETA was not asked for: remind the handler.", "Sgt 11 Example",
    )  # fmt: skip
    last = store.events(recorder.record_id)[-1]
    assert (last.kind, last.seq, last.user) == ("review", done.seq, "Sgt 11 Example")
    assert last.payload["result"] == "learning_point"
    assert last.payload["rules"] == ["police_did_not_attend"]
    assert verify(store) == []
    assert queued(store, data_dir) == {}
    with pytest.raises(StorageError, match=r"(?i)the record is closed"):
        store.append(recorder.record_id, [NewEvent("answer", {})], USER)


@pytest.mark.parametrize(
    ("result", "rationale", "said"),
    [("approved", "Fine.", "is one of agreed"), ("agreed", "  ", "needs its rationale")],
)
def test_a_review_needs_a_known_result_and_a_rationale(
    store: Store, data_dir: Path, england: Pack, result: str, rationale: str, said: str
) -> None:
    recorder = scripted(store, england, "welfare-crisis-team")
    before = len(store.events(recorder.record_id))
    with pytest.raises(StorageError, match=said):
        review.record_review(store, data_dir, recorder.record_id, result, rationale, "Sgt 1")
    assert len(store.events(recorder.record_id)) == before


def test_the_dip_sample_is_reproducible_and_near_its_rate() -> None:
    uids = [f"call-{n:05d}" for n in range(10_000)]
    taken = [uid for uid in uids if dip_sampled(uid, "force seed", 5)]
    assert 450 <= len(taken) <= 550  # 5 % of 10,000, give or take two standard deviations
    assert taken == [uid for uid in uids if dip_sampled(uid, "force seed", 5)]
    other = [uid for uid in uids if dip_sampled(uid, "another seed", 5)]
    assert other != taken and 450 <= len(other) <= 550
    assert not any(dip_sampled(uid, "force seed", 0) for uid in uids)
    assert all(dip_sampled(uid, "force seed", 100) for uid in uids)


def test_the_dip_sample_takes_calls_no_rule_does(
    store: Store, data_dir: Path, england: Pack
) -> None:
    save_force_settings(data_dir, ForceSettings(review_dip_percent=100, review_dip_seed="s"))
    scripted(store, england, "welfare-locked-door-entry-to-save-life", "POLICE-WENT")
    scripted(store, england, "welfare-crisis-team", "NOT-ATTENDED")
    assert queued(store, data_dir) == {
        "POLICE-WENT": ("dip_sample",),
        "NOT-ATTENDED": ("police_did_not_attend",),
    }


def test_a_force_adds_its_own_rules_and_a_bad_one_is_named(
    store: Store, data_dir: Path, england: Pack
) -> None:
    (data_dir / review.FORCE_RULES_FILE).write_text(
        '[[rule]]\nid = "every_urgent_call"\nreason = "Urgent calls, this quarter"\n'
        "when = { urgent = true }\n",
        encoding="utf-8",
    )
    scripted(store, england, "welfare-locked-door-entry-to-save-life", "URGENT")
    assert queued(store, data_dir) == {"URGENT": ("every_urgent_call",)}
    (data_dir / review.FORCE_RULES_FILE).write_text(
        '[[rule]]\nid = "odd"\nreason = "x"\nwhen = { weather = true }\n', encoding="utf-8"
    )
    with pytest.raises(StorageError, match=r"review-rules.toml: rule 'odd': there is no fact"):
        review.review_queue(store, data_dir)


def test_the_shipped_rules_load() -> None:
    from rcrp_desktop.paths import resources_dir

    rules = load_rules(resources_dir() / "review" / "rules.toml")
    assert {r.id for r in rules} >= {
        "police_did_not_attend", "disagreed", "urgent_rationale_afterwards",
        "partner_declined", "partner_missed_recheck", "recontact", "supervisor_override",
    }  # fmt: skip


def test_from_the_command_line_a_supervisor_reviews_and_a_handler_may_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from rcrp_desktop.storage.accounts import TEST, AccountStore
    from tests.cli_desk import desk

    folder = tmp_path / "desk"
    people = {"H200": "handler", "H201": "handler", "S300": "supervisor"}
    as_ = desk(folder, monkeypatch, people)
    script = str(examples_dir() / "welfare-crisis-team.json")
    assert as_("H200", "run-script", script, "--save") == 0
    capsys.readouterr()
    assert as_("H200", "review", "queue") != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Not permitted" in err
    assert as_("S300", "review", "queue") == 0
    out = capsys.readouterr().out
    assert out.startswith("1\t") and "Police did not attend" in out
    reviewed = ("review", "record", "1", "--result", "agreed", "--rationale", "Right partner.")
    assert as_("H200", *reviewed) != 0
    assert as_("S300", *reviewed) == 0
    assert "ok: record 1 reviewed (Agreed)" in capsys.readouterr().out
    assert as_("S300", "review", "queue") == 0
    assert "No call is waiting for review." in capsys.readouterr().out
    assert as_("H200", "review", "feedback") == 0  # the handler who took it reads its review
    said = capsys.readouterr().out
    assert said.startswith("1\t") and "Agreed" in said and "Right partner." in said
    assert as_("H201", "review", "feedback") == 0  # another handler sees none of it
    assert capsys.readouterr().out == "No call of yours has been reviewed yet.\n"
    store = AccountStore.open(folder, cost=TEST)
    try:
        log = [(e.account, e.kind, e.detail) for e in store.log_entries()]
    finally:
        store.close()
    assert ("H200", "refused", "record.review") in log
    assert any(a == "S300" and k == "record consulted" for a, k, _ in log)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"\xff\xfe not text", "cannot be read as review rules"),
        (b"[[rule]]\nid = 'Bad Id'\nreason = 'x'\nwhen = { urgent = true }\n", "id must be"),
        (b"[[rule]]\nid = 'a'\nreason = ''\nwhen = { urgent = true }\n", "reason must say"),
        (b"[[rule]]\nid = 'a'\nreason = 'x'\nwhen = { urgent = 'yes' }\n", "urgent is true"),
        (b"[[rule]]\nid = 'a'\nreason = 'x'\nwhen = { outcome = 'X' }\n", "list of values"),
        (b"[[rule]]\nid = 'a'\nreason = 'x'\nwhen = {}\n", "at least one fact"),
        (
            b"[[rule]]\nid = 'police_did_not_attend'\nreason = 'x'\nwhen = { urgent = true }\n",
            "also defined",
        ),
        (b"rule = 3\n", "must be a list"),
    ],
)
def test_a_force_rules_file_that_cannot_be_used_is_one_clear_refusal(
    store: Store, data_dir: Path, content: bytes, said: str
) -> None:
    (data_dir / review.FORCE_RULES_FILE).write_bytes(content)
    with pytest.raises(StorageError, match=said):
        review.review_queue(store, data_dir)


def test_a_folder_in_place_of_the_force_rules_file_is_said_not_skipped(
    store: Store, data_dir: Path
) -> None:
    (data_dir / review.FORCE_RULES_FILE).mkdir()
    with pytest.raises(StorageError, match="not a regular file"):
        review.review_queue(store, data_dir)


def test_a_call_a_supervisor_took_over_is_reviewed_for_the_break_glass(
    store: Store, data_dir: Path, england: Pack
) -> None:
    """Taking over a call someone else holds is break-glass: the queue puts it before a
    supervisor, saying so; a shift change at the desk is not."""
    from rcrp_desktop.domain.call.closure import TakenOver

    broke = scripted(store, england, "welfare-locked-door-entry-to-save-life", "TAKEN-OVER")
    broke.record(TakenOver("", "S300 Sana Supervisor", "supervisor", "Handler taken ill"))
    handed = scripted(store, england, "welfare-locked-door-entry-to-save-life", "SHIFT-CHANGE")
    handed.hand_over("H201 Hugo Handler")
    got = queued(store, data_dir)
    assert "taken_over" in got["TAKEN-OVER"]
    assert "taken_over" not in got.get("SHIFT-CHANGE", ())
    from rcrp_desktop.paths import resources_dir

    shipped = load_rules(resources_dir() / "review" / "rules.toml")
    reason = next(rule.reason for rule in shipped if rule.id == "taken_over")
    assert "break-glass" in reason
