"""The feedback store on SQLite and on PostgreSQL: the same tests, one code path."""

import datetime
import threading

import pytest
import sqlalchemy as sa

from server.feedback.store import (
    SCHEMA_VERSION,
    Correction,
    FeedbackStore,
    StoreUnavailable,
    schema_version,
    strip_url,
)


def correction(text: str = "The plan will fail.", **changes: object) -> Correction:
    values: dict = {
        "text": text,
        "model_label": "unattributed",
        "model_score": 0.81,
        "model_version": "0.1.0",
        "reader_label": "opinion",
        "url": "https://news.example/a/story?utm_source=mail&reader=42#comments",
        **changes,
    }
    return Correction(**values)


@pytest.fixture()
def store(feedback_db):
    opened = FeedbackStore.open(feedback_db)
    opened.migrate()
    yield opened
    opened.engine.dispose()


def test_migrations_record_the_schema_version_once(feedback_db):
    store = FeedbackStore.open(feedback_db)
    assert store.migrate() == 0
    assert store.migrate() == SCHEMA_VERSION
    with store.engine.connect() as connection:
        assert connection.execute(sa.select(schema_version.c.version)).scalars().all() == [SCHEMA_VERSION]
    store.engine.dispose()


def test_a_correction_is_stored_without_query_string_or_fragment(store):
    item_id, created = store.add(correction(context="Before.", note="It is a prediction."))
    assert created
    [item] = store.items()
    assert item.id == item_id
    assert item.url == "https://news.example/a/story"
    assert (item.text, item.context, item.note) == ("The plan will fail.", "Before.", "It is a prediction.")
    assert (item.model_label, item.reader_label, item.status, item.corrected_label) == (
        "unattributed",
        "opinion",
        "pending",
        None,
    )
    assert item.created_at.tzinfo is not None


def test_keep_origin_only_drops_the_path_and_any_credentials():
    assert strip_url("https://user:pw@News.Example:8443/a/b?q=1#f", True) == "https://news.example:8443"
    assert strip_url("https://news.example/a/b?q=1#f", False) == "https://news.example/a/b"
    assert strip_url("not a url", False) is None


def test_the_same_correction_twice_keeps_the_first_id(store):
    first, created = store.add(correction())
    again, created_again = store.add(correction(url="https://news.example/a/story?other=1"))
    other, created_other = store.add(correction(reader_label="neutral"))
    assert (created, created_again, created_other) == (True, False, True)
    assert again == first != other
    assert store.count() == 2


def test_racing_duplicates_are_stored_once(store):
    """Sixteen threads send one correction at once: the unique digest, not Python, keeps one row."""
    ids: list[int] = []
    barrier = threading.Barrier(16)

    def send() -> None:
        barrier.wait()
        ids.append(store.add(correction())[0])

    threads = [threading.Thread(target=send) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(ids)) == 1 and len(ids) == 16
    assert store.count() == 1


def test_review_filters_and_purge(store):
    a, _ = store.add(correction("A is true."))
    b, _ = store.add(correction("B is true.", reader_label="attributed"))
    c, _ = store.add(correction("C is true.", reader_label="neutral"))
    assert store.review([a, 999], "accepted", "neutral") == [999]
    assert store.review([b], "rejected") == []
    assert [i.id for i in store.items(status="accepted")] == [a]
    assert [i.id for i in store.items(status="pending")] == [c]
    assert [i.id for i in store.items(label="neutral")] == [a, c]  # the editor's label counts
    tomorrow = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    assert store.items(since=tomorrow) == []
    assert store.purge(datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)) == 0
    assert store.purge(tomorrow) == 3
    assert store.count() == 0


def test_a_database_that_is_down_is_store_unavailable(tmp_path):
    unreachable = FeedbackStore.open("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(StoreUnavailable):
        unreachable.add(correction())
