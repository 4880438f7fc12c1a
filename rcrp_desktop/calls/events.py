"""What a call's steps and recommendations are written as: the payloads of its events."""

from typing import Any

from rcrp_desktop.domain.call import engine
from rcrp_desktop.storage.record_index import CATEGORY_KEY
from rcrp_desktop.storage.repository import NewEvent


def shown_event(state: engine.State) -> NewEvent:
    return NewEvent("question_shown", {"node": state.current})


def step_payload(step: engine.Event, category_node: str) -> dict[str, Any]:
    payload = step.to_dict()
    if step.action in ("answer", "change"):
        # What this step makes the call's category, for the store's index (record_index.py).
        payload[CATEGORY_KEY] = (
            step.value
            if category_node and step.node == category_node
            else ("" if category_node and category_node in step.dropped else None)
        )
    if step.previous is not None:
        payload["previous"] = (
            list(step.previous) if isinstance(step.previous, tuple) else (step.previous)
        )
        payload["previous_rationale"] = step.previous_rationale
    if step.dropped:
        payload["dropped"] = list(step.dropped)
    return payload


def advice_key(advice: engine.Recommendation) -> tuple[Any, ...]:
    return (advice.code, advice.final, advice.urgent, advice.outcome_node)


def advice_payload(advice: engine.Recommendation) -> dict[str, Any]:
    return {
        "code": advice.code.value if advice.code else None,
        "final": advice.final,
        "urgent": advice.urgent,
        "police_attend": advice.police_attend,
        "instruction": advice.instruction,
        "partner": advice.partner,
        "outcome_node": advice.outcome_node,
        "floor_applied": advice.floor_applied,
        "reasons": [{"node": r.node, "role": r.role, "answer": r.answer} for r in advice.reasons],
        "pack": {"id": advice.pack_id, "version": advice.pack_version, "sha256": advice.pack_hash},
    }
