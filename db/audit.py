"""The audit trail: one append-only event per change (who, when, what before and after, why)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Select, func, insert, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import Base
from db.models import AuditEvent, Unit
from db.reach import within
from planning.access import Reach


async def record(
    session: AsyncSession,
    *,
    at: datetime,
    actor_user_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int,
    unit_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    await session.execute(
        insert(AuditEvent).values(
            at=at,
            actor_user_id=actor_user_id,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            unit_id=unit_id,
            before=before,
            after=after,
            reason=reason,
        )
    )


# What a change looked like: a row by its primary key, as JSON values. Who last set it and when
# are left out: the audit event itself says who changes it now, and the one before said so then.
_BOOKKEEPING = frozenset({"set_by", "set_at"})


def json_value(value: Any) -> Any:
    """A column value as an audit event stores it (JSON)."""
    if isinstance(value, date):  # datetimes are dates too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


async def snapshot(
    session: AsyncSession, model: type[Base], /, **key: Any
) -> dict[str, Any] | None:
    """The row of ``model`` whose columns ``key`` name (its primary key or a unique key), as
    JSON values; None if there is none.
    Read with Core, so it is what the database holds now, not an object the session keeps."""
    table = model.__table__
    found = (
        (await session.execute(select(table).where(*(table.c[k] == v for k, v in key.items()))))
        .mappings()
        .first()
    )
    if found is None:
        return None
    return {k: json_value(v) for k, v in found.items() if k not in _BOOKKEEPING}


def _in_reach(reaches: Sequence[Reach], unit_path: str) -> Select[Any]:
    """Events of units in ``unit_path``'s subtree that the reaches cover."""
    return (
        select(AuditEvent)
        .join(Unit, Unit.id == AuditEvent.unit_id)
        .where(within(Unit.path, reaches), Unit.path.bool_op("<@")(func.text2ltree(unit_path)))
    )


async def page(
    session: AsyncSession,
    *,
    reaches: Sequence[Reach],
    unit_path: str,
    after: tuple[datetime, int] | None,
    limit: int,
) -> list[AuditEvent]:
    """A page of the subtree's audit events, newest first."""
    statement = _in_reach(reaches, unit_path)
    if after is not None:
        statement = statement.where(tuple_(AuditEvent.at, AuditEvent.id) < tuple_(*after))
    statement = statement.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    return list((await session.scalars(statement)).all())


async def count(session: AsyncSession, *, reaches: Sequence[Reach], unit_path: str) -> int:
    counted = select(func.count()).select_from(_in_reach(reaches, unit_path).subquery())
    return (await session.scalar(counted)) or 0
