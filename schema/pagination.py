"""Relay pagination: one generic connection, opaque keyset cursors, a capped page size.

A list that can grow is a connection (DESIGN §4): each of them is a named specialisation of
``Connection`` and ``Edge``, and builds its page with ``paginate`` from rows read with one more
than asked. The specialisations are named and described by hand (``UnitConnection``, …): strawberry
would name ``Connection[UnitEdge]`` ``UnitEdgeConnection``, and would give every specialisation the
generic's descriptions, where each list has its own words.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

import strawberry
from strawberry.types.base import get_object_definition

from schema.errors import ClientError

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50

KeyT = TypeVar("KeyT")
RowT = TypeVar("RowT")
NodeT = TypeVar("NodeT")
EdgeT = TypeVar("EdgeT")
NodeT_contra = TypeVar("NodeT_contra", contravariant=True)
EdgeT_co = TypeVar("EdgeT_co", covariant=True)
TypeT = TypeVar("TypeT", bound=type[Any])
ValueT = TypeVar("ValueT")


@strawberry.type(description="Where a page sits in its list (Relay PageInfo).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more items follow this page.")
    has_previous_page: bool = strawberry.field(
        description="Whether items precede this page (true whenever `after` was given)."
    )
    start_cursor: str | None = strawberry.field(description="The cursor of the first item.")
    end_cursor: str | None = strawberry.field(
        description="The cursor of the last item: pass it as `after` for the next page."
    )


# Cursors: the sort key of the row a cursor points at, as a JSON array in base64url. Clients
# treat them as opaque; the server reads back only what it wrote, anything else is refused.


@dataclass(frozen=True, slots=True)
class Keyset(Generic[KeyT]):
    """How one ordering spells its sort key in a cursor, and reads it back."""

    dump: Callable[[KeyT], list[str | int]]
    # Raises ValueError or TypeError for anything `dump` did not make.
    load: Callable[[list[Any]], KeyT]

    def cursor(self, key: KeyT) -> str:
        return base64.urlsafe_b64encode(json.dumps(self.dump(key)).encode()).decode()

    def position(self, cursor: str | None) -> KeyT | None:
        """The key a cursor from ``cursor`` holds; anything else is a client error."""
        if cursor is None:
            return None
        try:
            parts = json.loads(base64.urlsafe_b64decode(cursor.encode()))
            if not isinstance(parts, list):
                raise TypeError(parts)
            return self.load(parts)
        except (ValueError, TypeError):  # binascii and JSON errors are ValueErrors
            raise ClientError("INVALID_CURSOR") from None


def _checked(value: object, kind: type[ValueT]) -> ValueT:
    # bool is an int to Python, and never a part of a key.
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TypeError(value)
    return value


def _text_and_id(parts: list[Any]) -> tuple[str, int]:
    text, row_id = parts
    return _checked(text, str), _checked(row_id, int)


def _time_and_id(parts: list[Any]) -> tuple[datetime, int]:
    at, row_id = parts
    return datetime.fromisoformat(_checked(at, str)), _checked(row_id, int)


def _number_and_id(parts: list[Any]) -> tuple[int, int]:
    number, row_id = parts
    return _checked(number, int), _checked(row_id, int)


BY_TEXT: Keyset[tuple[str, int]] = Keyset(dump=lambda key: [*key], load=_text_and_id)
"""Ordered by a text (a code, a name), then the row id."""
BY_TIME: Keyset[tuple[datetime, int]] = Keyset(
    dump=lambda key: [key[0].isoformat(), key[1]], load=_time_and_id
)
"""Ordered by a moment, then the row id."""
BY_NUMBER: Keyset[tuple[int, int]] = Keyset(dump=lambda key: [*key], load=_number_and_id)
"""Ordered by a number (a transaction id), then the row id."""


def page_size(first: int | None) -> int:
    """Return the page size asked for, or refuse one outside [0, MAX_PAGE_SIZE]."""
    if first is None:
        return DEFAULT_PAGE_SIZE
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise ClientError("PAGE_SIZE_EXCEEDED", first=first, limit=MAX_PAGE_SIZE)
    return first


@dataclass(frozen=True, slots=True)
class PageRequest(Generic[KeyT]):
    """A client's `first` and `after`, checked: how many rows, after which key."""

    limit: int
    after: KeyT | None
    keyset: Keyset[KeyT]

    @property
    def fetch(self) -> int:
        """How many rows to read: one more than asked, which tells whether more follow."""
        return self.limit + 1


