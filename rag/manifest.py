"""The corpus manifest (`manifest.toml`): metadata per file, optional for added documents."""

import json
import re
import tomllib
from pathlib import Path

from rag.errors import ConfigurationError
from rag.models import DocumentMeta

MANIFEST_NAME = "manifest.toml"
UPLOADS_MANIFEST = "manifest.json"


def load_manifest(folder: Path) -> dict[str, DocumentMeta]:
    """Metadata by file name from `manifest.toml` (corpus) or `manifest.json` (uploads).

    An absent manifest means no metadata; a broken one is an error.
    """
    path = folder / MANIFEST_NAME
    json_path = folder / UPLOADS_MANIFEST
    try:
        if path.exists():
            entries = tomllib.loads(path.read_text(encoding="utf-8")).get("documents", {})
        elif json_path.exists():
            path, entries = json_path, json.loads(json_path.read_text(encoding="utf-8"))
        else:
            return {}
        return {name: DocumentMeta(**fields) for name, fields in entries.items()}
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, TypeError, ValueError) as exc:
        raise ConfigurationError(f"{path}: invalid manifest ({exc})") from exc


def save_uploads_manifest(folder: Path, entries: dict[str, DocumentMeta]) -> None:
    """Write the uploads manifest atomically."""
    data = {name: meta.model_dump() for name, meta in sorted(entries.items())}
    tmp = folder / f"{UPLOADS_MANIFEST}.tmp"
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(folder / UPLOADS_MANIFEST)


def slug(name: str) -> str:
    """A stable document id from a file name: lowercase words joined by hyphens."""
    stem = Path(name).stem.lower()
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-") or "document"
