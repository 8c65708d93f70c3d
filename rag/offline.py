"""Keep every library off the network: no hub downloads, no telemetry, no analytics."""

import os

OFFLINE_ENV: dict[str, str] = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ORT_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "DO_NOT_TRACK": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def apply_offline_env() -> None:
    """Set the offline variables unless the caller set them already.

    The README's commands and `.ci/run` export them before Python starts; this
    is the second line of defence for embedders of the library.
    """
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