def page_request(first: int | None, after: str | None, keyset: Keyset[KeyT]) -> PageRequest[KeyT]:
    """:raises ClientError: PAGE_SIZE_EXCEEDED, INVALID_CURSOR"""
    return PageRequest(limit=page_size(first), after=keyset.position(after), keyset=keyset)


# The GraphQL types


@strawberry.type
class Edge(Generic[NodeT]):
    """An item of a page with its cursor; specialise it per list, as ``UnitEdge(Edge[Unit])``."""

    cursor: str
    node: NodeT


class Once(Generic[ValueT]):
    """A value read on first use and once, however many fields ask for it at the same time."""

    def __init__(self, read: Callable[[], Awaitable[ValueT]]) -> None:
        self._read = read
        self._lock = asyncio.Lock()
        self._value: tuple[ValueT] | None = None

    async def __call__(self) -> ValueT:
        # `edges` and `pageInfo` resolve concurrently: the second waits for the first's rows.
        async with self._lock:
            if self._value is None:
                self._value = (await self._read(),)
        return self._value[0]


@dataclass(frozen=True, slots=True)
class Page(Generic[EdgeT]):
    edges: list[EdgeT]
    info: PageInfo


@strawberry.type
class Connection(Generic[EdgeT]):
    """A page of a list (Relay connection); specialise it per list with that list's edge type.

    Its rows are read when `edges` or `pageInfo` is first asked for, so a selection of
    `totalCount` alone reads none.
    """

    page: strawberry.Private[Once[Page[EdgeT]]]

    @strawberry.field
    async def edges(self) -> list[EdgeT]:
        return (await self.page()).edges

    @strawberry.field
    async def page_info(self) -> PageInfo:
        return (await self.page()).info


@strawberry.type
class CountedConnection(Connection[EdgeT]):
    """A connection that also counts its whole list: one more statement, run when asked."""

    count: strawberry.Private[Once[int]]

    @strawberry.field
    async def total_count(self) -> int:
        return await self.count()


class EdgeType(Protocol[NodeT_contra, EdgeT_co]):
    """A named edge class: ``UnitEdge(cursor=…, node=…)``."""

    def __call__(self, *, cursor: str, node: NodeT_contra) -> EdgeT_co: ...


def paginate(
    request: PageRequest[KeyT],
    rows: Callable[[], Awaitable[Sequence[RowT]]],
    *,
    key: Callable[[RowT], KeyT],
    node: Callable[[RowT], NodeT],
    edge: EdgeType[NodeT, EdgeT],
) -> Once[Page[EdgeT]]:
    """The page of a connection, from ``rows`` read from ``request.after``, ``request.fetch`` of
    them: the one past ``request.limit`` is not shown, it only says that more follow."""

    async def read() -> Page[EdgeT]:
        fetched = await rows()
        shown = fetched[: request.limit]
        cursors = [request.keyset.cursor(key(row)) for row in shown]
        info = PageInfo(
            has_next_page=len(fetched) > request.limit,
            has_previous_page=request.after is not None,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        )
        edges = [edge(cursor=c, node=node(row)) for c, row in zip(cursors, shown, strict=True)]
        return Page(edges=edges, info=info)

    return Once(read)


def described(**words: str) -> Callable[[TypeT], TypeT]:
    """Describe the fields a named connection or edge inherits, in that list's own words.

    Put it above ``@strawberry.type``. The generic declares its fields once for all its
    specialisations, so they are copied with the new description, never changed in place.
    """

    def describe(cls: TypeT) -> TypeT:
        definition = get_object_definition(cls, strict=True)
        unknown = words.keys() - {field.python_name for field in definition.fields}
        if unknown:
            raise TypeError(f"{cls.__name__} has no fields {sorted(unknown)}")
        fields = []
        for inherited in definition.fields:
            field = inherited
            if field.python_name in words:
                field = copy.copy(inherited)
                field.description = words[field.python_name]
            fields.append(field)
        definition.fields = fields
        return cls

    return describe
