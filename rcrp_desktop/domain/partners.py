"""The force profile and its partner directory: which phases are live, who to hand over to."""

import dataclasses
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rcrp_desktop.domain.errors import Error
from rcrp_desktop.domain.pack.merge import display_name
from rcrp_desktop.domain.pack.schema import BOOL, JURISDICTIONS, STR, STR_REQ, TABLE, TABLES, Key

FORMAT = 1  # bump when the file layout changes; older apps then refuse newer files clearly
# The agency keys the packs' outcomes name in their [partners] tables (a test keeps them equal).
AGENCY_KEYS = (
    "crisis_team",
    "ambulance",
    "hospital",
    "place_of_safety",
    "amhp",
    "adult_social_care",
    "childrens_services",
    "nhs111",
)
# Short names for when no pack is at hand; a pack's own [partners] names are better.
AGENCY_LABELS = {
    "crisis_team": "Mental-health crisis team",
    "ambulance": "Ambulance service",
    "hospital": "Hospital or mental-health trust",
    "place_of_safety": "Place of safety (s136)",
    "amhp": "AMHP service",
    "adult_social_care": "Adult social care",
    "childrens_services": "Children's services / EDT",
    "nhs111": "NHS 111",
}
# The College of Policing's four phases, in order (brief §3).
PHASES = {
    "concern_for_welfare": "Phase 1: concern for welfare",
    "walkouts_and_awol": "Phase 2: walk-outs and AWOL patients",
    "conveyance": "Phase 3: medical incidents and conveyance",
    "s136_handover": "Phase 4: section 136 handover",
}
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*")  # matched whole (fullmatch)
NUMBER_PATTERN = re.compile(r"\+?[0-9][0-9 ]*")

TOP_KEYS = {
    "format": Key(lambda value: type(value) is int, "a whole number"),
    "profile": Key(TABLE.check, TABLE.type_name, required=True),
    "partners": TABLES,
}
PROFILE_KEYS = {
    "jurisdiction": STR_REQ,
    "title": STR_REQ,
    "version": STR_REQ,
    "rcrp_adopted": Key(BOOL.check, BOOL.type_name, required=True),
    "phases": Key(TABLE.check, TABLE.type_name, required=True),
    "edited": STR,
}
PHASE_KEYS = {"live": Key(BOOL.check, BOOL.type_name, required=True), "note": STR}
PARTNER_KEYS = {
    "id": STR_REQ,
    "key": STR_REQ,
    "agency": STR_REQ,
    "team": STR_REQ,
    "routes": Key(TABLES.check, TABLES.type_name, required=True),
    "hours": STR_REQ,
    "notes": STR,
}
ROUTE_KEYS = {"label": STR_REQ, "number": STR_REQ}


class DirectoryError(Error):
    """A partner directory could not be read; `problems` lists every fault, file and entry."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {problem}" for problem in problems))


@dataclass(frozen=True)
class Route:
    """One way to reach a partner: what to ask for, and the number."""

    label: str
    number: str

    def __str__(self) -> str:
        return f"{self.label}: {self.number}"


@dataclass(frozen=True)
class Partner:
    """One team of a partner agency; `key` is the agency key the packs' outcomes use."""

    id: str
    key: str
    agency: str
    team: str
    routes: tuple[Route, ...]
    hours: str
    notes: str = ""


@dataclass(frozen=True)
class Phase:
    """One RCRP phase and whether this force runs it yet."""

    id: str
    live: bool
    note: str = ""

    @property
    def title(self) -> str:
        return PHASES[self.id]


