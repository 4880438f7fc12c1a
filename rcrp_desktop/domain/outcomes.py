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


@dataclass(frozen=True)
class OutcomeMeaning:
    """What a code means: its title and whether police attend."""

    title: str
    police_attend: bool


MEANINGS: dict[OutcomeCode, OutcomeMeaning] = {
    OutcomeCode.POLICE_DEPLOY: OutcomeMeaning("Police deploy", True),
    OutcomeCode.POLICE_DEPLOY_WITH_PARTNER: OutcomeMeaning("Police deploy with a partner", True),
    OutcomeCode.PARTNER_LEAD_NO_POLICE: OutcomeMeaning(
        "Partner leads: police not attending", False
    ),
    OutcomeCode.PARTNER_LEAD_POLICE_STANDBY: OutcomeMeaning(
        "Partner leads: police on standby", False
    ),
    OutcomeCode.ADVICE_AND_CLOSE: OutcomeMeaning("Advice and close (signposted)", False),
    OutcomeCode.NOT_RCRP_STANDARD: OutcomeMeaning("Not RCRP: standard response", False),
    OutcomeCode.ESCALATE_SUPERVISOR: OutcomeMeaning("Escalated to supervisor", False),
}

# The outcome the engine falls back to when an urgent answer is live (R17, R29).
URGENT_OUTCOME = OutcomeCode.POLICE_DEPLOY


def police_attend(code: OutcomeCode) -> bool:
    """Whether an outcome sends police to the call."""
    return MEANINGS[code].police_attend
