"""Reads without the ORM (issue 14): one prepared statement per call, rows as plain records.

The hot reads of a query (a unit by id, a plan's entries with their people and positions) are
SQL text run by asyncpg itself: the statement is prepared once per connection and found again by
its text (asyncpg's statement cache), ids go in as one array (``= ANY($1)``, so the text never
changes with the batch size), and each row becomes a frozen record of the ``db`` function that
asked. A ``Reader`` is where those statements run:

- ``PoolReads`` (a served process): a pool of the application role's connections, each statement
  its own transaction (autocommit). A one-statement read is one round trip: no BEGIN, no scope
  statement, no ROLLBACK. The caller's scope (db/rls.py) is then a *session* setting of the
  connection, set again only when the connection last read for another scope; the pool never
  resets connections (asyncpg's default reset runs ``RESET ALL`` on every release), and a
  connection whose setting may not have landed (a cancelled call) forgets what it carries, so it
  is set again before its next read. The pool is only this module's: no other code path runs on
  these connections, so no other code can inherit a caller's scope from one.
- ``SessionReads`` (tests, which roll back one transaction per test, and mutations, whose reads
  must see their own writes): the same statements on the request session's connection, inside
  its transaction, whose ``after_begin`` hook has already set the scope.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Any, Generic, Protocol, TypeAlias, TypeVar

import asyncpg
from sqlalchemy import BigInteger, bindparam, inspect, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql.asyncpg import dialect as AsyncpgDialect
from sqlalchemy.ext.asyncio import AsyncSession

from db import plain_url
from db.base import Base
from db.rls import Scope

__all__ = [
    "Deferred",
    "PoolReads",
    "Reader",
    "Rows",
    "SessionReader",
    "compiled",
    "detached",
    "on_session",
]

Row: TypeAlias = asyncpg.Record
M = TypeVar("M", bound=Base)
T = TypeVar("T")

_SET_SESSION_SCOPE = (
    "SELECT set_config('quyhoach.paths', $1, false), set_config('quyhoach.user', $2, false)"
)


class Reader(Protocol):
    """Runs one read statement of ``db`` for one request, under that request's scope."""

    async def fetch(self, sql: str, *args: object) -> list[Row]: ...


class _ScopedConnection(asyncpg.Connection):  # type: ignore[misc]
    """A pool connection that knows which scope its session settings hold (None: unknown)."""

    carries: Scope | None = None

    def mark(self, scope: Scope | None) -> None:
        # A method, not an assignment: the pool hands out a proxy, which forwards only lookups.
        self.carries = scope


async def _json_codecs(connection: asyncpg.Connection) -> None:
    # JSON arrives decoded, as on the engine's connections (SQLAlchemy sets the same codecs).
    for name in ("json", "jsonb"):
        await connection.set_type_codec(
            name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )


async def _keep_settings(connection: asyncpg.Connection) -> None:
    # Nothing to undo: reads open no transaction, and the scope is set before each use.
    return None


class PoolReader:
    """One request's reads on the pool: the connection is taken at the first statement and
    kept until ``release`` (taking and giving back one per statement cost a sixth of a small
    request); the request's statements run one at a time on it."""

    def __init__(self, pool: asyncpg.Pool, scope: Scope) -> None:
        self._pool = pool
        self._scope = scope
        self._lock = asyncio.Lock()
        self._connection: Any = None

    async def fetch(self, sql: str, *args: object) -> list[Row]:
        async with self._lock:
            connection = self._connection
            if connection is None:
                connection = self._connection = await self._pool.acquire()
                if connection.carries != self._scope:
                    connection.mark(None)  # unknown until the setting has surely landed
                    parameters = self._scope.parameters()
                    await connection.execute(
                        _SET_SESSION_SCOPE, parameters["paths"], parameters["user"]
                    )
                    connection.mark(self._scope)
            rows: list[Row] = await connection.fetch(sql, *args)
            return rows

    async def release(self) -> None:
        """Give the connection back, if one was taken (the end of the request)."""
        connection, self._connection = self._connection, None
        if connection is not None:
            await self._pool.release(connection)


