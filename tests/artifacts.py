"""Where the tests leave pictures to look at (screens, drawn PDF pages): never the repository.

$RCRP_ARTIFACTS if set (CI or a developer keeping them), else a folder in the system's
temporary directory.
"""

import os
import tempfile
from pathlib import Path

ARTIFACTS_ENV = "RCRP_ARTIFACTS"


def artifacts(kind: str) -> Path:
    """The folder for one kind of artefact ("screens", "pdf"), made if need be."""
    root = os.environ.get(ARTIFACTS_ENV) or str(Path(tempfile.gettempdir()) / "rcrp-artifacts")
    folder = Path(root) / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder
