"""The corpus manifest (`manifest.toml`): metadata per file, optional for added documents."""

import re
import tomllib
from pathlib import Path

from rag.errors import ConfigurationError
from rag.models import DocumentMeta

MANIFEST_NAME = "manifest.toml"


def load_manifest(corpus_dir: Path) -> dict[str, DocumentMeta]:
    """Metadata by file name; an absent manifest means no metadata, a broken one is an error."""
    path = corpus_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        entries = data.get("documents", {})
        return {name: DocumentMeta(**fields) for name, fields in entries.items()}
    except (tomllib.TOMLDecodeError, TypeError, ValueError) as exc:
        raise ConfigurationError(f"{path}: invalid manifest ({exc})") from exc


def slug(name: str) -> str:
    """A stable document id from a file name: lowercase words joined by hyphens."""
    stem = Path(name).stem.lower()
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-") or "document"
