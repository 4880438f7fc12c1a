"""What makes a rationale substantive: the rule the training scores hold rationales to.

A rationale is substantive when it has at least MIN_RATIONALE_WORDS words, of which at least
MIN_NEW_WORDS distinct words of three or more letters are not in the question, the answer
given, or FILLER. "No offence." is not; "No offence disclosed: no threats, weapon or damage
mentioned." is. The rule is a floor for training feedback, not a judgement of quality.
"""

import re
from typing import Any

from rcrp_desktop.domain.call.walk import answer_label
from rcrp_desktop.domain.pack.protocol import Question

MIN_RATIONALE_WORDS = 5
MIN_NEW_WORDS = 3
# Words that carry no facts of their own.
FILLER = frozenset(
    re.findall(
        r"\w+",
        """
        the and but for not nor are was were has have had been this that there their they them
        she her his him its our who what when where which with from into onto than then also
        any all can could would should will may might because yes unknown known none
        """,
    )
)
RATIONALE_LEARNING = (
    "Write the facts you relied on: what is present now, who said it, and why that meets or "
    "does not meet the test. The record is read later by people who were not on the call."
)


def substantive(rationale: str, question: Question, value: Any) -> str:
    """Why a rationale is not substantive, or "" when it is."""
    words = re.findall(r"\w+", rationale.lower())
    if len(words) < MIN_RATIONALE_WORDS:
        return f"{len(words)} word(s): too short to show the facts relied on"
    seen = set(re.findall(r"\w+", f"{question.text} {answer_label(question, value)}".lower()))
    values = value if isinstance(value, tuple) else (value,)
    seen |= {part for v in values for part in str(v).lower().split("_")}
    new = {w for w in words if len(w) >= 3 and w not in seen and w not in FILLER}
    if len(new) < MIN_NEW_WORDS:
        return "it repeats the question and the answer without the facts relied on"
    return ""
