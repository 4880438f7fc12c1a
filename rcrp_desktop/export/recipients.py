"""Recipient types and what each receives (R22), read from resources/handover/recipients.toml."""

import functools
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from rcrp_desktop import paths
from rcrp_desktop.domain.call.closure import NOTE_TYPES, Handover
from rcrp_desktop.domain.pack.merge import display_name
from rcrp_desktop.domain.pack.protocol import Test
from rcrp_desktop.export.errors import TemplateError, UnknownRecipientError
from rcrp_desktop.export.source import ExportSource

# The document's parts in the national handover structure's order (brief §8). Which of them
# a recipient gets, and which questions the question parts hold, is data.
PART_ORDER = (
    "receiving",
    "s136",
    "situation",
    "background",
    "thrive",
    "threshold",
    "red_flags",
    "risks",
    "safeguarding",
    "plan",
    "caller",
    "sharing",
    "acknowledgement",
    "trail",
)
QUESTION_PARTS = frozenset(
    {"situation", "background", "thrive", "threshold", "red_flags", "risks", "safeguarding"}
)


@dataclass(frozen=True)
class Part:
    """One part of the document: its title, and for question parts the questions it shows."""

    key: str
    title: str
    nodes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recipient:
    """A recipient type: who it is for, when it fits a record, and what it may receive."""

    id: str
    title: str
    partners: tuple[str, ...]  # the packs' partner keys this recipient type stands for
    when: tuple[Test, ...]  # answers that make it fit a record even without a handover
    parts: tuple[str, ...]  # in document order
    omit: frozenset[str]  # questions it does not get, wherever they would appear
    lawful_basis: str


@dataclass(frozen=True)
class S136Fields:
    """Where the pack asks the section 136 times and the one-hour expectation."""

    arrival: str
    expectation: str
    extension: tuple[str, ...]
    handed_at: str  # the time health staff took over, as the handler wrote it


@dataclass(frozen=True)
class Templates:
    """The whole templates file, checked."""

    source: str
    title: str
    marking: str
    redacted: str
    # Node ids (answer and rationale), "NODE.rationale" (the rationale alone: where a question's
    # note holds someone else's name), and note fields as "kind.field".
    third_party: frozenset[str]
    force: Mapping[str, str]
    parts: Mapping[str, Part]
    s136: S136Fields
    recipients: tuple[Recipient, ...]

    def recipient(self, recipient_id: str) -> Recipient:
        for recipient in self.recipients:
            if recipient.id == recipient_id:
                return recipient
        known = ", ".join(r.id for r in self.recipients)
        raise UnknownRecipientError(
            f"There is no recipient type '{recipient_id}' (recipient types: {known})."
        )


def templates_path() -> Path:
    return paths.resources_dir() / "handover" / "recipients.toml"


