"""Where the figures and the review queue find the answers they count
(forms/monitoring/config.toml):
question ids as data, never in code; a file that cannot be used is named with its fault."""

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rcrp_desktop.domain.pack.protocol import Pack, Question

FILE_NAME = "monitoring/config.toml"


class MonitoringConfigError(ValueError):
    """forms/monitoring/config.toml cannot be used: the message names the file and the key."""


@dataclass(frozen=True)
class MonitoringConfig:
    referral_node: str
    s136_node: str
    s136_within: frozenset[str]
    recontact_nodes: tuple[str, ...]
    # The questions giving the times the handover is measured by: arrival, and handed over.
    s136_arrival_node: str = ""
    s136_handed_at_node: str = ""
    # Each category's RCRP phase, as the packs in use map them (calls/monitoring.py adds it).
    phases: Mapping[str, str] = field(default_factory=dict)

    @property
    def nodes(self) -> tuple[str, ...]:
        times = (self.s136_arrival_node, self.s136_handed_at_node)
        return (self.referral_node, self.s136_node, *(n for n in times if n), *self.recontact_nodes)


def load_monitoring(forms_root: Path) -> MonitoringConfig:
    path = forms_root / FILE_NAME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise MonitoringConfigError(f"{path} cannot be read: {error}") from error
    return parse_monitoring(data, str(path))


def parse_monitoring(data: Mapping[str, Any], source: str) -> MonitoringConfig:
    def table(name: str) -> Mapping[str, Any]:
        value = data.get(name)
        if not isinstance(value, dict):
            raise MonitoringConfigError(f"{source}: [{name}] is missing")
        return value

    def text(name: str, key: str) -> str:
        value = table(name).get(key)
        if not (isinstance(value, str) and value):
            raise MonitoringConfigError(f"{source}: {name}.{key} must name a question")
        return value

    def texts(name: str, key: str) -> tuple[str, ...]:
        value = table(name).get(key)
        if not (isinstance(value, list) and value and all(isinstance(v, str) and v for v in value)):
            raise MonitoringConfigError(f"{source}: {name}.{key} must be a list of ids")
        return tuple(value)

    return MonitoringConfig(
        referral_node=text("safeguarding_referral", "node"),
        s136_node=text("s136_handover", "node"),
        s136_within=frozenset(texts("s136_handover", "within")),
        recontact_nodes=texts("recontact", "nodes"),
        s136_arrival_node=text("s136_handover", "arrival"),
        s136_handed_at_node=text("s136_handover", "handed_at"),
    )


def missing_questions(config: MonitoringConfig, packs: Iterable[Pack], source: str) -> list[str]:
    """One line for each id the config names that no current pack asks as a question (a pack
    without it, British Transport Police's without the s136 handover, counts none of it)."""
    current = [pack for pack in packs if not pack.archived]
    if not current:
        return []
    return [
        f"{source}: '{node}' is not a question of any current pack"
        for node in config.nodes
        if not any(isinstance(pack.nodes.get(node), Question) for pack in current)
    ]


def category_phases(packs: Iterable[Pack]) -> dict[str, str]:
    """Each category answer -> its RCRP phase, from the current packs (the first to map it)."""
    phases: dict[str, str] = {}
    for pack in (p for p in packs if not p.archived):
        for category, phase in pack.phase_of.items():
            phases.setdefault(category, phase)
    return phases
