"""The hash chain's event hash: the same text as the canonical JSON of its fields."""

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from rcrp_desktop.storage.chain import canonical, event_hash

NUMBERS = st.integers(min_value=-(2**63), max_value=2**63 - 1)
TEXTS = st.text(alphabet=st.characters(exclude_categories=["Cs"]))  # no lone surrogates


def by_the_definition(*fields: object) -> str:
    names = ("id", "record", "seq", "kind", "payload", "utc", "local", "user", "prev")
    body = canonical(dict(zip(names, fields, strict=True)))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@given(st.tuples(NUMBERS, NUMBERS, NUMBERS, TEXTS, TEXTS, TEXTS, TEXTS, TEXTS, TEXTS))
def test_the_event_hash_is_the_hash_of_the_canonical_fields(fields: tuple[object, ...]) -> None:
    assert event_hash(*fields) == by_the_definition(*fields)  # type: ignore[arg-type]


def test_a_damaged_value_of_another_type_is_hashed_by_the_definition_too() -> None:
    damaged = ("7", 1, 2.0, "answer", "{}", "utc", "local", "user", None)
    assert event_hash(*damaged) == by_the_definition(*damaged)  # type: ignore[arg-type]
    assert event_hash(*damaged) != event_hash(7, 1, 2, "answer", "{}", "utc", "local", "user", "")


def test_a_known_event_keeps_its_hash() -> None:
    """Records already written must still verify: the text hashed never changes."""
    assert event_hash(1, 1, 1, "created", '{"a":"é\\n"}', "u", "l", "PC 1", "0" * 64) == (
        by_the_definition(1, 1, 1, "created", '{"a":"é\\n"}', "u", "l", "PC 1", "0" * 64)
    )