class PoolReads:
    """The read pool of one process: ``reader(scope)`` gives a request its ``Reader``."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @classmethod
    async def open(cls, url: str, *, size: int) -> PoolReads:
        pool = await asyncpg.create_pool(
            plain_url(url),
            min_size=1,
            max_size=size,
            connection_class=_ScopedConnection,
            init=_json_codecs,
            reset=_keep_settings,
            # Connections are kept, not closed when idle for a while: no timer per release.
            max_inactive_connection_lifetime=0,
            # Unlike the engine's (db.create_engine), plans are cached: these are reads by keys,
            # whose generic plan is as good as a custom one, and planning one each time cost
            # more than running it (1.5 ms for a plan's people). No search runs on this pool.
            server_settings={"jit": "off"},
        )
        return cls(pool)

    def reader(self, scope: Scope) -> PoolReader:
        return PoolReader(self._pool, scope)

    async def close(self) -> None:
        await self._pool.close()


class Deferred(Generic[T]):
    """A value made at startup (a pool opened in the lifespan) for objects wired before it."""

    def __init__(self) -> None:
        self._value: T | None = None

    @property
    def ready(self) -> bool:
        return self._value is not None

    def set(self, value: T) -> None:
        self._value = value

    def get(self) -> T:
        assert self._value is not None, "used before the application started"
        return self._value


def on_session(session: AsyncSession) -> Reader:
    """A ``Reader`` on ``session`` alone (a command, a test): nothing else uses it meanwhile."""
    return SessionReader(session, asyncio.Lock())


class SessionReader:
    """The statements of a ``Reader`` on a session's connection, one at a time (``lock``)."""

    def __init__(self, session: AsyncSession, lock: asyncio.Lock) -> None:
        self._session = session
        self._lock = lock

    async def fetch(self, sql: str, *args: object) -> list[Row]:
        async with self._lock:
            connection = await self._session.connection()
            # Through SQLAlchemy's connection, not the driver's: its events see the statement
            # (the statement-count tests count these too); no ORM and no compiling either way.
            result = await connection.exec_driver_sql(sql, args)
            return list(result)


_DIALECT = AsyncpgDialect()  # type: ignore[no-untyped-call]


class Rows(Generic[M]):
    """How rows of ``model`` are read here: every mapped column, by an array of one key.

    The statement is SQLAlchemy Core compiled once (the columns' own SQL, ``ltree2text`` for a
    path), run as text; each value goes through its column type's own result processing (an
    enum's member from its text), so a row reads as the ORM would have read it."""

    def __init__(
        self,
        model: type[M],
        *,
        by: str = "id",
        order_by: str = "id",
        key_type: Any = BigInteger,
        where: Callable[[Any, Any], Any] | None = None,
    ) -> None:
        """``where(table, keys)``: the condition on the keys' array when it is not ``by = ANY``."""
        self.model = model
        self._by = by
        self._order_by = order_by
        self._key_type = key_type
        self._where = where

    @cached_property
    def _compiled(self) -> tuple[str, list[str], list[tuple[str, Callable[[Any], Any]]]]:
        # On first use, once every model is mapped (the mapper's columns need all of them).
        mapper = inspect(self.model)
        table: Any = mapper.local_table
        columns = [(prop.key, prop.columns[0]) for prop in mapper.column_attrs]
        if self._where is not None:
            keys = bindparam("keys", type_=ARRAY(self._key_type))
            sql = compiled(
                select(*(column for _, column in columns))
                .where(self._where(table, keys))
                .order_by(table.c[self._order_by])
            )
        else:
            # One key at a time (LATERAL): the policies of row-level security are then checked
            # by a primary-key probe per row. Given the whole array, the planner hashed every
            # unit in scope first for them: 13 ms for a plan's people, against 0.3 ms.
            one = compiled(
                select(*(column for _, column in columns)).where(
                    table.c[self._by] == literal_column("keys.key")
                )
            )
            array = compiled(bindparam("keys", type_=ARRAY(self._key_type)))
            sql = (
                f"SELECT found.* FROM unnest({array}) AS keys(key)"
                f" CROSS JOIN LATERAL ({one}) AS found ORDER BY found.{self._order_by}"
            )
        processors: list[tuple[str, Callable[[Any], Any]]] = [
            (key, processor)
            for key, column in columns
            if (processor := column.type._cached_result_processor(_DIALECT, None)) is not None
        ]
        return sql, [key for key, _ in columns], processors

    @property
    def sql(self) -> str:
        return self._compiled[0]

    def row(self, record: Row) -> M:
        _, keys, processors = self._compiled
        values = dict(zip(keys, record, strict=True))
        for key, processor in processors:
            values[key] = processor(values[key])
        return detached(self.model, values)

    async def fetch(self, reader: Reader, keys: Sequence[object]) -> list[M]:
        return [self.row(record) for record in await reader.fetch(self.sql, list(keys))]

    async def by_id(self, reader: Reader, ids: Sequence[int]) -> dict[int, M]:
        """The rows of these ids (``by`` the primary key)."""
        return {row.id: row for row in await self.fetch(reader, ids)}  # type: ignore[attr-defined]


def compiled(statement: Any) -> str:
    """A Core statement as the SQL text a ``Reader`` runs ($1, $2, … in bind order)."""
    return str(statement.compile(dialect=_DIALECT))


def detached(model: type[M], values: Mapping[str, Any]) -> M:
    """A row read here, as a detached instance of its ``model``: the rest of the code keeps
    reading the model's attributes, for a microsecond per row instead of the ORM's load (about
    20 µs). Detached, not transient: added to a session it is that row, not a new one."""
    instance: M = model._sa_class_manager.new_instance()  # type: ignore[attr-defined]
    instance.__dict__.update(values)
    instance._sa_instance_state.key = (model, (values["id"],), None)  # type: ignore[attr-defined]
    return instance
