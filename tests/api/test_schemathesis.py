"""Fuzz the HTTP API from its own OpenAPI spec with schemathesis (issue 13, the contract).

Every operation gets schema-valid and schema-invalid requests (examples, coverage and fuzzing
phases, at most `MAX_EXAMPLES` fuzzed cases each) against the real app on a small real index
(hashing embedder), with the API key, and every response must pass schemathesis' checks: no
5xx, status codes, content types, headers and bodies as documented, invalid data rejected,
undeclared methods 405.

Valid-by-schema requests may still be refused for what a schema cannot say: an upload whose
bytes are no readable document (415/422), a duplicate (409), a question over the configured
length (422) or history bounds (413); `positive_data_acceptance` accepts those statuses.
"""

import os
import shutil
import time
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events

from api.app import create_app
from api.service import Service
from rag.config import load_settings
from tests.conftest import CORPUS

KEY = "schemathesis-sleutel"
# Bounded for CI; a deeper run: SECTORWIJZER_FUZZ_EXAMPLES=40 SECTORWIJZER_FUZZ_SEED=7 pytest ...
MAX_EXAMPLES = int(os.environ.get("SECTORWIJZER_FUZZ_EXAMPLES", "10"))
SEED = int(os.environ.get("SECTORWIJZER_FUZZ_SEED", "13"))
# Documented refusals of schema-valid data (see the module docstring).
ACCEPTED = ["2xx", "401", "403", "404", "409", "413", "415", "422"]
CONFIG = {
    "seed": SEED,
    "headers": {"X-API-Key": KEY},
    "generation": {"max-examples": MAX_EXAMPLES, "mode": "all"},
    "phases": {"stateful": {"enabled": False}},
    "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
}


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """The API (without the UI) over a copy of two shipped documents, with a write key."""
    root = tmp_path_factory.mktemp("schemathesis")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in ("oom-op-jacht-naar-de-8.txt", "strategische-agenda-metalektro.txt"):
        shutil.copy(CORPUS / name, corpus / name)
    settings = load_settings(
        data_dir=root / "data",
        corpus_dir=corpus,
        embedder="hashing",
        refusal_threshold=0.0,
        answer_threshold=0.0,
        api_key=KEY,
        rate_limit_per_minute=0,  # one client sends hundreds of questions (see test_rate_limit)
    )
    service = Service(settings)
    service.assistant.ingest()
    yield create_app(service=service, with_ui=False)


def run_schemathesis(app: FastAPI) -> tuple[list[str], list[str], int]:
    """Run schemathesis' engine (what `schemathesis run` does) on `app`: the failed checks,
    the errors, and how many requests were checked."""
    schema = schemathesis.openapi.from_asgi(
        "/openapi.json", app, config=SchemathesisConfig.from_dict(CONFIG)
    )
    failures: list[str] = []
    errors: list[str] = []
    checked = 0
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            for checks in event.recorder.checks.values():
                checked += 1
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info is not None:
                        failure = check.failure_info.failure
                        failures.append(
                            f"{event.label}: {check.name}: {failure.title}\n"
                            f"{failure.message}\n{check.failure_info.code_sample}"
                        )
        elif isinstance(event, events.NonFatalError | events.FatalError):
            errors.append(str(getattr(event, "info", event)))
    return failures, errors, checked


def test_the_api_keeps_its_openapi_contract(fuzzed_app: FastAPI) -> None:
    started = time.perf_counter()
    failures, errors, checked = run_schemathesis(fuzzed_app)
    assert not errors, "\n".join(errors)
    assert not failures, "\n\n".join(failures[:10])
    assert checked >= 50  # every operation was exercised
    assert time.perf_counter() - started < 60 * max(1, MAX_EXAMPLES // 10)


def test_the_spec_documents_the_error_shape_and_the_question_rules(fuzzed_app: FastAPI) -> None:
    spec = fuzzed_app.openapi()
    question = spec["components"]["schemas"]["AskRequest"]["properties"]["question"]
    assert question["minLength"] == 1 and question["pattern"] == r"\S"
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")) and path != "/readyz":  # 503: `Readiness`
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorBody"), (method, path, status)
    export = spec["paths"]["/api/feedback/export"]["get"]["responses"]["200"]["content"]
    assert set(export) == {"application/x-ndjson"}
