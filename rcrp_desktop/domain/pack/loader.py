"""Load protocol pack files (TOML) into a resolved, checked Pack; the linter's engine room."""

import dataclasses
import functools
import hashlib
import json
import logging
import operator
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from rcrp_desktop.domain.errors import PackError
from rcrp_desktop.domain.outcomes import OutcomeCode
from rcrp_desktop.domain.pack import graph, pack_safety
from rcrp_desktop.domain.pack.merge import (
    RawPack,
    collector_paused,
    display_name,
    resolve,
    top_level,
)
from rcrp_desktop.domain.pack.order import topological_rank
from rcrp_desktop.domain.pack.pack_meta import check_phases, referral_test
from rcrp_desktop.domain.pack.protocol import Node, Outcome, Pack, Question, Section
from rcrp_desktop.domain.pack.schema import (
    JURISDICTIONS,
    PACK_ID_PATTERN,
    PACK_KEYS,
    Reader,
    hidden_character,
    read_node,
    read_sections,
)
from rcrp_desktop.domain.problems import Problem

logger = logging.getLogger(__name__)


def _file_reader(readers: dict[str, Reader], file: str) -> Reader:
    if file not in readers:
        readers[file] = Reader(file)
    return readers[file]


ARCHIVE_FOLDER = "archive"
# Folders of forms/ holding TOML that is not a pack: training scenarios, the monitoring config.
NOT_PACKS = frozenset({"scenarios", "monitoring"})


def is_archived(path: Path) -> bool:
    """A superseded pack version, kept so its records replay: it sits under forms/archive/."""
    return ARCHIVE_FOLDER in path.parts[:-1]


def build(path: Path, *, checked: bool = True) -> tuple[Pack | None, list[Problem]]:
    """Load and check one pack file; the pack is None when any problem was found.

    `checked=False` reads the pack (its keys, nodes and references) without the rules over
    its whole graph (cycles, dead ends, conditions, safety, the danger screen...): only for a
    pack shown before it is checked, never one a call is taken on.
    """
    with collector_paused():
        return _build(path, checked=checked)


def _build(path: Path, *, checked: bool) -> tuple[Pack | None, list[Problem]]:
    raw = resolve(path)
    problems = list(raw.problems)
    if not raw.pack and problems:  # unreadable: anything more would only be noise
        return None, problems
    readers: dict[str, Reader] = {}
    top = _file_reader(readers, raw.top)
    pack_ok = top.check_keys(raw.pack, PACK_KEYS, "", "[pack]")
    sections = read_sections(top, raw.sections)
    nodes: dict[str, graph.GraphNode] = {}
    origin: dict[str, str] = {}
    for index, (file, table) in enumerate(raw.nodes, start=1):
        node = read_node(_file_reader(readers, file), table, index)
        node_id = table.get("id")
        if node is not None:
            nodes[node.id] = node
        elif isinstance(node_id, str) and node_id:
            nodes[node_id] = graph.Opaque.from_table(node_id, table)
        if isinstance(node_id, str):
            origin[node_id] = file
    for reader in readers.values():
        problems += reader.problems
    if not pack_ok:
        return None, problems

    found, report = graph.problems_for(lambda node_id: origin.get(node_id, raw.top))
    meta = raw.pack
    _check_meta(meta, nodes, report)
    start = meta["start"]
    # A start that does not exist is reported on its own: every node would seem unreachable.
    kept = set(graph.reachable(nodes, start)) if start in nodes else set(nodes)
    for node_id in list(nodes):
        if node_id not in kept:
            if origin[node_id] == raw.top:
                report(node_id, f"unreachable: no route from start '{start}' leads here")
            del nodes[node_id]
    _check_nodes(nodes, sections, raw.partners, report)
    graph.check_references(nodes, report)
    if checked:
        _check_routes(path, nodes, start, meta, problems + found, report)
    problems += found
    if problems:
        return None, sorted(set(problems), key=problems.index)
    return _pack(path, meta, raw, sections, nodes, report), []


def _check_routes(
    path: Path,
    nodes: dict[str, graph.GraphNode],
    start: str,
    meta: Mapping[str, Any],
    so_far: list[Problem],
    report: graph.Report,
) -> None:
    """The rules over a pack's whole graph: every route ends, safely, danger first."""
    # An order over the whole graph, made once: without one there is a cycle to name.
    rank = topological_rank(nodes)
    if rank is None:
        for cycle in graph.find_cycles(nodes, start):
            report(cycle[0], "cycle: " + " -> ".join(cycle))
    flagged = {p.node for p in so_far}  # a node's own fault explains the rest
    for node_id in graph.dead_ends(nodes, nodes):
        if node_id not in flagged:
            report(node_id, "dead end: no route from here reaches an outcome")
    graph.check_conditions(nodes, report, rank)
    graph.check_safety(nodes, report)
    graph.check_every_path(nodes, start, meta.get("every_path", []), report)
    if not is_archived(path):  # rules learnt after the archived versions were issued
        pack_safety.check_danger_screen(nodes, start, meta.get("danger_screen", []), report)
        pack_safety.check_urgent_route(nodes, meta.get("urgent_route", ""), report)
        pack_safety.check_outcome_texts(nodes, report)
        pack_safety.check_dead_routes(nodes, start, report)
    referral_test(meta.get("referral"), nodes, report)
    check_phases(meta.get("phases"), nodes, report)


