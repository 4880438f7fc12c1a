"""Reading a JSON file the app was handed (a call script, a training run): its data, or one line
that names the file and what is wrong with it. Read with limits: a device or a FIFO would be
read for ever, and JSON nested thousands deep makes the parser recurse until Python stops it."""

import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

MAX_JSON_BYTES = 16 * 1024 * 1024  # a script or a run is a few kilobytes


def read_json(path: Path, error: Callable[[str], Exception]) -> Any:
    """The file's JSON; `error` (a message) is raised if it cannot be read or is not JSON."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise error(f"{path}: not a regular file (a device, a FIFO or a folder)")
        with path.open("rb") as handle:
            data = handle.read(MAX_JSON_BYTES + 1)
        if len(data) > MAX_JSON_BYTES:
            raise error(f"{path}: too large (more than {MAX_JSON_BYTES:,} bytes)")
        return json.loads(data.decode("utf-8"))
    except OSError as problem:
        raise error(f"{path}: cannot read: {problem.strerror or problem}") from problem
    except (UnicodeDecodeError, json.JSONDecodeError) as problem:
        raise error(f"{path}: not valid JSON: {problem}") from problem
    except RecursionError:
        raise error(f"{path}: not valid JSON: nested too deeply") from None
