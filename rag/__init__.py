"""Sectorwijzer: offline Dutch question answering with citations over sector policy documents."""

from rag.assistant import Assistant
from rag.config import Settings, load_settings
from rag.models import Answer, Citation, Filters

__all__ = ["Answer", "Assistant", "Citation", "Filters", "Settings", "load_settings"]
