"""The supervisors' review queue: every call a rule puts there (or the dip sample takes), oldest
first, saying why; and a review, written into the record's own chain as a review event."""

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rcrp_desktop import paths
from rcrp_desktop.calls import gate as gates
from rcrp_desktop.domain.limits import TEXT_LIMIT
from rcrp_desktop.domain.monitoring.config import MonitoringConfigError, load_monitoring
from rcrp_desktop.domain.monitoring.recontacts import WITHIN, recontacts
from rcrp_desktop.domain.review.facts import RESULTS, REVIEW_KIND, CallFacts, Event, call_facts
from rcrp_desktop.domain.review.rules import Rule, RulesError, dip_sampled, load_rules, reasons_for
from rcrp_desktop.storage.errors import RefusedError, StorageError
from rcrp_desktop.storage.force_settings import load_force_settings
from rcrp_desktop.storage.records import RECORD_COLUMNS, NewEvent, StoredEvent
from rcrp_desktop.storage.repository import Store
from rcrp_desktop.times import parse_utc

FORCE_RULES_FILE = "review-rules.toml"  # a force's own rules, beside the shipped ones
DIP_SAMPLE = "dip_sample"
DEFAULT_DAYS = 31


@dataclass(frozen=True)
class QueueItem:
    """A call waiting for review, and every reason it is in the queue."""

    facts: CallFacts
    rules: tuple[str, ...]  # the ids of the rules that hold ("dip_sample" if sampled)
    reasons: tuple[str, ...]  # the same, in words


@dataclass(frozen=True)
class Reviewed:
    record_id: int
    result: str
    seq: int


def review_rules(data_dir: Path) -> tuple[Rule, ...]:
    """The shipped rules and the force's own (StorageError naming file and rule if either
    cannot be used: a queue short of a rule is never shown as if whole)."""
    try:
        return load_rules(
            paths.resources_dir() / "review" / "rules.toml", data_dir / FORCE_RULES_FILE
        )
    except RulesError as error:
        raise StorageError("The review rules cannot be used:\n" + str(error)) from error


def stored_events(store: Store, record_id: int) -> list[Event]:
    """A record's events as the facts read them."""
    return [_event(e) for e in store.events(record_id)]


def review_queue(
    store: Store, data_dir: Path, *, since: datetime | None = None, now: datetime | None = None
) -> list[QueueItem]:
    """The calls made since `since` (the last DEFAULT_DAYS days by default) awaiting review,
    oldest first, each with why it is there. Needs record.review (refused and logged)."""
    gates.require(store, "record.review")
    moment = now or datetime.now(UTC)
    start = since or moment - timedelta(days=DEFAULT_DAYS)
    rules = review_rules(data_dir)
    settings = load_force_settings(data_dir)
    queue = []
    for facts in _calls_made(store, start, None, moment):
        if facts.created < start or facts.reviewed:
            continue
        holding = reasons_for(facts, rules)
        ids = [r.id for r in holding]
        words = [_with_record(r, facts) for r in holding]
        if not holding and dip_sampled(
            facts.uid, settings.review_dip_seed, settings.review_dip_percent
        ):
            ids, words = [DIP_SAMPLE], [f"Dip sample ({settings.review_dip_percent} %)"]
        if ids:
            queue.append(QueueItem(facts, tuple(ids), tuple(words)))
    return sorted(queue, key=lambda item: (item.facts.created, item.facts.record_id))


def record_review(
    store: Store, data_dir: Path, record_id: int, result: str, rationale: str, user: str
) -> Reviewed:
    """A supervisor's review of one call, with its rationale, appended to the record's chain
    (a closed record takes it too). Needs record.review; read as a consultation."""
    gates.require(store, "record.review")
    if result not in RESULTS:
        raise RefusedError(
            f"A review's result is one of {', '.join(RESULTS)}, not {result!r}: nothing was "
            "recorded."
        )
    said = rationale.strip()
    if not said:
        raise RefusedError("A review needs its rationale, in words: nothing was recorded.")
    if len(said) > TEXT_LIMIT:
        raise RefusedError(
            f"The rationale is over {TEXT_LIMIT:,} characters: nothing was recorded."
        )
    gates.consult(store, record_id, "supervisor's review")
    now = datetime.now(UTC)
    # The call among those of the 72 hours before it: its re-contact found as the queue finds it.
    made = parse_utc(store.record(record_id).created_utc)
    facts = next(f for f in _calls_made(store, made, made, now) if f.record_id == record_id)
    rules = reasons_for(facts, review_rules(data_dir))
    payload = {
        "result": result,
        "rationale": said,
        "rules": [rule.id for rule in rules],
        "outcome": facts.outcome,
    }
    written = store.append(record_id, [NewEvent(REVIEW_KIND, payload)], user, now)
    return Reviewed(record_id, result, written[-1].seq)


@dataclass(frozen=True)
class Feedback:
    """A review of a call the handler took, as they read it."""

    record_id: int
    incident_ref: str
    result: str
    rationale: str
    by: str
    utc: str


def own_feedback(store: Store, number: str) -> list[Feedback]:
    """The reviews of the calls `number` took, newest first: what a handler sees of the review
    queue (never another's). Each record read is a consultation, logged."""
    found = []
    for row in store.record_rows():
        header = dict(zip(RECORD_COLUMNS, row, strict=True))
        if str(header["handler"]).split(" ", 1)[0] != number or header["mode"] != store.mode:
            continue
        record_id = int(header["id"])
        reviews = [e for e in store.events(record_id) if e.kind == REVIEW_KIND]
        if not reviews:
            continue
        gates.consult(store, record_id)
        found += [
            Feedback(
                record_id,
                str(header["incident_ref"]),
                str(e.payload.get("result", "")),
                str(e.payload.get("rationale", "")),
                e.user,
                e.utc,
            )
            for e in reviews
        ]
    return sorted(found, key=lambda f: f.utc, reverse=True)


def _calls_made(
    store: Store, start: datetime, last: datetime | None, now: datetime
) -> list[CallFacts]:
    """The facts of the calls made from `start` (to `last`, if given), with the 72 hours
    before it read as well so that each re-contact is found and linked to its earlier call."""
    calls = []
    for row in store.record_rows():
        header = dict(zip(RECORD_COLUMNS, row, strict=True))
        made = parse_utc(str(header["created_utc"]))
        if header["mode"] == store.mode and start - WITHIN <= made <= (last or made):
            events = [_event(e) for e in store.events(int(header["id"]))]
            calls.append(call_facts(int(header["id"]), header, events, now))
    found = recontacts(calls, _recontact_nodes())
    linked = []
    for facts in calls:
        if (again := found.get(facts.uid)) is not None:
            hours = again.after.total_seconds() / 3600
            facts = replace(facts, recontact_of=again.earlier_record, recontact_hours=hours)
        linked.append(facts)
    return linked


def _with_record(rule: Rule, facts: CallFacts) -> str:
    """A rule's reason, naming the earlier call a re-contact links this one to."""
    if rule.id == "recontact" and facts.linked_from:
        return f"{rule.reason} (record {facts.linked_from})"
    if rule.id.startswith("recontact_") and facts.recontact_of:
        return f"{rule.reason} (record {facts.recontact_of})"
    return rule.reason


def _recontact_nodes() -> tuple[str, ...]:
    try:
        return load_monitoring(paths.forms_dir()).recontact_nodes
    except MonitoringConfigError as error:
        raise StorageError(f"The review queue cannot be read: {error}") from error


def _event(stored: StoredEvent) -> Event:
    return Event(stored.kind, stored.payload, parse_utc(stored.utc), stored.user)
