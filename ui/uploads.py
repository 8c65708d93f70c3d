"""Where the UI's uploaded files live, and which paths a callback may read.

Gradio writes every file a browser uploads under its upload folder and hands the callback a
path. A client can name any path in that place (a `FileData` in `/gradio_api/queue/join`), so
the upload callback reads a file only when Gradio's upload route wrote it (a path in the
Blocks' `upload_file_set`) and its real path lies inside this app's folder. The folder alone
is not enough: Gradio copies a file a client names into that folder before the callback runs.

Unless `GRADIO_TEMP_DIR` is set, the folder is a fresh temporary one per server process,
removed when the process ends: uploads do not outlive the server.
"""

import atexit
import os
import shutil
import tempfile
from collections.abc import Collection
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


def received_file(
    path: str | None, folder: Path, received: Collection[str] | None = None
) -> Path | None:
    """`path` resolved, when it is a regular file inside `folder` (symbolic links followed)
    and, given `received`, one of those paths (the files Gradio's upload route wrote).

    None for anything else: `/etc/passwd`, the project's own files, and also a server file
    that Gradio copied into its folder because a client named it in a `FileData`."""
    if not path:
        return None
    try:
        resolved = Path(path).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None
    if not resolved.is_relative_to(folder.resolve()) or not resolved.is_file():
        return None
    if received is not None and path not in received and str(resolved) not in received:
        return None
    return resolved


def _remove_own() -> None:
    for folder in _OWN:
        shutil.rmtree(folder, ignore_errors=True)
