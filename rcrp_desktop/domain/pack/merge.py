"""Reading a pack file and, through `extends`, the bases it builds on: their tables merged,
variants over bases (a `patch = true` node laid over its base node), with every problem found."""

import dataclasses
import functools
import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import Any

import rtoml

from rcrp_desktop.domain.pack.schema import TOP_KEYS, Keys, Reader
from rcrp_desktop.domain.problems import Problem

MAX_EXTENDS_DEPTH = 8
# What a pack file may be: read with limits, so a wrong file is one clear problem, never a hang
# or a crash (a 100,000-node pack is about 20 MB).
MAX_PACK_BYTES = 64 * 1024 * 1024
# The shipped packs are tens of kilobytes; a file over this is parsed each time it is read.
CACHED_PACK_BYTES = 2 * 1024 * 1024


# A file's top-level tables: as in a pack, but none required (a variant may restate only a few).
FILE_KEYS = Keys({k: dataclasses.replace(v, required=False) for k, v in TOP_KEYS.items()})


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's garbage collector held off while a pack's objects are made.

    Reading a pack makes hundreds of thousands of small objects at once, none of them in a
    cycle; the collector, woken every few hundred, scanned the growing heap again and again
    (a quarter of checking a 100,000-node pack). It runs as before afterwards.

    What was made meanwhile is handed to the oldest generation unscanned (frozen, then
    thawed there): woken again with all of it still young, the collector's first pass would
    scan every object at once, a second on a large pack. The next full collection reaches
    them as it reaches any long-lived object.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


class PackFileError(ValueError):
    """A pack file that is not one to read: its problem, in the linter's words."""


def display_name(path: Path) -> str:
    """A path as it should appear in messages: relative to the working folder if inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


@dataclass
class RawPack:
    """A pack's tables after merging variants over their bases."""

    top: str
    pack: dict[str, Any] = field(default_factory=dict)
    partners: dict[str, Any] = field(default_factory=dict)
    sections: list[dict[str, Any]] = field(default_factory=list)
    nodes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (file, table)
    problems: list[Problem] = field(default_factory=list)


