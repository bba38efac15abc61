"""The generic connection: cursors, the page built from limit + 1 rows, reading once."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import datetime

import pytest
import strawberry
from strawberry.types.base import get_object_definition

from schema.errors import ClientError
from schema.pagination import (
    BY_NUMBER,
    BY_TEXT,
    BY_TIME,
    Edge,
    Once,
    Page,
    described,
    page_request,
    paginate,
)


def _raw(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


def test_each_keyset_reads_back_the_key_its_cursor_holds() -> None:
    at = datetime.fromisoformat("2026-03-01T08:30:00+07:00")

    assert BY_TEXT.position(BY_TEXT.cursor(("Quảng Yên", 7))) == ("Quảng Yên", 7)
    assert BY_TIME.position(BY_TIME.cursor((at, 7))) == (at, 7)
    assert BY_NUMBER.position(BY_NUMBER.cursor((812, 7))) == (812, 7)
    assert BY_TEXT.position(None) is None


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64!",
        _raw({"code": "01"}),
        _raw(["01"]),
        _raw(["01", 7, 8]),
        _raw(["01", "7"]),
        _raw(["01", True]),
        _raw([1, 7]),
    ],
)
def test_a_cursor_the_server_did_not_make_is_refused(cursor: str) -> None:
    with pytest.raises(ClientError) as refused:
        BY_TEXT.position(cursor)

    assert refused.value.code == "INVALID_CURSOR"


def test_a_time_cursor_holds_a_moment() -> None:
    with pytest.raises(ClientError):
        BY_TIME.position(_raw(["yesterday", 7]))


@pytest.mark.parametrize("first", [-1, 101])
def test_a_page_size_out_of_bounds_is_refused(first: int) -> None:
    with pytest.raises(ClientError) as refused:
        page_request(first, None, BY_TEXT)

    assert refused.value.code == "PAGE_SIZE_EXCEEDED"


@strawberry.type
class Code:
    value: str


@strawberry.type
class CodeEdge(Edge[Code]):
    pass


async def _page(
    rows: list[tuple[str, int]], *, first: int, after: str | None = None
) -> Page[CodeEdge]:
    request = page_request(first, after, BY_TEXT)
    assert request.fetch == first + 1

    async def read() -> list[tuple[str, int]]:
        return rows[: request.fetch]

    return await paginate(
        request, read, key=lambda row: row, node=lambda row: Code(value=row[0]), edge=CodeEdge
    )()


async def test_the_row_past_the_limit_is_not_shown_and_says_more_follow() -> None:
    rows = [("01", 1), ("02", 2), ("04", 3)]

    page = await _page(rows, first=2)

    assert [edge.node.value for edge in page.edges] == ["01", "02"]
    info = page.info
    assert info.has_next_page
    assert not info.has_previous_page
    assert BY_TEXT.position(info.start_cursor) == ("01", 1)
    assert BY_TEXT.position(info.end_cursor) == ("02", 2)


async def test_the_last_page_says_nothing_follows_and_that_pages_precede() -> None:
    page = await _page([("04", 3)], first=2, after=BY_TEXT.cursor(("02", 2)))

    info = page.info
    assert not info.has_next_page
    assert info.has_previous_page


async def test_an_empty_page_has_no_cursors() -> None:
    page = await _page([], first=2)

    info = page.info
    assert page.edges == []
    assert (info.start_cursor, info.end_cursor, info.has_next_page) == (None, None, False)


async def test_a_page_is_read_once_however_many_fields_ask_at_the_same_time() -> None:
    reads = 0

    async def read() -> int:
        nonlocal reads
        reads += 1
        await asyncio.sleep(0)
        return 42

    once = Once(read)

    assert list(await asyncio.gather(once(), once(), once())) == [42, 42, 42]
    assert await once() == 42
    assert reads == 1


def test_describing_one_list_leaves_the_generic_and_the_other_lists_alone() -> None:
    @described(cursor="Pass as `after`.")
    @strawberry.type
    class DescribedEdge(Edge[Code]):
        pass

    def descriptions(cls: type) -> dict[str, str | None]:
        fields = get_object_definition(cls, strict=True).fields
        return {field.python_name: field.description for field in fields}

    assert descriptions(DescribedEdge) == {"cursor": "Pass as `after`.", "node": None}
    assert descriptions(CodeEdge) == descriptions(Edge) == {"cursor": None, "node": None}


def test_describing_a_field_the_type_does_not_have_is_refused() -> None:
    with pytest.raises(TypeError, match="curser"):

        @described(curser="Pass as `after`.")
        @strawberry.type
        class MisspeltEdge(Edge[Code]):
            pass