@dataclass(frozen=True)
class Directory:
    """A force profile: jurisdiction, whether RCRP is adopted, live phases, partners."""

    jurisdiction: str
    title: str
    version: str
    rcrp_adopted: bool
    phases: tuple[Phase, ...]
    partners: tuple[Partner, ...]
    edited: str = ""  # UTC time of the last local edit; empty for the shipped seed
    source: str = field(default="", compare=False)

    def for_agency(self, key: str) -> list[Partner]:
        """The partners that answer for this agency key, in directory order."""
        return [partner for partner in self.partners if partner.key == key]

    def partner(self, partner_id: str) -> Partner:
        for partner in self.partners:
            if partner.id == partner_id:
                return partner
        raise KeyError(partner_id)

    def is_live(self, phase_id: str) -> bool:
        """True if RCRP is adopted and this phase is live."""
        return self.rcrp_adopted and any(p.live for p in self.phases if p.id == phase_id)

    @property
    def stamp(self) -> str:
        """What a record stores to say which directory it used."""
        edited = f", edited {self.edited}" if self.edited else ""
        return f"{self.jurisdiction} partner directory {self.version}{edited}"


def format_routes(routes: tuple[Route, ...]) -> str:
    """Routes as "label: number" lines, the way the editor shows them."""
    return "\n".join(str(route) for route in routes)


def parse_routes(text: str) -> tuple[Route, ...]:
    """Read "label: number" lines (blank lines skipped); ValueError names the bad line."""
    routes = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        label, colon, phone = line.rpartition(":")
        if not colon or not label.strip() or not phone.strip():
            raise ValueError(f"line {number}: write it as 'label: number'")
        routes.append(Route(label.strip(), phone.strip()))
    return tuple(routes)


