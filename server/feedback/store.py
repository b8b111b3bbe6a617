"""The feedback store: one SQLAlchemy Core code path for SQLite (default) and PostgreSQL.

Durability comes from the database, not from Python: every insert commits before
the API answers, SQLite runs in WAL mode, and the same
correction sent twice is caught by a unique constraint on its digest, so two
workers racing on one correction store it once.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import pathlib
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from server.feedback import PENDING

SQLITE_BUSY_TIMEOUT_MS = 10_000  # two workers writing at once wait for each other, far below this
POOL_TIMEOUT_SECONDS = 5  # a request waits this long for a connection, then gets a 503
CONNECT_TIMEOUT_SECONDS = 5  # a PostgreSQL server that does not answer is reported as down

metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)

feedback = sa.Table(
    "feedback",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("url", sa.Text, nullable=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("context", sa.Text, nullable=False),
    sa.Column("model_label", sa.String(16), nullable=False),
    sa.Column("model_score", sa.Float, nullable=False),
    sa.Column("model_version", sa.String(64), nullable=False),
    sa.Column("reader_label", sa.String(16), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("corrected_label", sa.String(16), nullable=True),
    sa.Column("exported_at", sa.DateTime(timezone=True), nullable=True),
    sa.UniqueConstraint("digest", name="feedback_digest_unique"),
    sa.Index("feedback_status_created", "status", "created_at"),
)


class StoreUnavailable(RuntimeError):
    """The database cannot be reached or refused the operation; the API answers 503."""


@dataclass(frozen=True)
class Correction:
    """What a reader sent about one highlighted sentence."""

    text: str
    model_label: str
    model_score: float
    model_version: str
    reader_label: str
    url: str | None = None
    context: str = ""
    note: str = ""


@dataclass(frozen=True)
class Item:
    """A stored correction with its review state."""

    id: int
    created_at: datetime.datetime
    url: str | None
    text: str
    context: str
    model_label: str
    model_score: float
    model_version: str
    reader_label: str
    note: str
    status: str
    corrected_label: str | None
    exported_at: datetime.datetime | None

    @property
    def label(self) -> str:
        """The label the editor settled on: the corrected one, else the reader's."""
        return self.corrected_label or self.reader_label


