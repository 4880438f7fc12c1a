"""Load protocol pack files (TOML) into a resolved, checked Pack; the linter's engine room."""

import dataclasses
import functools
import hashlib
import json
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import rtoml

from rcrp_desktop.domain.errors import PackError
from rcrp_desktop.domain.pack import graph, pack_safety
from rcrp_desktop.domain.pack.pack_meta import check_phases, referral_test
from rcrp_desktop.domain.pack.protocol import Node, Outcome, Pack, Question
from rcrp_desktop.domain.pack.schema import (
    JURISDICTIONS,
    PACK_ID_PATTERN,
    PACK_KEYS,
    TOP_KEYS,
    Reader,
    read_node,
    read_sections,
)
from rcrp_desktop.domain.problems import Problem

MAX_EXTENDS_DEPTH = 8
logger = logging.getLogger(__name__)


def display_name(path: Path) -> str:
    """A path as it should appear in messages: relative to the working folder if inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


@dataclass
class _Raw:
    """A pack's tables after merging variants over their bases."""

    top: str
    pack: dict[str, Any] = field(default_factory=dict)
    partners: dict[str, Any] = field(default_factory=dict)
    sections: list[dict[str, Any]] = field(default_factory=list)
    nodes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (file, table)
    problems: list[Problem] = field(default_factory=list)