def _pack(
    path: Path,
    meta: Mapping[str, Any],
    raw: RawPack,
    sections: tuple[Section, ...],
    nodes: dict[str, graph.GraphNode],
    report: graph.Report,
) -> Pack:
    """The Pack made of a file's checked tables."""
    real = {k: v for k, v in nodes.items() if not isinstance(v, graph.Opaque)}
    pack = Pack(
        id=meta["id"],
        version=meta["version"],
        title=meta["title"],
        jurisdiction=meta["jurisdiction"],
        effective=meta["effective"],
        review_by=meta["review_by"],
        start=meta["start"],
        urgent_instruction=meta["urgent_instruction"],
        rcrp_adopted=meta.get("rcrp_adopted", True),
        notice=meta.get("notice", ""),
        every_path=tuple(meta.get("every_path", [])),
        partners=MappingProxyType(dict(raw.partners)),  # type: ignore[arg-type]
        # A variant may leave a base section empty (BTP skips the threshold): drop it.
        sections=tuple(s for s in sections if any(n.section == s.id for n in real.values())),
        nodes=real,
        source=raw.top,
        referral=referral_test(meta.get("referral"), real, report),
        phase_node=str(meta.get("phases", {}).get("node", "")),
        phase_of=dict(meta.get("phases", {}).get("map", {})),
        wording_attend=meta.get("wording_attend", ""),
        wording_not_attend=meta.get("wording_not_attend", ""),
        wording_standard=meta.get("wording_standard", ""),
        wording_escalated=meta.get("wording_escalated", ""),
        wording_standby=meta.get("wording_standby", ""),
        wording_remain=meta.get("wording_remain", ""),
        danger_screen=tuple(meta.get("danger_screen", [])),
        urgent_route=meta.get("urgent_route", ""),
        archived=is_archived(path),
    )
    reach = graph.reach_all(real)
    return dataclasses.replace(pack, content_hash=content_hash(pack), reach=reach)


def _check_meta(
    meta: dict[str, Any], nodes: dict[str, graph.GraphNode], report: graph.Report
) -> None:
    if not PACK_ID_PATTERN.fullmatch(meta["id"]):
        report("", f"pack id '{meta['id']}' must be lower case letters, digits and '-'")
    if meta["jurisdiction"] not in JURISDICTIONS:
        report(
            "",
            f"unknown jurisdiction '{meta['jurisdiction']}' (allowed: {', '.join(JURISDICTIONS)})",
        )
    if meta["review_by"] <= meta["effective"]:
        report("", "review_by must come after effective")
    if not meta["urgent_instruction"].strip():
        report("", "urgent_instruction is empty")
    if not meta["title"].strip():
        report("", "the pack's 'title' is empty: it names the pack to the handler")
    if meta["start"] not in nodes:
        report("", f"start names '{meta['start']}', which does not exist")


# Codes that hand the call to a partner, or send police with one: the outcome must say which.
PARTNER_CODES = frozenset(
    {
        OutcomeCode.PARTNER_LEAD_NO_POLICE,
        OutcomeCode.PARTNER_LEAD_POLICE_STANDBY,
        OutcomeCode.POLICE_DEPLOY_WITH_PARTNER,
    }
)


def _check_nodes(
    nodes: dict[str, graph.GraphNode],
    sections: Iterable[Any],
    partners: dict[str, Any],
    report: graph.Report,
) -> None:
    section_ids = {section.id for section in sections}
    for key, name in partners.items():
        if not isinstance(name, str) or not name.strip():
            report("", f"partner '{key}' must have a display name")
        elif hidden := hidden_character(name):
            report("", f"partner '{key}' has {hidden} in its name: type the text plainly")
    for node_id, node in nodes.items():
        if isinstance(node, graph.Opaque):
            continue
        if node.section not in section_ids:
            report(node_id, f"section '{node.section}' is not declared in [[sections]]")
        if isinstance(node, Outcome) and node.partner and node.partner not in partners:
            report(node_id, f"partner '{node.partner}' is not declared in [partners]")
        if isinstance(node, Outcome) and not node.partner and node.code in PARTNER_CODES:
            report(
                node_id,
                f"its code {node.code} involves a partner, but it names none: "
                "add partner = one of the keys in [partners]",
            )
        if isinstance(node, Question) and node.limb is not None and not node.rationale_required:
            report(node_id, "threshold limb questions must set rationale_required = true")


