"""Relay pagination: opaque keyset cursors, a capped page size, and ``PageInfo``."""

from __future__ import annotations

import base64
import binascii
import json

import strawberry

from schema.errors import ClientError

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50


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


def page_size(first: int | None) -> int:
    """Return the page size asked for, or refuse one outside [0, MAX_PAGE_SIZE]."""
    if first is None:
        return DEFAULT_PAGE_SIZE
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise ClientError("PAGE_SIZE_EXCEEDED", first=first, limit=MAX_PAGE_SIZE)
    return first


def encode_cursor(code: str, row_id: int) -> str:
    """Encode a (code, id) keyset position; clients must treat it as opaque."""
    return base64.urlsafe_b64encode(json.dumps([code, row_id]).encode()).decode()


def decode_cursor(cursor: str | None) -> tuple[str, int] | None:
    """Decode a cursor made by ``encode_cursor``; anything else is a client error."""
    if cursor is None:
        return None
    try:
        code, row_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError, binascii.Error):
        raise ClientError("INVALID_CURSOR") from None
    if not isinstance(code, str) or not isinstance(row_id, int) or isinstance(row_id, bool):
        raise ClientError("INVALID_CURSOR")
    return code, row_id


def page_info(cursors: list[str], *, fetched: int, limit: int, had_previous: bool) -> PageInfo:
    """The PageInfo of a page built from ``limit + 1`` fetched rows (the extra one says more)."""
    return PageInfo(
        has_next_page=fetched > limit,
        has_previous_page=had_previous,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )
