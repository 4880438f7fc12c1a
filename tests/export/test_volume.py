"""Volume (RELIABILITY.md P8): a 100,000-character rationale and 500 steps, nothing lost.

A long test (`-m long`): the document runs to well over a hundred pages.
"""

import time
from pathlib import Path

import pytest

from rcrp_desktop.calls.exports import export_handover
from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.export.handover import HandoverRequest
from rcrp_desktop.storage.repository import Store

from .records import CASES, USER, make_record, pages

pytestmark = pytest.mark.long

AGREED_SECONDS = 60.0


def test_a_100k_rationale_and_500_steps_paginate_with_nothing_lost(
    store: Store, packs: dict[str, Pack], tmp_path: Path
) -> None:
    words = [f"w{n:06d}" for n in range(12_500)]  # 100,000 characters
    record = make_record(
        store, packs, CASES["crisis_team"], changes={"thr_life": ("no", " ".join(words))}
    )
    recorder = CallRecorder.resume(store, record, lambda *_: packs["rcrp-england"], USER)
    for n in range(470):  # 32 answers, 470 changes: over 500 steps
        recorder.change("ctx_why_now", f"update {n:03d}", "", f"reason r{n:03d}")
    recorder.decide(recorder.advice.code or "", "")
    started = time.perf_counter()
    result = export_handover(
        store, record, HandoverRequest("crisis_team", prepared_by=USER), tmp_path / "h.pdf"
    )
    took = time.perf_counter() - started
    text = "\n".join(pages(tmp_path / "h.pdf"))
    assert result.pages > 100 and took < AGREED_SECONDS
    found = [w for w in text.split() if len(w) == 7 and w.startswith("w") and w[1:].isdigit()]
    assert found == words + words  # the threshold part and the appendix, in order
    reasons = [w for w in text.split() if len(w) == 4 and w.startswith("r") and w[1:].isdigit()]
    assert reasons == [f"r{n:03d}" for n in range(470)]
