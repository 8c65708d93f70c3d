"""Client/server mode against a real `chroma run`: retrieval as embedded, generations behind a
pointer, uploads and removals across replicas, interrupted writes (hashing embedder)."""

import time
from pathlib import Path

import pytest

import rag.server_records
from rag.assistant import Assistant
from rag.chroma_client import server_address
from rag.cli import main
from rag.config import Settings
from rag.embeddings import HashingEmbedding
from rag.errors import ConfigurationError, IndexNotReadyError
from rag.models import Filters
from rag.retrieve import DenseRetriever, Query
from rag.server_store import ServerStore

NOTE = b"""# Vakkrachtenfonds Zeeland

Het Vakkrachtenfonds Zeeland geeft elke lasser een opleidingsbudget van 2.500 euro per jaar.
Werkgevers in Zeeland dragen daarvoor samen een premie af aan het fonds.
"""
QUESTION = "Hoeveel opleidingsbudget geeft het Vakkrachtenfonds Zeeland een lasser?"
EXTRA = "# Zeppelins\n\nDe zeppelinvloot van het opleidingsfonds telt zeventien luchtschepen.\n"


class CountingEmbedding(HashingEmbedding):
    """The hashing embedder, counting the passages and sentences it embeds."""

    embedded: int = 0

    def _get_text_embedding(self, text: str) -> list[float]:
        self.embedded += 1
        return self._vector(text)


def _settle(settings: Settings) -> None:
    """Wait out a replica's pointer check interval."""
    time.sleep(settings.chroma_poll_seconds + 0.1)


def _collections(settings: Settings) -> set[str]:
    client = ServerStore(settings).client
    return {c.name for c in client.list_collections() if c.name.startswith(settings.chroma_prefix)}


def test_retrieval_from_the_server_ranks_as_the_embedded_index(
    fake_settings: Settings, server_settings: Settings, tmp_path: Path
) -> None:
    replica = tmp_path / "replica"
    embedded = Assistant(fake_settings)
    server = Assistant(server_settings.model_copy(update={"data_dir": replica}))
    embedded.ingest()
    server.ingest()
    for question in ["Wat zegt OOM over de arbeidsmarkt?", "Hoeveel technici zijn er nodig?"]:
        ours, theirs = embedded.prepare(question, []).hits, server.prepare(question, []).hits
        assert [h.chunk for h in theirs] == [h.chunk for h in ours], question
        assert [h.score for h in theirs] == pytest.approx([h.score for h in ours], abs=1e-5)
    # Filters run in the server: the passage vectors of the allowed documents only.
    oom = {"oom-op-jacht-naar-de-8"}
    hits = server.prepare("scholing en opleiding", [], Filters(organisations=["oom"])).hits
    assert hits and {h.chunk.document_id for h in hits} == oom
    index = server.index()
    vector = HashingEmbedding().get_query_embedding("scholing en opleiding")
    nearest = DenseRetriever._chunk_similarities(index, Query("", vector, oom, 30))
    assert {index.chunks[p].document_id for p in nearest} == oom
    assert len(nearest) == sum(c.document_id in oom for c in index.chunks)

    def records(assistant: Assistant) -> dict[str, dict]:
        return {
            doc: {k: v for k, v in info.items() if k != "ingested_at"}
            for doc, info in assistant.documents().items()
        }

    assert records(server) == records(embedded)
    # The replica keeps no index of its own: only the embedding cache is on its disk.
    assert {p.name for p in replica.iterdir()} == {"embeddings.sqlite"}