# The canonical JSON is the standard library's json.dumps(sort_keys=True, ensure_ascii=False,
# separators=(",", ":")), dataclasses and dates through _plain_data, as it always was. orjson
# writes the same bytes (a test holds it to that on every shipped pack and on any text) in a
# third of the time, which counts on a large pack (hashing was a quarter of checking 100,000
# nodes); importing it costs more than it saves on a pack the size of a shipped one, before the
# window's first paint, so it is loaded only for a large one.
ORJSON_FROM_NODES = 2_000


def content_hash(pack: Pack) -> str:
    """SHA-256 over the canonical JSON of the resolved pack: what the engine reports."""
    return hashlib.sha256(canonical_pack(pack)).hexdigest()


def canonical_pack(pack: Pack) -> bytes:
    """The pack's canonical JSON (sorted keys, no spaces, UTF-8 as is), as content_hash hashes."""
    bare = dataclasses.replace(pack, source="", content_hash="", reach={}, archived=False)
    if len(pack.nodes) < ORJSON_FROM_NODES:
        return _standard().encode(bare).encode("utf-8")
    return orjson_canonical(bare)


def orjson_canonical(value: Any) -> bytes:
    """`value`'s canonical JSON, written by orjson (imported here: see above)."""
    import orjson

    options = (
        orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
    )
    return orjson.dumps(value, default=_plain_data, option=options)


def _plain_data(value: Any) -> Any:
    """The JSON encoder's fallback: dataclasses as their fields (nodes also say their type)."""
    kind: type = type(value)
    plain = _plain_maker(kind)
    if plain is not None:
        return plain(value)
    if isinstance(value, Mapping):
        return dict(value)
    return str(value)  # dates, in ISO form


@functools.cache
def _standard() -> json.JSONEncoder:
    """The standard library's encoder with the canonical options, made once."""
    return json.JSONEncoder(
        sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain_data
    )


@functools.cache
def _plain_maker(kind: type) -> Callable[[Any], dict[str, Any]] | None:
    """For a dataclass, a function giving an instance's hashed fields; None for other types.

    Made once a class: the encoder calls back for every node, answer and reference.
    """
    names = _field_names(kind)
    if not names:
        return None
    values_of = operator.attrgetter(*names, names[0])  # two names at least: always a tuple
    later = tuple(_fields_hashed_when_set(kind).items())
    typed = kind.__name__ if issubclass(kind, Node) else ""

    def plain(value: Any) -> dict[str, Any]:
        # One dict, filled in place: merging two took a quarter of hashing a large pack.
        fields = dict(zip(names, values_of(value), strict=False))
        if typed:
            fields["type"] = typed
        for name, default in later:
            if fields[name] == default:
                del fields[name]
        return fields

    return plain


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    """A dataclass's field names, in order (looked up once a class: hashing calls this often)."""
    if dataclasses.is_dataclass(kind):
        return tuple(f.name for f in dataclasses.fields(kind))
    return ()


@functools.cache
def _fields_hashed_when_set(kind: type) -> dict[str, Any]:
    """Fields added after the first packs, with their defaults: hashed only when set."""
    if not dataclasses.is_dataclass(kind):
        return {}
    return {
        f.name: f.default
        for f in dataclasses.fields(kind)
        if f.metadata.get("hashed_when_set") and f.default is not dataclasses.MISSING
    }


def load_pack(path: Path) -> Pack:
    """Load a pack, raising PackError with every problem found."""
    pack, problems = build(path)
    if pack is None:
        raise PackError(problems)
    return pack


def pack_files(paths: Iterable[Path], *, archived: bool = True) -> list[Path]:
    """The .toml pack files named by `paths`: files as given, folders searched (with or
    without the archived versions under them)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*.toml")
                if not NOT_PACKS & set(p.parts) and (archived or not is_archived(p))
            )
        else:
            files.append(path)
    return files


def check_paths(paths: Iterable[Path], *, checked: bool = True) -> tuple[list[Pack], list[Problem]]:
    """Lint every pack file under `paths`; the packs that loaded and every problem.

    `checked=False`: read only, as `build` says (a pack shown before it is checked)."""
    packs: list[Pack] = []
    problems: list[Problem] = []
    for file in pack_files(paths):
        try:
            pack, found = build(file, checked=checked)
        except Exception as error:
            logger.exception("internal error while checking %s", file)
            pack, found = (
                None,
                [Problem(display_name(file), "", f"internal error while checking: {error!r}")],
            )
        if pack is not None:
            packs.append(pack)
        problems += found
    seen: dict[tuple[str, str], str] = {}
    for pack in packs:
        key = (pack.id, pack.version)
        if key in seen:
            problems.append(
                Problem(
                    pack.source,
                    "",
                    f"pack '{pack.id}' version {pack.version} is also defined in {seen[key]}",
                )
            )
        seen[key] = pack.source
    return packs, problems


def find_pack(roots: Iterable[Path], pack_id: str) -> Path | None:
    """The current file under `roots` whose [pack] id is `pack_id` (archived versions aside)."""
    for file in pack_files(roots, archived=False):
        data = top_level(file)
        if data is None:
            continue
        meta = data.get("pack")
        if isinstance(meta, dict) and meta.get("id") == pack_id:
            return file
    return None
