"""The audit trail: one append-only event per change (who, when, what before and after, why)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEvent


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
