"""Where the UI's uploaded files live, and which paths a callback may read.

Gradio writes every file a browser uploads under its upload folder and hands the callback a
path. A client can name any path in that place (a `FileData` in `/gradio_api/queue/join`), so
the upload callback reads a file only when its real path lies inside this app's folder.

Unless `GRADIO_TEMP_DIR` is set, the folder is a fresh temporary one per server process,
removed when the process ends: uploads do not outlive the server.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_OWN: list[Path] = []


def upload_dir() -> Path:
    """This process's Gradio upload folder (created, and set as `GRADIO_TEMP_DIR`, if unset).

    Must run before the Blocks are built: Gradio reads the folder when it creates them."""
    configured = os.environ.get("GRADIO_TEMP_DIR")
    if configured:
        return Path(configured).resolve()
    folder = Path(tempfile.mkdtemp(prefix="sectorwijzer-gradio-")).resolve()
    os.environ["GRADIO_TEMP_DIR"] = str(folder)
    _OWN.append(folder)
    if len(_OWN) == 1:
        atexit.register(_remove_own)
    return folder


def received_file(path: str | None, folder: Path) -> Path | None:
    """`path` resolved, when it is a regular file inside `folder` (symbolic links followed);
    None for anything else, such as `/etc/passwd` or the project's own files."""
    if not path:
        return None
    try:
        resolved = Path(path).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None
    if not resolved.is_relative_to(folder.resolve()) or not resolved.is_file():
        return None
    return resolved


def _remove_own() -> None:
    for folder in _OWN:
        shutil.rmtree(folder, ignore_errors=True)
