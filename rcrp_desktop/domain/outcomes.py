"""The fixed outcome set (R8). A code never changes meaning between versions."""

from dataclasses import dataclass
from enum import StrEnum


class OutcomeCode(StrEnum):
    """Stable outcome codes. Add new codes; never rename or repurpose one."""

    POLICE_DEPLOY = "POLICE_DEPLOY"
    POLICE_DEPLOY_WITH_PARTNER = "POLICE_DEPLOY_WITH_PARTNER"
    PARTNER_LEAD_NO_POLICE = "PARTNER_LEAD_NO_POLICE"
    PARTNER_LEAD_POLICE_STANDBY = "PARTNER_LEAD_POLICE_STANDBY"
    ADVICE_AND_CLOSE = "ADVICE_AND_CLOSE"
    NOT_RCRP_STANDARD = "NOT_RCRP_STANDARD"
    ESCALATE_SUPERVISOR = "ESCALATE_SUPERVISOR"
    # Added in the 2.0.0 packs: officers already with the person keep responsibility (a child
    # under s136 with no place of safety, a place of safety refusing a detainee).
    POLICE_REMAIN = "POLICE_REMAIN"


class Response(StrEnum):
    """What a code means for police: the one fact every screen, wording and check reads."""

    ATTEND = "attend"  # police go (or stay) now
    STANDARD = "standard"  # police own the call and respond as usual under THRIVE
    STANDBY = "standby"  # a partner leads; police are ready to support
    DECLINE = "decline"  # police will not be coming: a partner or advice owns the need
    ESCALATE = "escalate"  # a supervisor decides before anyone declines


@dataclass(frozen=True)
class OutcomeMeaning:
    """What a code means: its title, what police do, and that in one sentence."""

    title: str
    response: Response
    summary: str

    @property
    def police_attend(self) -> bool:
        return self.response is Response.ATTEND


MEANINGS: dict[OutcomeCode, OutcomeMeaning] = {
    OutcomeCode.POLICE_DEPLOY: OutcomeMeaning(
        "Police deploy", Response.ATTEND, "Police will attend."
    ),
    OutcomeCode.POLICE_DEPLOY_WITH_PARTNER: OutcomeMeaning(
        "Police deploy with a partner", Response.ATTEND, "Police will attend, with the partner."
    ),
    OutcomeCode.POLICE_REMAIN: OutcomeMeaning(
        "Police keep responsibility",
        Response.ATTEND,
        "Officers stay with the person and keep responsibility.",
    ),
    OutcomeCode.PARTNER_LEAD_NO_POLICE: OutcomeMeaning(
        "Partner leads: police not attending",
        Response.DECLINE,
        "Police will not attend: the partner leads.",
    ),
    OutcomeCode.PARTNER_LEAD_POLICE_STANDBY: OutcomeMeaning(
        "Partner leads: police on standby",
        Response.STANDBY,
        "The partner leads; police are on standby to support.",
    ),
    OutcomeCode.ADVICE_AND_CLOSE: OutcomeMeaning(
        "Advice and close (signposted)",
        Response.DECLINE,
        "Police will not attend: advice given and signposted.",
    ),
    # Fixed for good: police own this call. Never "police will not be coming".
    OutcomeCode.NOT_RCRP_STANDARD: OutcomeMeaning(
        "Not RCRP: police respond as usual (THRIVE)",
        Response.STANDARD,
        "Police own this call and respond as usual under THRIVE.",
    ),
    OutcomeCode.ESCALATE_SUPERVISOR: OutcomeMeaning(
        "Escalated to supervisor",
        Response.ESCALATE,
        "A supervisor decides the response before anyone declines the call.",
    ),
}

# The outcome the engine falls back to when an urgent answer is live (R17, R29).
URGENT_OUTCOME = OutcomeCode.POLICE_DEPLOY


def police_attend(code: OutcomeCode) -> bool:
    """Whether an outcome sends (or keeps) police at the call."""
    return MEANINGS[code].police_attend


def response(code: OutcomeCode) -> Response:
    """What police do under this outcome."""
    return MEANINGS[code].response
