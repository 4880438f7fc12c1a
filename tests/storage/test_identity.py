"""The handler's identity: saved once, stamped on every event, changed at a shift change."""

from pathlib import Path

import pytest

from rcrp_desktop.storage.errors import StorageError
from rcrp_desktop.storage.identity import Handler, load_handler, save_handler


def test_saved_once_and_read_back(data_dir: Path) -> None:
    assert load_handler(data_dir) is None
    handler = Handler("PC 4821", "Alex Example", "call handler")
    save_handler(data_dir, handler)
    assert load_handler(data_dir) == handler
    assert handler.stamp() == "PC 4821 Alex Example (call handler)"
    assert (data_dir / "handler.json").stat().st_mode & 0o777 == 0o600
    assert not (data_dir / "handler.json.tmp").exists()


def test_a_damaged_file_is_reported_not_trusted(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "handler.json").write_text("{not json")
    with pytest.raises(StorageError, match="asked for again"):
        load_handler(data_dir)
