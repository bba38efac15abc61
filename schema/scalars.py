"""How a moment reads on the wire: always in Vietnam time, whoever wrote it and however read.

A resolver may present a moment it just set (``ctx.now``, Vietnam time) or one read back from
PostgreSQL (``timestamptz`` arrives in UTC). Both are the same instant, but a client that compares
strings, or a retry that replays an answer (the replay reads the row back), would see
``+07:00`` turn into ``+00:00``. Every ``DateTime`` is therefore serialised in one zone, here.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.schema.types.base_scalars import DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition

# Vietnam keeps UTC+7 all year: "today" for the tree and for deadlines is the local date.
VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")


def _in_vietnam_time(value: datetime) -> str:
    if value.tzinfo is None:  # never written so, but a naive moment is not guessed at
        raise ValueError("a naive datetime has no instant to present")
    return value.astimezone(VIETNAM_TIME).isoformat()


def _moment(value: object) -> datetime:
    """A moment a client sent: ISO 8601 with its offset. Without one it names no instant (and
    could not be compared with the server's clock), so it is refused, not guessed at."""
    parse = DateTimeDefinition.parse_value
    assert parse is not None  # strawberry's own ISO 8601 parsing
    parsed = parse(value)
    if not isinstance(parsed, datetime) or parsed.tzinfo is None:
        raise StrawberryInputCoercionError(
            f'Value cannot represent a DateTime: "{value}". It needs an offset, as in '
            '"2027-01-01T00:00:00+07:00".'
        )
    return parsed


VIETNAM_DATETIME: ScalarDefinition = dataclasses.replace(
    DateTimeDefinition,
    description="Date with time (ISO 8601) with its offset: always +07:00 (Vietnam time) in "
    "answers; a moment sent without an offset is refused.",
    serialize=_in_vietnam_time,
    parse_value=_moment,
)