def read_toml(path: Path, shown: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    try:
        stat = path.stat()
        if not S_ISREG(stat.st_mode):  # a device (/dev/zero) or a FIFO would never end
            raise PackFileError("not a regular file (a device, a FIFO or a folder)")
        if stat.st_size > MAX_PACK_BYTES:
            raise PackFileError(f"too large ({stat.st_size:,} bytes; at most {MAX_PACK_BYTES:,})")
        # Variants parse their base again and again (Wales and BTP both extend England): parse
        # each file once per version of it on disk, and hand out copies. A file larger than any
        # pack a force writes is read afresh instead: a copy of it took as long as reading it.
        if stat.st_size > CACHED_PACK_BYTES:
            return _large(path, stat.st_mtime_ns, stat.st_size, keep=False), []
        parsed = _parse_toml(path.resolve(), stat.st_mtime_ns, stat.st_size)
        return _copied(parsed), []
    except PackFileError as error:
        return None, [Problem(shown, "", str(error))]
    except FileNotFoundError:
        return None, [Problem(shown, "", "file not found")]
    except UnicodeDecodeError as error:
        return None, [Problem(shown, "", f"not UTF-8 text: {error}")]
    except ValueError as error:  # tomllib.TOMLDecodeError, from _parse_toml
        return None, [Problem(shown, "", f"TOML syntax error: {error}")]
    except OSError as error:
        return None, [Problem(shown, "", f"cannot read: {error.strerror or error}")]


def top_level(path: Path) -> dict[str, Any] | None:
    """A file's top-level tables, read with the same limits, for a look only (never changed):
    no copy of the whole file is made, which on a large pack took seconds."""
    try:
        stat = path.stat()
        if not S_ISREG(stat.st_mode) or stat.st_size > MAX_PACK_BYTES:
            return None
        if stat.st_size > CACHED_PACK_BYTES:
            return dict(_large(path, stat.st_mtime_ns, stat.st_size, keep=True))
        return dict(_parse_toml(path.resolve(), stat.st_mtime_ns, stat.st_size))
    except (PackFileError, ValueError, OSError):  # ValueError: TOML and UTF-8 errors
        return None


def _copied(value: Any) -> Any:
    """A deep copy of parsed TOML: tables and arrays copied, the rest immutable (faster than
    copy.deepcopy, which also keeps a memo of every object)."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value


# The last large file looked at (a file named to `forms check` is first looked at to see what
# it is), handed to the one reader that comes next rather than parsed again: never shared.
_LOOKED_AT: dict[tuple[Path, int, int], dict[str, Any]] = {}


def _large(path: Path, mtime_ns: int, size: int, *, keep: bool) -> dict[str, Any]:
    """A large file's TOML, parsed afresh unless it was just looked at; `keep` to look only."""
    key = (path.resolve(), mtime_ns, size)
    parsed = _LOOKED_AT.pop(key, None)
    if parsed is None:
        parsed = _parse_toml.__wrapped__(*key)
    _LOOKED_AT.clear()
    if keep:
        _LOOKED_AT[key] = parsed
    return parsed


@functools.lru_cache(maxsize=32)
def _parse_toml(path: Path, mtime_ns: int, size: int) -> dict[str, Any]:
    """A file's TOML, keyed by its identity on disk so that an edited file is read again.

    rtoml (a compiled TOML 1.0 parser) reads a pack in a seventh of the time of the standard
    library's pure-Python `tomllib`, which is most of loading the packs at start-up. For a file
    that does not parse, `tomllib` reads it again: its message says where, in the words the
    linter has always used (and it raises the error `read_toml` reports).
    """
    with path.open("rb") as handle:
        data = handle.read(MAX_PACK_BYTES + 1)
    if len(data) > MAX_PACK_BYTES:
        raise PackFileError(f"too large (more than {MAX_PACK_BYTES:,} bytes)")
    text = data.decode("utf-8")
    try:
        with collector_paused():
            parsed: dict[str, Any] = rtoml.loads(text)
    except rtoml.TomlParsingError:
        import tomllib

        try:
            return tomllib.loads(text)
        except RecursionError:  # rtoml stops at its own depth; tomllib recurses until Python does
            raise PackFileError("tables or arrays are nested too deeply") from None
    return parsed


def resolve(path: Path, chain: tuple[Path, ...] = ()) -> RawPack:
    """Read a file and, through `extends`, its bases; merge them into one RawPack."""
    shown = display_name(path)
    raw = RawPack(top=shown)
    data, problems = read_toml(path, shown)
    raw.problems += problems
    if data is None:
        return raw
    reader = Reader(shown)
    reader.check_keys(
        data,
        FILE_KEYS,
        "",
        "the file",
    )
    raw.problems += reader.problems
    pack = data.get("pack")
    extends = pack.get("extends") if isinstance(pack, dict) else None
    if extends is not None and not (isinstance(extends, str) and extends.strip()):
        raw.problems.append(
            Problem(shown, "", f"'extends' must name the base pack's file, not {extends!r}")
        )
    elif isinstance(extends, str) and extends:
        base_path = (path.parent / extends).resolve()
        if base_path in chain or base_path == path.resolve():
            raw.problems.append(Problem(shown, "", f"'extends' loops back to '{extends}'"))
        elif len(chain) >= MAX_EXTENDS_DEPTH:
            raw.problems.append(Problem(shown, "", "'extends' chain is too deep"))
        else:
            base = resolve(base_path, (*chain, path.resolve()))
            if base.problems:
                raw.problems.append(Problem(shown, "", f"its base '{extends}' has problems"))
                raw.problems += base.problems
            raw.pack, raw.partners = dict(base.pack), dict(base.partners)
            raw.sections, raw.nodes = list(base.sections), list(base.nodes)
    _merge(raw, shown, data)
    return raw


def extends_chain(path: Path) -> list[Path]:
    """The pack file and the bases it extends, in turn (resolved; a file that cannot be read,
    or a loop, ends the chain: `resolve` reports it)."""
    chain = [path.resolve()]
    while len(chain) <= MAX_EXTENDS_DEPTH:
        data = top_level(chain[-1])
        pack = data.get("pack") if data else None
        extends = pack.get("extends") if isinstance(pack, dict) else None
        if not (isinstance(extends, str) and extends.strip()):
            break
        base = (chain[-1].parent / extends).resolve()
        if base in chain:
            break
        chain.append(base)
    return chain


def _merge(raw: RawPack, shown: str, data: dict[str, Any]) -> None:
    """Lay one file's tables over what `raw` already holds (its base, if any)."""
    if isinstance(data.get("pack"), dict):
        raw.pack.update({k: v for k, v in data["pack"].items() if k != "extends"})
    elif "pack" not in data:
        raw.problems.append(Problem(shown, "", "missing table [pack]"))
    if isinstance(data.get("partners"), dict):
        raw.partners.update(data["partners"])
    for key in ("sections", "nodes"):
        tables = data.get(key, [])
        if not isinstance(tables, list):
            continue
        # Where each id already is (in the base), so that laying a table over it is one
        # look-up: a scan of the list for every table took time growing with the square of
        # the pack (100,000 nodes did not finish in a minute).
        items: list[Any] = raw.sections if key == "sections" else raw.nodes
        at = {_id_of(item): index for index, item in enumerate(items)}
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
            index = at.get(table_id) if isinstance(table_id, str) else None
            if key == "nodes" and table.get("patch") is True:
                # A variant's patch: its keys laid over the base node's (refs, why, text), the
                # rest kept, so that a variant restates only what it changes.
                if index is None:
                    raw.problems.append(
                        Problem(
                            shown,
                            str(table_id or ""),
                            "patch = true, but the base pack has no such node",
                        )
                    )
                    continue
                merged = {**raw.nodes[index][1], **{k: v for k, v in table.items() if k != "patch"}}
                raw.nodes[index] = (shown, merged)
                continue
            item = table if key == "sections" else (shown, table)
            if index is not None:
                items[index] = item
                continue
            if isinstance(table_id, str):
                at[table_id] = len(items)
            items.append(item)


def _id_of(item: Any) -> Any:
    """The id of a section table, or of a node's (file, table) pair."""
    table = item[1] if isinstance(item, tuple) else item
    return table.get("id") if isinstance(table, dict) else None
