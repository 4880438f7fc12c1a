"""Stored records for the handover tests: shipped example calls, decided, with their notes.

Each record is one of forms/examples replayed through the recorder and saved, as
`run-script --save` does, then decided and given the notes a handler would add (synthetic).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pypdf

from rcrp_desktop.calls.recorder import CallRecorder
from rcrp_desktop.domain.call.closure import (
    CallerInformed,
    Deployment,
    Handover,
    PartnerConfirmed,
    ReferrerInformed,
    SupervisorDecision,
)
from rcrp_desktop.domain.call.script import load_script
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.paths import examples_dir
from rcrp_desktop.storage.repository import Store

USER = "PC 4821 A. Handler (call handler)"
TOLD = CallerInformed(
    False,
    "Police will not be coming to this. The team will call you within the hour.",
    "Ring 111 and choose the mental-health option; 999 if anyone is in danger",
    "A weapon is seen, he is hurt, or he leaves the flat",
    True,
)


@dataclass(frozen=True)
class Case:
    """One recipient type's record: which example call, what to change in it, which notes."""

    script: str
    pack: str
    notes: tuple[object, ...]
    changes: Mapping[str, tuple[object, str]] = field(default_factory=dict)  # node: (answer, why)


CASES = {
    "crisis_team": Case(
        "welfare-crisis-team.json",
        "rcrp-england",
        (
            Handover(
                "crisis_team",
                "Testshire and Sampleton NHS Foundation Trust",
                "North Crisis Resolution and Home Treatment Team",
                "Nurse A. Example",
                "Professionals line 01632 960101",
                "accepted",
                reference="CRT-2026-0555",
                agreed_action="Home visit by two practitioners tonight",
                eta="by 23:30",
                recheck_minutes=90,
            ),
            TOLD,
        ),
    ),
    "ambulance": Case(
        "medical-telecare-fall-ambulance.json",
        "rcrp-england",
        (
            Handover(
                "ambulance",
                "Testshire Ambulance Service",
                "Clinical hub",
                "Clinician B. Example",
                "Ambulance control line",
                "accepted",
                reference="AMB-2026-7788",
                agreed_action="Crew to attend; key safe code passed",
                eta="within 90 minutes",
            ),
            CallerInformed(
                False,
                "Police will not be coming; the ambulance service will.",
                "Stay on the line to the resident; 999 if she gets worse",
                "She stops answering, or anyone else is hurt",
                True,
            ),
            ReferrerInformed("Operator C. Example, Careline", "phone"),
        ),
    ),
    "hospital": Case(
        "walkout-capacity-hospital-follow-up.json",
        "rcrp-england",
        (
            Handover(
                "hospital",
                "Testtown General Hospital",
                "Acute Medical Unit",
                "Ward sister D. Example",
                "Ward phone",
                "accepted",
                reference="AMU-4411",
                agreed_action="Ward keeps phoning him and writes to his GP",
            ),
            CallerInformed(
                False,
                "Police will not be going; the ward keeps responsibility.",
                "Ring back if he says he will harm himself",
                "He says he will harm himself, or is found hurt",
                True,
            ),
            ReferrerInformed("Ward sister D. Example", "phone"),
        ),
    ),
    "amhp_adult_social_care": Case(
        "medical-mha-conveyance-amhp.json",
        "rcrp-england",
        (
            Handover(
                "amhp",
                "Testshire County Council",
                "AMHP service",
                "AMHP E. Example",
                "AMHP duty line",
                "accepted",
                reference="AMHP-0834",
                agreed_action="Conveyance by ambulance as booked",
                eta="ambulance at 14:30",
            ),
            CallerInformed(
                False,
                "Police will not be coming; the ambulance will convey her.",
                "Ring back if violence becomes likely",
                "Violence is threatened, or a weapon is seen",
                True,
            ),
            ReferrerInformed("AMHP E. Example", "phone"),
        ),
    ),
    "childrens_services": Case(
        "welfare-16-year-old-childrens-services.json",
        "rcrp-england",
        (
            Handover(
                "childrens_services",
                "Testshire County Council",
                "Children's emergency duty team",
                "Social worker F. Example",
                "EDT line",
                "accepted",
                reference="EDT-2026-1616",
                agreed_action="Social worker to call the girl and her mother tonight",
                eta="within 2 hours",
            ),
            CallerInformed(
                False,
                "Police will not be coming; the emergency duty team will call.",
                "Stay with her; 999 if she leaves or is hurt",
                "She leaves, is hurt, or says she will hurt herself",
                True,
            ),
        ),
    ),
    "place_of_safety": Case(
        "wales-s136-handover-within-hour.json",
        "rcrp-wales",
        (
            Handover(
                "place_of_safety",
                "Bwrdd Iechyd Prifysgol Enghraifft / Example University Health Board",
                "Place of safety, Testtown mental-health unit",
                "Nurse in charge G. Example",
                "In person",
                "accepted",
                reference="POS-0310",
                agreed_action="Health staff take over the detention",
            ),
            Deployment("Two officers already with him (PC 2290, PC 2291)", "standby"),
            SupervisorDecision("Sgt 1001 H. Example", "Agreed with the extension; review at 05:00"),
            PartnerConfirmed("Nurse in charge G. Example", "Handover complete at 04:20"),
        ),
        changes={
            "s136_handover": (
                "over_hour_extension_agreed",
                "Arrived 03:10; at 04:15 the nurse in charge and the custody sergeant agreed "
                "that officers stay until 04:30 because a second nurse is on her way.",
            )
        },
    ),
}


def make_record(
    store: Store,
    packs: Mapping[str, Pack],
    case: Case,
    *,
    incident: str = "INC-2026-0001",
    changes: Mapping[str, tuple[object, str]] | None = None,
    notes: tuple[object, ...] | None = None,
    user: str = USER,
) -> int:
    """Save the case's call as a record, decide it as recommended, and add its notes."""
    recorder = CallRecorder.start(store, packs[case.pack], incident_ref=incident, user=user)
    altered = {**case.changes, **(changes or {})}
    for step in load_script(examples_dir() / case.script).steps:
        answer, why = altered.get(step.node, (step.answer, step.rationale))
        recorder.answer(step.node, answer, why)
    assert recorder.advice.final and recorder.advice.code is not None
    recorder.decide(recorder.advice.code, "")
    for note in case.notes if notes is None else notes:
        recorder.record(note)
    return recorder.record_id


def pages(path: Path) -> list[str]:
    """The text of each page of a PDF, as pypdf extracts it."""
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def body(path: Path, marking: str = "OFFICIAL-SENSITIVE") -> str:
    """The text of a PDF without its running furniture (marking, header, footer, drawn after each
    page's content) or the table heading repeated on a new page, so that a table cell broken
    across a page reads as one."""
    text = "\n".join(page.split(marking, 1)[0] for page in pages(path))
    return re.sub(r"\nQuestion\s+Answer\s+Facts relied on \(rationale\)\n", "\n", text)


def squash(text: str) -> str:
    """Text with every space and line break taken out: wrapping cannot change it."""
    return "".join(text.split())
