"""Who works an open call, in the application layer: only its holder; a supervisor takes it
over only with a reason (break-glass, in the record and the access log); at a shift change the
holder hands it to the next person; another handler reads it but works none of it."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from rcrp_desktop.calls import gate as gates
from rcrp_desktop.calls.access import NotPermittedError
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.call.closure import PartnerConfirmed, SupervisorDecision, TakenOver
from rcrp_desktop.domain.pack.protocol import Pack, Question
from rcrp_desktop.export.source import shipped_pack_finder
from rcrp_desktop.paths import forms_dir
from rcrp_desktop.storage.accounts import TEST
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.errors import RefusedError
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.storage.verify import verify
from tests.ui.signed_in import SECRETS, log, make_accounts, stamp

REASON = "H200 taken ill mid-call; the caller is still on the line"


@pytest.fixture(autouse=True)
def cheap_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gates, "COST", TEST)  # never the production cost in tests


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    make_accounts(data_dir)
    opened = Store.open(database_path(data_dir, "live"), "live")
    gates_made: list[gates.Gate] = []
    opened.gates = gates_made  # type: ignore[attr-defined]
    yield opened
    for gate in gates_made:
        gate.access.store.close()
    opened.close()


def as_person(store: Store, data_dir: Path, number: str) -> gates.Gate:
    """`number` signed in and at the keyboard of `store` from now on."""
    access = gates.accounts_of(data_dir)
    assert access is not None
    gate = gates.sign_in(access, number, SECRETS[number], "live")
    store.gates.append(gate)  # type: ignore[attr-defined]
    gates.attach(store, gate)
    return gate


def step(call: CallRecorder, rationale: str = "Asked of the caller.") -> None:
    """The question on screen answered: a line of text, or its first answer that is not
    urgent (an urgent one would need a rationale and change the call)."""
    question = call.state.pack.nodes[call.state.current]
    assert isinstance(question, Question)
    calm = [value for value in question.values if value not in question.urgent_values]
    call.answer(question.id, calm[0] if calm else "12 Example Street", rationale)


def taken_by_h200(store: Store, data_dir: Path, england: Pack) -> CallRecorder:
    as_person(store, data_dir, "H200")
    call = CallRecorder.start(store, england, incident_ref="INC-HOLD", user=stamp("H200"))
    step(call)
    return call


def opened_by(store: Store, data_dir: Path, number: str, record_id: int) -> CallRecorder:
    """The call resumed by `number`, signed in (a reason given: it is someone else's)."""
    as_person(store, data_dir, number)
    return CallRecorder.resume(
        store, record_id, shipped_pack_finder(forms_dir()), stamp(number), reason="checking it"
    )


def test_another_handler_reads_an_open_call_but_works_none_of_it(
    store: Store, data_dir: Path, england: Pack
) -> None:
    record = taken_by_h200(store, data_dir, england).record_id
    other = opened_by(store, data_dir, "H201", record)
    assert other.holder == stamp("H200")
    before = len(store.events(record))
    attempts = (
        lambda: step(other),
        lambda: other.decide("ADVICE_AND_CLOSE", "nothing for police"),
        lambda: other.hand_over(stamp("H201")),
        other.close,
    )
    for attempt in attempts:
        with pytest.raises(NotPermittedError) as refused:
            attempt()
        assert str(refused.value).startswith(f"Call {record} is held by H200 Hana Handler")
        assert "Ctrl+Shift+O" in str(refused.value)
    assert len(store.events(record)) == before
    refusals = [e for e in log(data_dir) if e[1] == "refused" and e[3] == record]
    assert refusals == [("H201", "refused", "working a call held by H200 Hana Handler", record)] * 4
    # A fact that follows a call up is not working it: anyone who may send it adds it.
    other.record(PartnerConfirmed("Crisis team", "visited at 14:10"))
    assert store.events(record)[-1].kind == "partner_confirmed"


def test_a_handler_may_not_take_over_and_a_supervisor_only_with_a_reason(
    store: Store, data_dir: Path, england: Pack
) -> None:
    record = taken_by_h200(store, data_dir, england).record_id
    other = opened_by(store, data_dir, "H201", record)
    with pytest.raises(NotPermittedError) as refused:
        other.take_over(stamp("H201"), REASON)
    assert "take over a call another handler left open" in str(refused.value)
    assert ("H201", "refused", "call.unlock", 0) in log(data_dir)

    supervisor = opened_by(store, data_dir, "S300", record)
    before = len(store.events(record))
    with pytest.raises(RefusedError) as no_reason:
        supervisor.take_over(stamp("S300"), "   ")
    assert "needs a reason, typed in full" in str(no_reason.value)
    assert len(store.events(record)) == before
    assert not [e for e in log(data_dir) if e[1] == "break-glass"]

    supervisor.take_over(stamp("S300"), REASON)
    taken = store.events(record)[-1]
    assert taken.kind == "taken_over" and taken.user == stamp("S300")
    assert taken.payload["holder"] == stamp("H200") and taken.payload["by"] == stamp("S300")
    assert taken.payload["how"] == "supervisor" and taken.payload["reason"] == REASON
    assert ("S300", "break-glass", f"call.unlock: {REASON}", record) in log(data_dir)
    assert supervisor.holder == stamp("S300")
    supervisor.record(SupervisorDecision("S300", "Partner-led: crisis team to visit."))
    step(supervisor)
    assert store.events(record)[-1].user == stamp("S300")
    assert verify(store) == []

    # The handler who held it, back at the keyboard, now reads it only.
    back = opened_by(store, data_dir, "H200", record)
    assert back.holder == stamp("S300")  # read from the record, not remembered
    with pytest.raises(NotPermittedError):
        step(back)
    with pytest.raises(RefusedError) as again:
        opened_by(store, data_dir, "S300", record).take_over(stamp("S300"), REASON)
    assert "holds this call already" in str(again.value)


def test_at_a_shift_change_the_holder_hands_the_call_to_the_next_person(
    store: Store, data_dir: Path, england: Pack
) -> None:
    call = taken_by_h200(store, data_dir, england)
    record = call.record_id
    call.hand_over(stamp("H201"))  # H200 still at the keyboard, holding the call
    handed = store.events(record)[-1]
    assert (handed.kind, handed.user) == ("taken_over", stamp("H200"))
    assert handed.payload["how"] == "shift change"
    as_person(store, data_dir, "H201")
    call.user = stamp("H201")
    step(call)
    assert store.events(record)[-1].user == stamp("H201")
    with pytest.raises(NotPermittedError):  # H201 holds it now: H200 cannot hand it on again
        opened_by(store, data_dir, "H200", record).hand_over(stamp("H200"))
    assert verify(store) == []


def test_a_taking_over_note_cannot_be_forged_through_the_record_command(
    store: Store, data_dir: Path, england: Pack
) -> None:
    """A note sent by hand is checked as the shorthands are: a "shift change" by someone who
    does not hold the call is refused, and the holder it names is the one on record."""
    record = taken_by_h200(store, data_dir, england).record_id
    other = opened_by(store, data_dir, "H201", record)
    with pytest.raises(NotPermittedError):
        other.record(TakenOver(stamp("H201"), stamp("H201"), "shift change", "my shift now"))
    with pytest.raises(RefusedError) as unknown:
        opened_by(store, data_dir, "H200", record).record(
            TakenOver("", stamp("H201"), "because", REASON)
        )
    assert "not by 'because'" in str(unknown.value)
    supervisor = opened_by(store, data_dir, "S300", record)
    with pytest.raises(RefusedError) as for_another:
        supervisor.record(TakenOver("", stamp("H201"), "supervisor", REASON))
    assert "takes a call over for themselves" in str(for_another.value)
    holder = opened_by(store, data_dir, "H200", record)
    with pytest.raises(RefusedError) as nobody:
        holder.hand_over("X999 Nobody Here")
    assert "no account X999" in str(nobody.value)
    supervisor = opened_by(store, data_dir, "S300", record)
    supervisor.record(TakenOver("someone else", stamp("S300"), "supervisor", REASON))
    assert store.events(record)[-1].payload["holder"] == stamp("H200")


def test_a_closed_call_is_not_taken_over(store: Store, data_dir: Path, england: Pack) -> None:
    call = taken_by_h200(store, data_dir, england)
    call.closed = True  # as a closed record reads (closing itself is tested elsewhere)
    with pytest.raises(RefusedError) as refused:
        call.hand_over(stamp("H201"))
    assert "is closed" in str(refused.value)
