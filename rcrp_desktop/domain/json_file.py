"""Reading a JSON file the app was handed (a call script, a training run): its data, or one line
that names the file and what is wrong with it."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any


def read_json(path: Path, error: Callable[[str], Exception]) -> Any:
    """The file's JSON; `error` (a message) is raised if it cannot be read or is not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as problem:
        raise error(f"{path}: cannot read: {problem.strerror or problem}") from problem
    except (UnicodeDecodeError, json.JSONDecodeError) as problem:
        raise error(f"{path}: not valid JSON: {problem}") from problem
