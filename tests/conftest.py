"""Test setup: offscreen Qt before anything imports it, a throwaway data folder, shipped packs."""

import os
from collections.abc import Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Everything below comes after the platform is set, so nothing can load Qt before it.
from pathlib import Path

import pytest

from rcrp_desktop.domain.pack.loader import load_pack
from rcrp_desktop.domain.pack.protocol import Pack
from rcrp_desktop.domain.training.scenario import Scenario
from rcrp_desktop.domain.training.scenario_lint import load_scenarios
from rcrp_desktop.paths import forms_dir
from rcrp_desktop.storage.data import database_path
from rcrp_desktop.storage.repository import Store

SHIPPED = {
    "rcrp-england": "england/rcrp-england.toml",
    "rcrp-wales": "wales/rcrp-wales.toml",
    "btp-standard": "btp/btp-standard.toml",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs a QApplication as `gui`, so `-m "not gui"` runs headless."""
    for item in items:
        if {"qtbot", "qapp"} & set(getattr(item, "fixturenames", ())):
            item.add_marker("gui")


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Records never touch the real machine: the data folder lives in tmp_path."""
    folder = tmp_path / "data"
    monkeypatch.setenv("RCRP_DATA_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def packs() -> dict[str, Pack]:
    return {pack_id: load_pack(forms_dir() / rel) for pack_id, rel in SHIPPED.items()}


@pytest.fixture(scope="session")
def england(packs: dict[str, Pack]) -> Pack:
    return packs["rcrp-england"]


@pytest.fixture(scope="session")
def shipped() -> dict[str, Scenario]:
    """The shipped training scenarios, by id (every one of them loads)."""
    scenarios, problems = load_scenarios(forms_dir() / "scenarios")
    assert problems == []
    return {s.id: s for s in scenarios}


@pytest.fixture
def training(data_dir: Path) -> Iterator[Store]:
    """The training database of the test's data folder."""
    store = Store.open(database_path(data_dir, "training"), "training")
    yield store
    store.close()