def load_directory(path: Path) -> Directory:
    """Read a directory file (.json or .toml), raising DirectoryError with every fault."""
    source = display_name(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DirectoryError(source, [f"cannot be read: {error.strerror or error}"]) from error
    return parse_directory(raw, source, path.suffix)


def parse_directory(raw: bytes, source: str, suffix: str = ".json") -> Directory:
    """Parse the bytes of a directory file; `source` names it in messages."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DirectoryError(source, [f"is not UTF-8 text ({error.reason})"]) from error
    try:
        if suffix == ".toml":
            data: Any = tomllib.loads(text)
        elif suffix == ".json":
            data = json.loads(text, object_pairs_hook=_no_repeated_keys)
        else:
            raise DirectoryError(source, [f"unknown file type '{suffix}' (.json or .toml)"])
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, ValueError) as error:
        if isinstance(error, DirectoryError):
            raise
        raise DirectoryError(source, [f"is not valid {suffix[1:].upper()}: {error}"]) from error
    return from_data(data, source)


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for key, value in pairs:
        if key in table:
            raise ValueError(f"key '{key}' appears twice in one object")
        table[key] = value
    return table


def from_data(data: Any, source: str) -> Directory:
    """Check parsed data and build the Directory, or raise DirectoryError listing every fault."""
    problems: list[str] = []
    top = _table(data, TOP_KEYS, "the file", problems)
    if top.get("format", FORMAT) > FORMAT:
        problems.append(
            f"was written by a newer version of the app (format {top['format']}; "
            f"this version reads format {FORMAT})"
        )
    if "profile" not in top:
        raise DirectoryError(source, problems)
    profile = _table(top["profile"], PROFILE_KEYS, "profile", problems)
    jurisdiction = profile.get("jurisdiction", "")
    if jurisdiction and jurisdiction not in JURISDICTIONS:
        problems.append(f"profile: jurisdiction '{jurisdiction}' is not one of {JURISDICTIONS}")
    adopted = profile.get("rcrp_adopted", True)
    phases = _phases(profile.get("phases", {}), adopted, problems)
    partners = _partners(top.get("partners", []), problems)
    if problems:
        raise DirectoryError(source, problems)
    return Directory(
        jurisdiction=jurisdiction,
        title=profile["title"],
        version=profile["version"],
        rcrp_adopted=adopted,
        phases=phases,
        partners=partners,
        edited=profile.get("edited", ""),
        source=source,
    )


def to_data(directory: Directory) -> dict[str, Any]:
    """The directory as plain data, in the layout `from_data` reads."""
    profile: dict[str, Any] = {
        "jurisdiction": directory.jurisdiction,
        "title": directory.title,
        "version": directory.version,
        "rcrp_adopted": directory.rcrp_adopted,
    }
    if directory.edited:
        profile["edited"] = directory.edited
    profile["phases"] = {p.id: {"live": p.live, "note": p.note} for p in directory.phases}
    partners = []
    for partner in directory.partners:
        entry = dataclasses.asdict(partner)
        entry["routes"] = [dataclasses.asdict(route) for route in partner.routes]
        partners.append(entry)
    return {"format": FORMAT, "profile": profile, "partners": partners}


def validate(directory: Directory) -> list[str]:
    """Every fault an edited directory has (empty if it would load again)."""
    try:
        from_data(to_data(directory), "")
    except DirectoryError as error:
        return error.problems
    return []


def _table(value: Any, keys: Mapping[str, Key], where: str, problems: list[str]) -> dict[str, Any]:
    """The well-typed entries of a table; every fault goes into `problems`."""
    if not isinstance(value, dict):
        problems.append(f"{where}: must be a table")
        return {}
    good: dict[str, Any] = {}
    for name, item in value.items():
        key = keys.get(name)
        if key is None:
            problems.append(f"{where}: unknown key '{name}' (allowed: {', '.join(keys)})")
        elif not key.check(item):
            problems.append(f"{where}: '{name}' must be {key.type_name}")
        elif key.required and isinstance(item, str) and not item.strip():
            problems.append(f"{where}: '{name}' is blank")
        else:
            good[name] = item
    for name, key in keys.items():
        if key.required and name not in value:
            problems.append(f"{where}: missing '{name}'")
    return good


def _phases(raw: dict[str, Any], adopted: bool, problems: list[str]) -> tuple[Phase, ...]:
    for name in raw:
        if name not in PHASES:
            problems.append(f"phases: unknown phase '{name}' (phases: {', '.join(PHASES)})")
    phases = []
    for phase_id in PHASES:
        if phase_id not in raw:
            problems.append(f"phases: missing phase '{phase_id}'")
            continue
        entry = _table(raw[phase_id], PHASE_KEYS, f"phase '{phase_id}'", problems)
        if "live" in entry:
            phases.append(Phase(phase_id, entry["live"], entry.get("note", "")))
            if entry["live"] and not adopted:
                problems.append(f"phase '{phase_id}': live, but rcrp_adopted is false")
    return tuple(phases)


def _partners(raw: list[dict[str, Any]], problems: list[str]) -> tuple[Partner, ...]:
    partners: list[Partner] = []
    first_use: dict[str, str] = {}
    for index, table in enumerate(raw, start=1):
        named = table.get("id")
        where = f"partner {index} '{named}'" if isinstance(named, str) else f"partner {index}"
        found = len(problems)
        entry = _table(table, PARTNER_KEYS, where, problems)
        partner_id = entry.get("id", "")
        if partner_id and not ID_PATTERN.fullmatch(partner_id):
            problems.append(f"{where}: id must be lower-case letters, digits, '-' or '_'")
        elif partner_id in first_use:
            problems.append(f"{where}: id '{partner_id}' is also used by {first_use[partner_id]}")
        elif partner_id:
            first_use[partner_id] = where
        if entry.get("key", AGENCY_KEYS[0]) not in AGENCY_KEYS:
            problems.append(
                f"{where}: agency key '{entry['key']}' is not one of {', '.join(AGENCY_KEYS)}"
            )
        routes = _routes(entry.get("routes", []), where, problems)
        if "routes" in entry and not entry["routes"]:
            problems.append(f"{where}: needs at least one phone route")
        if len(problems) == found:
            partners.append(Partner(**{**entry, "routes": routes}))
    return tuple(partners)


def _routes(raw: list[dict[str, Any]], where: str, problems: list[str]) -> tuple[Route, ...]:
    routes = []
    for index, table in enumerate(raw, start=1):
        entry = _table(table, ROUTE_KEYS, f"{where} route {index}", problems)
        number = entry.get("number", "0000")
        digits = sum(ch.isdigit() for ch in number)
        if not NUMBER_PATTERN.fullmatch(number) or digits < 3:
            problems.append(
                f"{where} route {index}: '{number}' is not a phone number "
                "(digits and spaces, optionally a leading +)"
            )
        elif len(entry) == len(ROUTE_KEYS):
            routes.append(Route(entry["label"], entry["number"]))
    return tuple(routes)
