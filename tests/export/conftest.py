"""Handover test fixtures: a live store in the test's data folder, and the shipped templates."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from rcrp_desktop.export.recipients import Templates, load_templates
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.repository import Store


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    opened = Store.open(database_path(data_dir, "live"), "live")
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def templates() -> Templates:
    return load_templates()
