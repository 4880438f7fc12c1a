"""Re-contacts not linked by the handler: a call whose answer to one of the monitoring config's
questions (where the person is, the callback number) matches an earlier call's, made within
72 hours before it. Each is linked to the latest such earlier call."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from rcrp_desktop.domain.review.facts import CallFacts

WITHIN = timedelta(hours=72)
SHORT = timedelta(hours=24)
MIN_KEY = 5  # letters and digits: shorter says too little to match a place or a caller by


@dataclass(frozen=True)
class Recontact:
    """The earlier call this one re-contacts about, and how long after it came."""

    earlier_uid: str
    earlier_record: int
    after: timedelta

    @property
    def within_24h(self) -> bool:
        return self.after <= SHORT


def key_of(answer: str) -> str:
    """An answer as it is matched: its letters and digits, lower case."""
    return "".join(ch for ch in answer.casefold() if ch.isalnum())


def recontacts(calls: Sequence[CallFacts], nodes: Sequence[str]) -> dict[str, Recontact]:
    """Each call's uid -> its re-contact, for every call that is one."""
    found: dict[str, Recontact] = {}
    last: dict[tuple[str, str], CallFacts] = {}
    for call in sorted(calls, key=lambda c: (c.created, c.uid)):
        best: CallFacts | None = None
        keys = [(node, key_of(call.answers.get(node, ""))) for node in nodes]
        for key in (k for k in keys if len(k[1]) >= MIN_KEY):
            seen = last.get(key)
            if seen is not None and timedelta(0) < call.created - seen.created <= WITHIN:
                best = seen if best is None or seen.created > best.created else best
            last[key] = call
        if best is not None:
            found[call.uid] = Recontact(best.uid, best.record_id, call.created - best.created)
    return found
