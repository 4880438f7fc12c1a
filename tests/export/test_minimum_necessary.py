"""Minimum necessary (RELIABILITY.md P4): only what a recipient's template names is shared.

A property test fills a record with data no template agrees to share (fields the notes do not
define, and answers to the questions a recipient type omits) and checks that none of it
reaches the handover, in its text or (for one case) in the PDF and its metadata.
"""

import string
from dataclasses import replace
from pathlib import Path
from typing import Any

import pypdf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rcrp_desktop.domain.call import engine
from rcrp_desktop.domain.pack.protocol import InputKind, Pack, Question
from rcrp_desktop.export.handover import HandoverRequest, build_handover_pdf, build_handover_text
from rcrp_desktop.export.recipients import Templates
from rcrp_desktop.export.source import ExportSource, load_source
from rcrp_desktop.storage.records import ENGINE_KINDS
from rcrp_desktop.storage.repository import Store, StoredEvent

from .records import CASES, make_record, squash

SECRET = st.text(string.ascii_uppercase, min_size=14, max_size=20).map(lambda s: f"SECRET{s}")


def plain_handover(source: ExportSource, request: HandoverRequest) -> str:
    """The plain-text handover, built but neither written nor recorded."""
    return build_handover_text(source, request).data.decode("utf-8")


def stuffed(source: ExportSource, omitted: frozenset[str], secret: str) -> ExportSource:
    """The same record with `secret` in fields no note defines and in every omitted answer."""
    events = []
    for event in source.events:
        payload: dict[str, Any] = {**event.payload, "not_agreed": secret, "nhs_number": secret}
        question = source.pack.nodes.get(str(payload.get("node", "")))
        if event.kind in ENGINE_KINDS and payload.get("node") in omitted:
            assert isinstance(question, Question)
            if question.input is InputKind.TEXT:
                payload["value"] = secret
            payload["rationale"] = secret
        events.append(StoredEvent(*event[:2], payload, *event[3:]))
    state = engine.replay(source.pack, [e.payload for e in events if e.kind in ENGINE_KINDS])
    return replace(source, events=tuple(events), state=state)  # its notes are read from these


def test_fields_no_template_names_never_reach_a_handover(
    store: Store, packs: dict[str, Pack], templates: Templates
) -> None:
    sources = {
        recipient: load_source(store, make_record(store, packs, case))
        for recipient, case in CASES.items()
    }

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(recipient=st.sampled_from(sorted(CASES)), secret=SECRET)
    def check(recipient: str, secret: str) -> None:
        chosen = templates.recipient(recipient)
        source = stuffed(sources[recipient], chosen.omit, secret)
        assert secret not in plain_handover(source, HandoverRequest(recipient))
        assert secret not in plain_handover(source, HandoverRequest(recipient, redact=True))

    check()


def test_nor_the_pdf_or_its_metadata(
    store: Store, packs: dict[str, Pack], templates: Templates, tmp_path: Path
) -> None:
    source = load_source(store, make_record(store, packs, CASES["ambulance"]))
    secret = "SECRETNOTAGREEDTOSHARE"
    stuffed_source = stuffed(source, templates.recipient("ambulance").omit, secret)
    built = build_handover_pdf(stuffed_source, HandoverRequest("ambulance"), tmp_path / "h.pdf")
    reader = pypdf.PdfReader(tmp_path / "h.pdf")
    text = squash("".join(page.extract_text() for page in reader.pages))
    assert secret not in text
    assert secret.encode() not in built.data
    assert all(secret not in str(value) for value in (reader.metadata or {}).values())