def load_templates(path: Path | None = None) -> Templates:
    """Read and check the templates file; TemplateError names the file and every problem."""
    chosen = (path or templates_path()).resolve()
    try:
        stat = chosen.stat()
    except OSError as error:
        raise TemplateError(
            f"{display_name(chosen)}: cannot read the handover templates: {error.strerror or error}"
        ) from error
    return _load(chosen, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _load(path: Path, mtime_ns: int, size: int) -> Templates:
    """Parsed once per version of the file on disk (keyed by its identity)."""
    shown = display_name(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise TemplateError(f"{shown}: cannot read the handover templates: {error}") from error
    problems: list[str] = []
    templates = _read(data, shown, problems)
    if problems or templates is None:
        raise TemplateError(f"{shown}: " + "; ".join(problems or ["unreadable"]))
    return templates


def recipients_for(source: ExportSource, templates: Templates | None = None) -> list[Recipient]:
    """The recipient types that fit this record: a handover to them or the recommended
    partner first, then those whose answers call for them (a child at home, an s136 call).
    """
    chosen = templates or load_templates()
    handed = {handover.partner_key for handover, _ in source.notes_of(Handover)}
    named = (handed | {source.advice.partner}) - {""}
    first = [r for r in chosen.recipients if named & set(r.partners)]
    answers = source.state.answers
    also = [
        r
        for r in chosen.recipients
        if r not in first
        and any(
            (given := answers.get(test.node)) is not None
            and bool(set(_values(given.value)) & set(test.values))
            for test in r.when
        )
    ]
    return first + also


def _values(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def _read(data: dict[str, Any], shown: str, problems: list[str]) -> Templates | None:
    check = _Checker(problems)
    unknown = set(data) - {"document", "parts", "s136", "recipients"}
    if unknown:
        problems.append(f"unknown table(s): {', '.join(sorted(unknown))}")
    document = check.table(data, "document", "[document]")
    parts_raw = check.table(data, "parts", "[parts]")
    s136_raw = check.table(data, "s136", "[s136]")
    recipients_raw = data.get("recipients")
    if not isinstance(recipients_raw, list) or not recipients_raw:
        problems.append("[[recipients]] must list at least one recipient type")
        recipients_raw = []
    parts: dict[str, Part] = {}
    for key in PART_ORDER:
        raw = check.table(parts_raw, key, f"[parts.{key}]")
        nodes = check.strings(raw, "nodes", f"[parts.{key}]", required=key in QUESTION_PARTS)
        parts[key] = Part(key, check.text(raw, "title", f"[parts.{key}]"), nodes)
    for key in set(parts_raw) - set(PART_ORDER):
        problems.append(f"[parts.{key}] is not a part (parts: {', '.join(PART_ORDER)})")
    third_party = check.strings(document, "third_party", "[document]")
    for item in third_party:
        kind, _, name = item.partition(".")
        if name == "rationale" and kind not in NOTE_TYPES:
            continue
        if name and (kind not in NOTE_TYPES or name not in _field_names(NOTE_TYPES[kind])):
            problems.append(f"[document] third_party: '{item}' is not a note field")
    force = document.get("force", {})
    if not isinstance(force, dict) or not all(isinstance(v, str) for v in force.values()):
        problems.append('[document.force] must map force profiles to names: england = "..."')
        force = {}
    recipients = [
        _recipient(raw, index, check) for index, raw in enumerate(recipients_raw, start=1)
    ]
    ids = [r.id for r in recipients]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"recipient type '{duplicate}' is defined more than once")
    return Templates(
        source=shown,
        title=check.text(document, "title", "[document]"),
        marking=check.text(document, "marking", "[document]"),
        redacted=check.text(document, "redacted", "[document]"),
        third_party=frozenset(third_party),
        force=dict(force),
        parts=parts,
        s136=S136Fields(
            arrival=check.text(s136_raw, "arrival", "[s136]"),
            expectation=check.text(s136_raw, "expectation", "[s136]"),
            extension=check.strings(s136_raw, "extension", "[s136]"),
            handed_at=check.text(s136_raw, "handed_at", "[s136]"),
        ),
        recipients=tuple(recipients),
    )


RECIPIENT_KEYS = {"id", "title", "partners", "when", "parts", "omit", "lawful_basis"}


def _recipient(raw: Any, index: int, check: "_Checker") -> Recipient:
    where = f"[[recipients]] {index}"
    if not isinstance(raw, dict):
        check.problems.append(f"{where} must be a table")
        raw = {}
    if isinstance(raw.get("id"), str):
        where += f" ('{raw['id']}')"
    for key in sorted(set(raw) - RECIPIENT_KEYS):
        check.problems.append(f"{where}: unknown key '{key}' (keys: {', '.join(RECIPIENT_KEYS)})")
    parts = check.strings(raw, "parts", where, required=True)
    for part in parts:
        if part not in PART_ORDER:
            check.problems.append(f"{where}: '{part}' is not a part ({', '.join(PART_ORDER)})")
    when = []
    for test in raw.get("when", []) if isinstance(raw.get("when", []), list) else [None]:
        if (
            not isinstance(test, dict)
            or set(test) != {"node", "in"}
            or not isinstance(test["node"], str)
            or not isinstance(test["in"], list)
            or not all(isinstance(v, str) for v in test["in"])
        ):
            check.problems.append(f'{where}: when must be [{{ node = "id", in = ["value"] }}]')
            continue
        when.append(Test(test["node"], tuple(test["in"])))
    return Recipient(
        id=check.text(raw, "id", where),
        title=check.text(raw, "title", where),
        partners=check.strings(raw, "partners", where, required=True),
        when=tuple(when),
        parts=tuple(p for p in PART_ORDER if p in parts),
        omit=frozenset(check.strings(raw, "omit", where)),
        lawful_basis=" ".join(check.text(raw, "lawful_basis", where).split()),
    )


class _Checker:
    """Reads typed values out of parsed TOML, noting every problem instead of stopping."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems

    def table(self, data: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
        value = data.get(key)
        if not isinstance(value, dict):
            self.problems.append(f"{where} is missing or not a table")
            return {}
        return value

    def text(self, data: Mapping[str, Any], key: str, where: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            self.problems.append(f"{where}: '{key}' must be non-empty text")
            return ""
        return value.strip()

    def strings(
        self, data: Mapping[str, Any], key: str, where: str, *, required: bool = False
    ) -> tuple[str, ...]:
        value = data.get(key)
        if value is None and not required:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.problems.append(f"{where}: '{key}' must be a list of names")
            return ()
        return tuple(value)


def _field_names(note_type: type) -> Sequence[str]:
    return [f.name for f in fields(note_type)]
