"""Every recipient type's handover drawn as pictures to look at ($RCRP_ARTIFACTS/pdf).

Poppler's pdftoppm draws the pages as a reader would see them; the test checks that it can
draw every page. Looking at them is for people: see $RCRP_ARTIFACTS/pdf (tests/artifacts.py)
after a run.
"""

import shutil
import subprocess

import pytest

from rcrp_desktop.calls.exports import export_handover
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.export.handover import HandoverRequest
from rcrp_desktop.storage.repository import Store
from tests.artifacts import artifacts

from .records import CASES, USER, make_record

PICTURES = artifacts("pdf")

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed"
)


@pytest.mark.parametrize("recipient", sorted(CASES))
def test_each_recipient_type_renders(recipient: str, store: Store, packs: dict[str, Pack]) -> None:
    PICTURES.mkdir(parents=True, exist_ok=True)
    for old in PICTURES.glob(f"{recipient}*"):
        old.unlink()
    record = make_record(store, packs, CASES[recipient])
    pdf = PICTURES / f"{recipient}.pdf"
    result = export_handover(
        store, record, HandoverRequest(recipient, prepared_by=USER, redact=True), pdf
    )
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", str(pdf), str(PICTURES / recipient)],
        check=True,
        timeout=120,
    )
    drawn = sorted(PICTURES.glob(f"{recipient}-*.png"))
    assert len(drawn) == result.pages
    assert all(picture.stat().st_size > 10_000 for picture in drawn)  # ink, not blank pages
