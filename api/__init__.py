"""Sectorwijzer's HTTP API (FastAPI) with the chat UI mounted at `/`: `create_app`."""

from rag.offline import apply_offline_env

apply_offline_env()