def strip_url(url: str | None, keep_origin_only: bool) -> str | None:
    """Drop the query string and fragment (they may identify the reader); optionally the path too."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host  # never a user name or password
    path = "" if keep_origin_only else parts.path
    return urlunsplit((parts.scheme.lower(), netloc.lower(), path, "", ""))


def correction_digest(url: str | None, text: str, reader_label: str) -> str:
    """Identify a correction by what makes it the same one: page, sentence and the reader's label."""
    joined = "\x1f".join((url or "", text, reader_label))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def database_url(setting: str | None, default_dir: Callable[[], pathlib.Path]) -> str:
    """Return SQLAlchemy's URL for the setting: a SQLite file under `default_dir()` when unset."""
    if setting is None:
        directory = default_dir()
        directory.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{directory / 'feedback.sqlite3'}"
    if setting.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + setting.split("://", 1)[1]
    return setting


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # FULL: a correction acknowledged with 201 is on disk, even through a power cut (in WAL mode
    # NORMAL survives a killed process but may lose the last commits to a power cut).
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create the engine; SQLite gets WAL mode and a busy timeout on every connection."""
    if url.startswith("sqlite"):
        pathlib.Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, pool_timeout=POOL_TIMEOUT_SECONDS)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(
        url,
        pool_pre_ping=True,  # a restarted PostgreSQL leaves dead connections in the pool
        pool_timeout=POOL_TIMEOUT_SECONDS,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
    )


def _migration_1(connection: Connection) -> None:
    feedback.create(connection, checkfirst=True)


#: Schema versions in order; a new column or table is a new function here, never an edit above.
MIGRATIONS: tuple[tuple[int, Callable[[Connection], None]], ...] = ((1, _migration_1),)
SCHEMA_VERSION = MIGRATIONS[-1][0]
_PG_MIGRATION_LOCK = 15_015  # an advisory lock: two instances starting together migrate one at a time


class FeedbackStore:
    """Readers' corrections in one database; safe to share between threads (one engine, a pool)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._migrated = False
        self._lock = threading.Lock()
        # SQLite has one writer at a time; this process's threads queue here, not in SQLite's
        # busy handler, whose sleeps grow to 100 ms. PostgreSQL needs no such queue.
        self._write_lock: threading.Lock | contextlib.nullcontext[None] = (
            threading.Lock() if engine.dialect.name == "sqlite" else contextlib.nullcontext()
        )

    @classmethod
    def open(cls, url: str) -> FeedbackStore:
        return cls(make_engine(url))

    def migrate(self) -> int:
        """Bring the schema to `SCHEMA_VERSION`; return the version found before."""
        with self._guard(), self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_MIGRATION_LOCK)))
            schema_version.create(connection, checkfirst=True)
            found = connection.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0
            for version, step in MIGRATIONS:
                if version > found:
                    step(connection)
                    connection.execute(schema_version.insert().values(version=version, applied_at=_now()))
        self._migrated = True
        return int(found)

    def ensure_ready(self) -> None:
        """Migrate once per process, on first use if the database was down at start-up."""
        if self._migrated:
            return
        with self._lock:
            if not self._migrated:
                self.migrate()

    def close_connections(self) -> None:
        """Close pooled connections, so workers forked after this open their own, never the parent's."""
        self.engine.dispose()

    def add(self, correction: Correction, keep_origin_only: bool = False) -> tuple[int, bool]:
        """Store a correction; return `(id, created)`, the first id when it was sent before."""
        self.ensure_ready()
        url = strip_url(correction.url, keep_origin_only)
        digest = correction_digest(url, correction.text, correction.reader_label)
        values = {
            "digest": digest,
            "created_at": _now(),
            "url": url,
            "text": correction.text,
            "context": correction.context,
            "model_label": correction.model_label,
            "model_score": correction.model_score,
            "model_version": correction.model_version,
            "reader_label": correction.reader_label,
            "note": correction.note,
            "status": PENDING,
        }
        with self._guard(), self._write_lock, self.engine.begin() as connection:
            dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
            statement = (
                dialect.insert(feedback)
                .values(**values)
                .on_conflict_do_nothing(index_elements=["digest"])
                .returning(feedback.c.id)
            )
            new_id = connection.execute(statement).scalar()
            if new_id is not None:
                return int(new_id), True
            first = connection.execute(
                sa.select(feedback.c.id).where(feedback.c.digest == digest)
            ).scalar_one()
            return int(first), False

    def items(
        self,
        status: str | None = None,
        label: str | None = None,
        since: datetime.datetime | None = None,
        ids: Iterable[int] | None = None,
    ) -> list[Item]:
        """Return stored corrections, oldest first; `label` matches the reader's or the corrected one."""
        self.ensure_ready()
        query = sa.select(*[c for c in feedback.c if c.name != "digest"]).order_by(feedback.c.id)
        if status is not None:
            query = query.where(feedback.c.status == status)
        if label is not None:
            effective = sa.func.coalesce(feedback.c.corrected_label, feedback.c.reader_label)
            query = query.where(effective == label)
        if since is not None:
            query = query.where(feedback.c.created_at >= since)
        if ids is not None:
            query = query.where(feedback.c.id.in_(list(ids)))
        with self._guard(), self.engine.connect() as connection:
            return [_item(row._mapping) for row in connection.execute(query)]

    def review(self, ids: Sequence[int], status: str, corrected_label: str | None = None) -> list[int]:
        """Set the status (and the corrected label) of the given ids; return the ids not found."""
        self.ensure_ready()
        with self._guard(), self.engine.begin() as connection:
            found = set(connection.execute(sa.select(feedback.c.id).where(feedback.c.id.in_(ids))).scalars())
            connection.execute(
                feedback.update()
                .where(feedback.c.id.in_(ids))
                .values(status=status, corrected_label=corrected_label)
            )
        return [i for i in ids if i not in found]

    def mark_exported(self, ids: Sequence[int]) -> None:
        with self._guard(), self.engine.begin() as connection:
            connection.execute(feedback.update().where(feedback.c.id.in_(ids)).values(exported_at=_now()))

    def purge(self, before: datetime.datetime) -> int:
        """Delete every correction received before `before`; return how many."""
        self.ensure_ready()
        with self._guard(), self.engine.begin() as connection:
            return int(connection.execute(feedback.delete().where(feedback.c.created_at < before)).rowcount)

    def count(self) -> int:
        self.ensure_ready()
        with self._guard(), self.engine.connect() as connection:
            return int(connection.execute(sa.select(sa.func.count()).select_from(feedback)).scalar_one())

    def _guard(self) -> _Unavailable:
        return _Unavailable()


class _Unavailable:
    """Turn the database's connection and operational errors into `StoreUnavailable`."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _tb: Any) -> None:
        if isinstance(error, sa.exc.OperationalError | sa.exc.InterfaceError | sa.exc.TimeoutError):
            raise StoreUnavailable(str(getattr(error, "orig", None) or error).strip()) from error


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _aware(moment: datetime.datetime | None) -> datetime.datetime | None:
    """SQLite gives back naive datetimes; every stored time is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=datetime.UTC)


def _item(row: Any) -> Item:
    values = dict(row)
    values["created_at"] = _aware(values["created_at"])
    values["exported_at"] = _aware(values["exported_at"])
    return Item(**values)
