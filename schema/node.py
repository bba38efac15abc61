"""Global object identification: the ``Node`` interface and opaque global ids."""

from __future__ import annotations

import base64
import binascii

import strawberry

from schema.errors import ClientError

_MAX_ROW_ID = 2**63  # ids are PostgreSQL bigints


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="The global, opaque id of the object.")


def to_global_id(type_name: str, row_id: int) -> strawberry.ID:
    """Return the opaque id of row ``row_id`` of GraphQL type ``type_name``."""
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{row_id}".encode()).decode())


def parse_global_id(global_id: str) -> tuple[str, int]:
    """Split a global id into (type name, row id), or refuse it as malformed."""
    try:
        type_name, _, raw = base64.urlsafe_b64decode(global_id.encode()).decode().partition(":")
        row_id = int(raw)
        if not 0 < row_id < _MAX_ROW_ID:
            raise ValueError(raw)
        return type_name, row_id
    except (ValueError, binascii.Error):
        raise ClientError("INVALID_ID", id=global_id, expected="Node") from None


def row_id_of(global_id: str, type_name: str) -> int:
    """Return the row id of a global id that must name a ``type_name``."""
    found_type, row_id = parse_global_id(global_id)
    if found_type != type_name:
        raise ClientError("INVALID_ID", id=global_id, expected=type_name)
    return row_id


def row_id(global_id: str, type_name: str) -> int | None:
    """The row id of a global id naming a ``type_name``; None for any other id, so that a
    malformed id and an id of the wrong type are answered like an unknown one."""
    try:
        return row_id_of(global_id, type_name)
    except ClientError:
        return None
