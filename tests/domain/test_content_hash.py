"""A pack's content hash is over the same canonical JSON it always was (records name their pack
by it): orjson's output, byte for byte, is the standard library's sorted, compact, UTF-8 JSON."""

import dataclasses
import json
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from rcrp_desktop import paths
from rcrp_desktop.domain.pack.loader import (
    ORJSON_FROM_NODES,
    _plain_data,
    canonical_pack,
    check_paths,
    orjson_canonical,
)
from rcrp_desktop.domain.pack.protocol import Answer, Pack


def standard_json(value: object) -> bytes:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain_data
    ).encode("utf-8")


def test_every_shipped_pack_current_and_archived_hashes_the_same_text() -> None:
    packs, problems = check_paths([paths.forms_dir()])
    assert problems == []
    assert any(pack.archived for pack in packs) and any(not pack.archived for pack in packs)
    for pack in packs:
        bare = dataclasses.replace(pack, source="", content_hash="", reach={}, archived=False)
        assert canonical_pack(pack) == standard_json(bare), pack.source
        assert orjson_canonical(bare) == standard_json(bare), pack.source  # as a large pack's


def test_a_large_pack_is_written_by_orjson_to_the_same_bytes() -> None:
    packs, _ = check_paths([paths.forms_dir()])
    pack = max(packs, key=lambda p: len(p.nodes))
    assert len(pack.nodes) < ORJSON_FROM_NODES  # the shipped ones: the standard library's
    nodes = dict(pack.nodes)
    first = next(iter(nodes.values()))
    for number in range(ORJSON_FROM_NODES):  # grown past the line, with copies of one node
        copy = dataclasses.replace(first, id=f"copy_{number}")
        nodes[copy.id] = copy
    large = dataclasses.replace(pack, nodes=nodes)
    bare = dataclasses.replace(large, source="", content_hash="", reach={}, archived=False)
    assert canonical_pack(large) == standard_json(bare)


# Any text a pack could hold (no lone surrogates: TOML and UTF-8 cannot carry them), as a label,
# a value and a key.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@given(label=TEXT, key=TEXT, day=st.dates())
def test_any_text_is_written_as_the_standard_library_writes_it(
    label: str, key: str, day: date
) -> None:
    answer = Answer(value="yes", label=label, next="n")
    pack_like = {"answers": [answer], "partners": {key: label, "z": "1"}, "effective": day}
    ours = orjson_canonical(pack_like)
    assert ours == standard_json(pack_like)


def test_the_pack_fields_are_all_written() -> None:
    packs, _ = check_paths([paths.forms_dir()])
    written = json.loads(canonical_pack(packs[0]))
    hidden = {"source", "content_hash", "reach", "archived"}
    for field in dataclasses.fields(Pack):
        if field.name not in hidden and not field.metadata.get("hashed_when_set"):
            assert field.name in written, field.name


def test_nodes_made_by_the_reader_equal_those_the_constructors_make() -> None:
    packs, _ = check_paths([paths.forms_dir()])
    for pack in packs:
        for node in pack.nodes.values():
            items = [node, *getattr(node, "answers", ())]
            for item in items:
                names = {field.name for field in dataclasses.fields(item)}
                assert names <= vars(item).keys(), (pack.source, item)
                assert dataclasses.replace(item) == item
                assert hash(dataclasses.replace(item)) == hash(item)
