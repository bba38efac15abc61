"""How a moment reads on the wire: always in Vietnam time, whoever wrote it and however read.

A resolver may present a moment it just set (``ctx.now``, Vietnam time) or one read back from
PostgreSQL (``timestamptz`` arrives in UTC). Both are the same instant, but a client that compares
strings, or a retry that replays an answer (the replay reads the row back), would see
``+07:00`` turn into ``+00:00``. Every ``DateTime`` is therefore serialised in one zone, here.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

from strawberry.schema.types.base_scalars import DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition

# Vietnam keeps UTC+7 all year: "today" for the tree and for deadlines is the local date.
VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")


def _in_vietnam_time(value: datetime) -> str:
    if value.tzinfo is None:  # never written so, but a naive moment is not guessed at
        raise ValueError("a naive datetime has no instant to present")
    return value.astimezone(VIETNAM_TIME).isoformat()


VIETNAM_DATETIME: ScalarDefinition = dataclasses.replace(
    DateTimeDefinition,
    description="Date with time (ISO 8601), always with the +07:00 offset of Vietnam time.",
    serialize=_in_vietnam_time,
)