def test_generations_switch_by_the_pointer_keep_one_previous_and_roll_back(
    server_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    writer, reader = Assistant(server_settings), Assistant(server_settings)
    first = writer.ingest().generation
    assert writer.ingest().generation == first  # nothing changed: nothing published
    assert reader.index().path.name == first
    (server_settings.corpus_dir / "zeppelins.md").write_text(EXTRA, encoding="utf-8")
    second = writer.ingest().generation
    more = EXTRA.replace("zeventien", "achttien")
    (server_settings.corpus_dir / "luchtschepen.md").write_text(more, encoding="utf-8")
    third = writer.ingest().generation
    store = ServerStore(server_settings)
    roles = {info.name: info.role for info in store.generations()}
    assert roles == {second: "previous", third: "live"}
    prefix = server_settings.chroma_prefix
    assert f"{prefix}_{first}" not in _collections(server_settings)
    assert {f"{prefix}_{third}", f"{prefix}_{third}_data"} <= _collections(server_settings)
    _settle(server_settings)
    assert reader.index().path.name == third and "luchtschepen" in reader.documents()

    for name, value in {
        "CHROMA_URL": server_settings.chroma_url,
        "CHROMA_PREFIX": prefix,
        "EMBEDDER": "hashing",
    }.items():
        monkeypatch.setenv(f"SECTORWIJZER_{name}", str(value))
    assert main(["generations", "--rollback"]) == 0
    assert f"live generation: {second} (rolled back)" in capsys.readouterr().out
    _settle(server_settings)
    assert reader.index().path.name == second
    assert "zeppelins" in reader.documents() and "luchtschepen" not in reader.documents()
    assert main(["generations"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].startswith(f"* {second}") and listed[0].endswith("(live)")
    assert listed[1].startswith(f"  {third}") and listed[1].endswith("(previous)")
    assert main(["check"]) == 0
    assert f"ok: generation {second} in the Chroma server" in capsys.readouterr().out


def test_a_replaced_generation_lingers_for_replicas_that_have_not_looked_yet(
    server_settings: Settings,
) -> None:
    settings = server_settings.model_copy(update={"chroma_retire_seconds": 60})
    writer, store = Assistant(settings), ServerStore(settings)
    generations = [writer.ingest().generation]
    for name in ("zeppelins.md", "luchtschepen.md"):
        (settings.corpus_dir / name).write_text(EXTRA + name, encoding="utf-8")
        generations.append(writer.ingest().generation)
    first, second, third = generations
    assert {i.name: i.role for i in store.generations()} == {
        first: "",  # replaced by `second` less than a minute ago
        second: "previous",
        third: "live",
    }
    reader_on_first = store.index(store.load(first))  # a replica that still has it loaded
    assert reader_on_first.vectors.client.count() == len(reader_on_first.chunks)


def test_an_upload_and_a_removal_through_one_replica_are_seen_by_another(
    server_settings: Settings, tmp_path: Path
) -> None:
    one, other = Assistant(server_settings), Assistant(server_settings)
    one.ingest()
    doc = one.add_document("vakkrachtenfonds.md", NOTE, {"title": "Vakkrachtenfonds"})
    _settle(server_settings)
    answer = other.ask(QUESTION)
    assert answer.citations[0].document_id == doc["id"] and "2.500 euro" in answer.answer
    assert not (server_settings.data_dir / "uploads").exists()  # nothing kept on a replica
    other.remove_document("techniekpact-nationaal-akkoord")  # a corpus document

    # A third replica with its own data directory (no embedding cache) ingests its corpus:
    # the upload stays, the removed corpus file stays out, and nothing is embedded again.
    counting = CountingEmbedding()
    own_cache = server_settings.model_copy(update={"data_dir": tmp_path / "third"})
    third = Assistant(own_cache, counting)
    report = third.ingest()
    assert not report.changed and "vakkrachtenfonds.md" in report.unchanged
    assert set(third.documents()) == set(one.documents()) - {"techniekpact-nationaal-akkoord"}
    (server_settings.corpus_dir / "zeppelins.md").write_text(EXTRA, encoding="utf-8")
    assert third.ingest().added == ["zeppelins.md"]
    assert 0 < counting.embedded <= 5  # the new file's passage and sentences only

    third.remove_document(doc["id"])
    _settle(server_settings)
    again = one.ask(QUESTION)
    assert doc["id"] not in {c.document_id for c in again.citations + again.retrieved}
    assert set(one.documents()) == set(third.documents())


def test_an_interrupted_write_leaves_the_previous_generation_serving(
    server_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer, reader = Assistant(server_settings), Assistant(server_settings)
    first = writer.ingest().generation

    def broken(*args: object) -> None:
        raise ConnectionError("the server went away")

    with monkeypatch.context() as patch:
        patch.setattr(rag.server_records, "_sentence_blocks", broken)
        with pytest.raises(IndexNotReadyError, match="Chroma server cannot be used"):
            writer.add_document("vakkrachtenfonds.md", NOTE)
    store = ServerStore(server_settings)
    assert store.current() == first
    statuses = {info.name: info.status for info in store.generations()}
    assert sorted(statuses.values()) == ["complete", "writing"]  # the leftover
    _settle(server_settings)
    assert reader.ask(QUESTION).citations[0].document_id != "vakkrachtenfonds"
    doc = writer.add_document("vakkrachtenfonds.md", NOTE)
    assert [info.status for info in store.generations()] == ["complete", "complete"]
    _settle(server_settings)
    assert reader.ask(QUESTION).citations[0].document_id == doc["id"]


def test_a_replica_without_a_generation_or_server_is_not_ready(server_settings: Settings) -> None:
    assistant = Assistant(server_settings)
    assert not assistant.has_index()
    with pytest.raises(IndexNotReadyError):
        assistant.index()
    gone = Assistant(server_settings.model_copy(update={"chroma_url": "http://127.0.0.1:9"}))
    with pytest.raises(IndexNotReadyError, match="Chroma server cannot be used"):
        gone.index()
    with pytest.raises(IndexNotReadyError, match="127.0.0.1:9"):  # not chromadb's ValueError
        gone.ingest()


def test_a_rebuild_rereads_the_corpus_and_keeps_the_uploads(server_settings: Settings) -> None:
    assistant = Assistant(server_settings)
    first = assistant.ingest().generation
    doc = assistant.add_document("vakkrachtenfonds.md", NOTE)
    report = assistant.ingest(rebuild=True)
    assert report.generation != first and len(report.added) == 5 and not report.removed
    assert report.unchanged == ["vakkrachtenfonds.md"]
    assert assistant.ask(QUESTION).citations[0].document_id == doc["id"]


def test_an_empty_corpus_publishes_an_empty_generation_that_answers(
    server_settings: Settings, tmp_path: Path
) -> None:
    empty = server_settings.model_copy(update={"corpus_dir": tmp_path / "empty"})
    assistant = Assistant(empty)
    assert assistant.ingest().chunks == 0 and assistant.has_index()
    answer = assistant.ask(QUESTION)  # the server is not asked to search an empty collection
    assert not answer.answerable and not answer.citations
    doc = assistant.add_document("vakkrachtenfonds.md", NOTE)
    assert assistant.ask(QUESTION).citations[0].document_id == doc["id"]


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://chroma.intern:8000", ("chroma.intern", 8000, False)),
        ("https://chroma.intern", ("chroma.intern", 443, True)),
        ("10.0.0.5:9000", ("10.0.0.5", 9000, False)),
    ],
)
def test_the_chroma_url_names_host_port_and_tls(url: str, address: tuple[str, int, bool]) -> None:
    assert server_address(url) == address


@pytest.mark.parametrize("url", ["ftp://chroma:21", "http://chroma:8000/api", "http://"])
def test_a_malformed_chroma_url_is_a_configuration_error(url: str) -> None:
    with pytest.raises(ConfigurationError, match="SECTORWIJZER_CHROMA_URL"):
        server_address(url)


def test_a_corpus_file_named_as_an_upload_is_reported_not_mistaken_for_it(
    server_settings: Settings,
) -> None:
    assistant = Assistant(server_settings)
    assistant.ingest()
    doc = assistant.add_document("vakkrachtenfonds.md", NOTE)
    (server_settings.corpus_dir / "vakkrachtenfonds.md").write_text(EXTRA, encoding="utf-8")
    report = assistant.ingest()
    assert "same file name" in report.failed["vakkrachtenfonds.md"] and not report.changed
    chunks = [c for c in assistant.index().chunks if c.document_id == doc["id"]]
    assert chunks and all("zeppelin" not in c.text for c in chunks)


def test_a_replica_looks_at_the_pointer_at_most_once_per_interval(
    server_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    Assistant(server_settings).ingest()
    reader = Assistant(server_settings.model_copy(update={"chroma_poll_seconds": 30}))
    reader.ask(QUESTION)
    looks: list[float] = []
    current = ServerStore.current

    def counted(store: ServerStore) -> str | None:
        looks.append(time.monotonic())
        return current(store)

    monkeypatch.setattr(ServerStore, "current", counted)
    for _ in range(10):
        reader.ask(QUESTION)
    assert looks == []


def test_requests_stay_under_the_record_and_byte_limits() -> None:
    from rag import server_records

    mb = 1024 * 1024
    assert list(server_records.request_spans([mb] * 10)) == [(0, 4), (4, 8), (8, 10)]
    assert list(server_records.request_spans([10 * mb, 1, 1])) == [(0, 1), (1, 3)]
    assert list(server_records.request_spans([1] * 2500)) == [(0, 1000), (1000, 2000), (2000, 2500)]
    assert list(server_records.request_spans([])) == []