def _read_toml(path: Path, shown: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    try:
        stat = path.stat()
        # Variants parse their base again and again (Wales and BTP both extend England): parse
        # each file once per version of it on disk, and hand out copies.
        parsed = _parse_toml(path.resolve(), stat.st_mtime_ns, stat.st_size)
        return _copied(parsed), []
    except FileNotFoundError:
        return None, [Problem(shown, "", "file not found")]
    except UnicodeDecodeError as error:
        return None, [Problem(shown, "", f"not UTF-8 text: {error}")]
    except ValueError as error:  # tomllib.TOMLDecodeError, from _parse_toml
        return None, [Problem(shown, "", f"TOML syntax error: {error}")]
    except OSError as error:
        return None, [Problem(shown, "", f"cannot read: {error.strerror or error}")]


def _copied(value: Any) -> Any:
    """A deep copy of parsed TOML: tables and arrays copied, the rest immutable (faster than
    copy.deepcopy, which also keeps a memo of every object)."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value


@functools.lru_cache(maxsize=32)
def _parse_toml(path: Path, mtime_ns: int, size: int) -> dict[str, Any]:
    """A file's TOML, keyed by its identity on disk so that an edited file is read again.

    rtoml (a compiled TOML 1.0 parser) reads a pack in a seventh of the time of the standard
    library's pure-Python `tomllib`, which is most of loading the packs at start-up. For a file
    that does not parse, `tomllib` reads it again: its message says where, in the words the
    linter has always used (and it raises the error `_read_toml` reports).
    """
    text = path.read_bytes().decode("utf-8")
    try:
        parsed: dict[str, Any] = rtoml.loads(text)
    except rtoml.TomlParsingError:
        import tomllib

        return tomllib.loads(text)
    return parsed


def _resolve(path: Path, chain: tuple[Path, ...] = ()) -> _Raw:
    """Read a file and, through `extends`, its bases; merge them into one _Raw."""
    shown = display_name(path)
    raw = _Raw(top=shown)
    data, problems = _read_toml(path, shown)
    raw.problems += problems
    if data is None:
        return raw
    reader = Reader(shown)
    reader.check_keys(
        data,
        {k: dataclasses.replace(v, required=False) for k, v in TOP_KEYS.items()},
        "",
        "the file",
    )
    raw.problems += reader.problems
    pack = data.get("pack")
    extends = pack.get("extends") if isinstance(pack, dict) else None
    if isinstance(extends, str) and extends:
        base_path = (path.parent / extends).resolve()
        if base_path in chain or base_path == path.resolve():
            raw.problems.append(Problem(shown, "", f"'extends' loops back to '{extends}'"))
        elif len(chain) >= MAX_EXTENDS_DEPTH:
            raw.problems.append(Problem(shown, "", "'extends' chain is too deep"))
        else:
            base = _resolve(base_path, (*chain, path.resolve()))
            if base.problems:
                raw.problems.append(Problem(shown, "", f"its base '{extends}' has problems"))
                raw.problems += base.problems
            raw.pack, raw.partners = dict(base.pack), dict(base.partners)
            raw.sections, raw.nodes = list(base.sections), list(base.nodes)
    _merge(raw, shown, data)
    return raw


def _merge(raw: _Raw, shown: str, data: dict[str, Any]) -> None:
    """Lay one file's tables over what `raw` already holds (its base, if any)."""
    if isinstance(data.get("pack"), dict):
        raw.pack.update({k: v for k, v in data["pack"].items() if k != "extends"})
    elif "pack" not in data:
        raw.problems.append(Problem(shown, "", "missing table [pack]"))
    if isinstance(data.get("partners"), dict):
        raw.partners.update(data["partners"])
    for key, existing in (("sections", raw.sections), ("nodes", None)):
        tables = data.get(key, [])
        if not isinstance(tables, list):
            continue
        seen: set[str] = set()
        for table in tables:
            if not isinstance(table, dict):
                continue
            table_id = table.get("id")
            if isinstance(table_id, str) and table_id in seen:
                kind = "section" if key == "sections" else "node"
                raw.problems.append(
                    Problem(
                        shown,
                        table_id if key == "nodes" else "",
                        f"duplicate {kind} id '{table_id}'",
                    )
                )
                continue
            if isinstance(table_id, str):
                seen.add(table_id)
            if key == "nodes" and table.get("patch") is True:
                _patch(raw, shown, table)
                continue
            if existing is not None:
                _replace_or_add(existing, table, lambda t: t.get("id"))
            else:
                _replace_or_add(raw.nodes, (shown, table), lambda pair: pair[1].get("id"))


def _patch(raw: _Raw, shown: str, table: dict[str, Any]) -> None:
    """A variant's `patch = true` node: its keys laid over the base node's (refs, why, text),
    the rest kept, so that a variant restates only what it changes."""
    node_id = table.get("id")
    for index, (_, base) in enumerate(raw.nodes):
        if base.get("id") == node_id:
            merged = {**base, **{k: v for k, v in table.items() if k != "patch"}}
            raw.nodes[index] = (shown, merged)
            return
    raw.problems.append(
        Problem(shown, str(node_id or ""), "patch = true, but the base pack has no such node")
    )


def _replace_or_add(items: list[Any], item: Any, key: Any) -> None:
    item_id = key(item)
    if isinstance(item_id, str):
        for index, existing in enumerate(items):
            if key(existing) == item_id:
                items[index] = item
                return
    items.append(item)


def _file_reader(readers: dict[str, Reader], file: str) -> Reader:
    if file not in readers:
        readers[file] = Reader(file)
    return readers[file]


ARCHIVE_FOLDER = "archive"


def is_archived(path: Path) -> bool:
    """A superseded pack version, kept so its records replay: it sits under forms/archive/."""
    return ARCHIVE_FOLDER in path.parts[:-1]


def build(path: Path) -> tuple[Pack | None, list[Problem]]:
    """Load and check one pack file; the pack is None when any problem was found."""
    raw = _resolve(path)
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
    kept = set(graph.reachable(nodes, start))
    for node_id in list(nodes):
        if node_id not in kept:
            if origin[node_id] == raw.top:
                report(node_id, f"unreachable: no route from start '{start}' leads here")
            del nodes[node_id]
    _check_nodes(nodes, sections, raw.partners, report)
    graph.check_references(nodes, report)
    for cycle in graph.find_cycles(nodes, start):
        report(cycle[0], "cycle: " + " -> ".join(cycle))
    flagged = {p.node for p in problems + found}  # a node's own fault explains the rest
    for node_id in graph.dead_ends(nodes, nodes):
        if node_id not in flagged:
            report(node_id, "dead end: no route from here reaches an outcome")
    graph.check_conditions(nodes, report)
    graph.check_safety(nodes, report)
    graph.check_every_path(nodes, start, meta.get("every_path", []), report)
    archived = is_archived(path)
    if not archived:  # rules learnt after the archived versions were issued
        pack_safety.check_danger_screen(nodes, start, meta.get("danger_screen", []), report)
        pack_safety.check_urgent_route(nodes, meta.get("urgent_route", ""), report)
        pack_safety.check_outcome_texts(nodes, report)
        pack_safety.check_dead_routes(nodes, start, report)
    referral_test(meta.get("referral"), nodes, report)
    check_phases(meta.get("phases"), nodes, report)
    problems += found
    if problems:
        return None, sorted(set(problems), key=problems.index)
    real = {k: v for k, v in nodes.items() if not isinstance(v, graph.Opaque)}
    pack = Pack(
        id=meta["id"],
        version=meta["version"],
        title=meta["title"],
        jurisdiction=meta["jurisdiction"],
        effective=meta["effective"],
        review_by=meta["review_by"],
        start=start,
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
        archived=archived,
    )
    reach = graph.reach_all(real)
    return dataclasses.replace(pack, content_hash=content_hash(pack), reach=reach), []


def _check_meta(
    meta: dict[str, Any], nodes: dict[str, graph.GraphNode], report: graph.Report
) -> None:
    if not PACK_ID_PATTERN.match(meta["id"]):
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
    if meta["start"] not in nodes:
        report("", f"start names '{meta['start']}', which does not exist")


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
    for node_id, node in nodes.items():
        if isinstance(node, graph.Opaque):
            continue
        if node.section not in section_ids:
            report(node_id, f"section '{node.section}' is not declared in [[sections]]")
        if isinstance(node, Outcome) and node.partner and node.partner not in partners:
            report(node_id, f"partner '{node.partner}' is not declared in [partners]")
        if isinstance(node, Question) and node.limb is not None and not node.rationale_required:
            report(node_id, "threshold limb questions must set rationale_required = true")


def content_hash(pack: Pack) -> str:
    """SHA-256 over the canonical JSON of the resolved pack: what the engine reports."""
    bare = dataclasses.replace(pack, source="", content_hash="", reach={}, archived=False)
    canonical = json.dumps(
        bare, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain_data
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _plain_data(value: Any) -> Any:
    """The JSON encoder's fallback: dataclasses as their fields (nodes also say their type)."""
    kind: type = type(value)
    names = _field_names(kind)
    if names:
        later = _fields_hashed_when_set(kind)
        fields = {
            name: getattr(value, name)
            for name in names
            if name not in later or getattr(value, name) != later[name]
        }
        return {"type": kind.__name__, **fields} if isinstance(value, Node) else fields
    if isinstance(value, Mapping):
        return dict(value)
    return str(value)  # dates, in ISO form


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
                if "scenarios" not in p.parts and (archived or not is_archived(p))
            )
        else:
            files.append(path)
    return files


def check_paths(paths: Iterable[Path]) -> tuple[list[Pack], list[Problem]]:
    """Lint every pack file under `paths`; the packs that loaded and every problem."""
    packs: list[Pack] = []
    problems: list[Problem] = []
    for file in pack_files(paths):
        try:
            pack, found = build(file)
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
        data, problems = _read_toml(file, str(file))
        if data is None or problems:
            continue
        meta = data.get("pack")
        if isinstance(meta, dict) and meta.get("id") == pack_id:
            return file
    return None
