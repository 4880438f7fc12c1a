"""The full decision trail appendix: every question, answer, rationale, time and person."""

from dataclasses import fields, replace
from typing import Any

from rcrp_desktop.domain.call.closure import NOTE_TYPES, describe_note, note_from
from rcrp_desktop.domain.call.walk import answer_label
from rcrp_desktop.domain.outcomes import MEANINGS, OutcomeCode
from rcrp_desktop.domain.pack.protocol import Question
from rcrp_desktop.export.redaction import Redactor, local_time
from rcrp_desktop.export.source import ExportSource
from rcrp_desktop.storage.repository import StoredEvent

NOTE_STEPS = {
    "handover": "Handover to a partner",
    "caller_informed": "Caller told",
    "referrer_informed": "Referrer told",
    "deployment": "Deployment",
    "supervisor": "Supervisor's review",
    "partner_confirmed": "Partner confirmed",
    "reassessment": "Re-assessment",
}
# Other recipients' copies are not this recipient's business (minimum necessary).
LEFT_OUT = frozenset({"exported", "created", "question_shown"})

Row = tuple[str, str, str, str, str]


def trail_rows(source: ExportSource, redactor: Redactor) -> tuple[Row, ...]:
    """One row per event worth reading, in order: (time, by, step, answer or note, why)."""
    rows: list[Row] = []
    for event in source.events:
        if event.kind in LEFT_OUT:
            continue
        step = _step(source, redactor, event)
        if step is not None:
            rows.append((local_time(event.local), event.user, *step))
    return tuple(rows)


def _step(
    source: ExportSource, redactor: Redactor, event: StoredEvent
) -> tuple[str, str, str] | None:
    data = event.payload
    kind = event.kind
    if kind in ("answer", "change", "rationale"):
        node = str(data.get("node", ""))
        if not redactor.shows(node):
            return None
        question = source.pack.nodes.get(node)
        label = question.text if isinstance(question, Question) else node
        answer = _label(question, data.get("value"))
        why = str(data.get("rationale", ""))
        if kind == "rationale":
            answer = f"{answer} (rationale written afterwards)"
        if kind == "change":
            previous = redactor.answer(node, _label(question, data.get("previous")))
            why = redactor.rationale(node, why)
            changed = f"changed from '{previous}' because: {data.get('reason', '')}"
            return label, redactor.answer(node, answer), f"{why}\n{changed}".strip()
        return label, redactor.answer(node, answer), redactor.rationale(node, why)
    if kind == "decide":
        return "Handler's decision", _outcome(data.get("value")), str(data.get("rationale", ""))
    if kind == "recommendation":
        state = "final" if data.get("final") else "provisional"
        urgent = "URGENT: " if data.get("urgent") else ""
        return "Recommendation", f"{urgent}{_outcome(data.get('code'))} ({state})", ""
    if kind in NOTE_TYPES:
        note = _redacted(kind, note_from(kind, data), redactor)
        text = describe_note(note, event.local).removeprefix(f"{event.local[11:19]}  ")
        return NOTE_STEPS.get(kind, kind), text, ""
    if kind == "closure":
        return "Call closed", "", ""
    if kind == "linked":
        return "Linked record", f"re-assessment of record {data.get('previous')}", ""
    return kind, "", ""


def _label(question: object, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(question, Question):
        return answer_label(question, tuple(value) if isinstance(value, list) else str(value))
    return str(value)


def _outcome(code: Any) -> str:
    try:
        return MEANINGS[OutcomeCode(code)].title
    except ValueError:
        return str(code)


def _redacted(kind: str, note: Any, redactor: Redactor) -> Any:
    changes = {
        f.name: redactor.note(kind, f.name, value)
        for f in fields(note)
        if isinstance(value := getattr(note, f.name), str)
    }
    return replace(note, **changes)
