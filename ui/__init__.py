"""Sectorwijzer's chat UI (Gradio), mounted by the API at `/`: see `ui.app.mount_ui`."""

from rag.offline import apply_offline_env

apply_offline_env()
