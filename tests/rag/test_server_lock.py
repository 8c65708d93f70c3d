"""The writer lock in a real Chroma server: one holder, a clear refusal, lapsed and lost leases."""

import threading
import time
import uuid

import pytest

from rag.assistant import Assistant
from rag.chroma_client import connect
from rag.config import Settings
from rag.errors import IndexBusyError
from rag.server_lock import server_lock
from rag.server_store import ServerStore


@pytest.fixture
def lock_name() -> str:
    return f"t{uuid.uuid4().hex[:10]}_lock"


def test_a_second_writer_waits_then_is_told_who_holds_the_lock(
    server_settings: Settings, lock_name: str
) -> None:
    client = connect(server_settings)
    with server_lock(client, lock_name, 3.0, 0) as lease:
        told: list[str] = []
        started = time.monotonic()
        busy = pytest.raises(IndexBusyError, match="holds the writer lock in the Chroma server")
        with busy, server_lock(client, lock_name, 3.0, 0.3, told.append):
            pass
        assert time.monotonic() - started >= 0.3
        assert told == [lease.owner] and "process" in lease.owner
        lease.check()
    with server_lock(client, lock_name, 3.0, 0):  # released: free at once
        pass


def test_a_waiting_writer_gets_the_lock_when_the_holder_releases_it(
    server_settings: Settings, lock_name: str
) -> None:
    client = connect(server_settings)
    order: list[str] = []
    holding = threading.Event()

    def hold() -> None:
        with server_lock(client, lock_name, 3.0, 0):
            holding.set()
            time.sleep(0.5)
            order.append("first done")

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(10)
    with server_lock(client, lock_name, 3.0, 10):
        order.append("second in")
    thread.join()
    assert order == ["first done", "second in"]


def test_a_lapsed_lock_of_a_dead_writer_is_broken_and_a_lost_lease_cannot_publish(
    server_settings: Settings, lock_name: str
) -> None:
    client = connect(server_settings)
    # What a writer killed with kill -9 leaves: a lock nobody renews, past its expiry.
    client.create_collection(lock_name, metadata={"owner": "dead", "expires": time.time() - 1})
    with server_lock(client, lock_name, 3.0, 0) as lease:
        lease.check()
        client.delete_collection(lock_name)  # another writer broke it meanwhile
        with pytest.raises(IndexBusyError, match="lapsed while this change was built"):
            lease.check()


def test_a_writer_renews_its_lease_while_it_works(
    server_settings: Settings, lock_name: str
) -> None:
    client = connect(server_settings)
    with server_lock(client, lock_name, 0.6, 0) as lease:
        time.sleep(1.5)  # longer than the lease: only renewals keep it
        with pytest.raises(IndexBusyError), server_lock(client, lock_name, 0.6, 0):
            pass
        lease.check()


def test_an_upload_is_refused_while_another_replica_writes(server_settings: Settings) -> None:
    Assistant(server_settings).ingest()
    store = ServerStore(server_settings)
    impatient = Assistant(server_settings.model_copy(update={"writer_wait_seconds": 0.3}))
    with store.lock(0), pytest.raises(IndexBusyError, match="another change of the documents"):
        impatient.add_document("notitie.md", b"# Notitie\n\nEen korte notitie over scholing.")
    assert "notitie" not in impatient.documents()
    assert impatient.add_document("notitie.md", b"# Notitie\n\nEen notitie over scholing.")


def test_replicas_building_the_first_index_at_once_publish_it_once(
    server_settings: Settings,
) -> None:
    reports, failures = [], []

    def build() -> None:
        try:
            reports.append(Assistant(server_settings).ingest())
        except Exception as exc:  # noqa: BLE001 - the test counts every failure
            failures.append(exc)

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not failures and len(reports) == 2
    assert reports[0].generation == reports[1].generation  # the second found it built
    assert sorted(len(r.added) for r in reports) == [0, 5]
    assert [info.name for info in ServerStore(server_settings).generations()] == [
        reports[0].generation
    ]
