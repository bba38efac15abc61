"""The shell every mutation shares: who acts, where a unit sits, and the audit event."""

from __future__ import annotations

from typing import Any

from db import access as access_db, audit
from schema.context import Context


def actor(ctx: Context) -> int:
    """The user id of the official making the change (mutations are for officials only)."""
    principal = ctx.principal
    assert principal is not None  # guaranteed by official()
    assert principal.user_id is not None
    return principal.user_id


async def unit_path(ctx: Context, unit_id: int | None) -> str | None:
    return await ctx.db(access_db.unit_path, unit_id=unit_id) if unit_id else None


async def audit_change(
    ctx: Context, action: str, subject_type: str, subject_id: int, unit_id: int, **details: Any
) -> None:
    """Record the change as an audit event by the caller, now (before, after, reason)."""
    await ctx.db(
        audit.record,
        at=ctx.now,
        actor_user_id=actor(ctx),
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        unit_id=unit_id,
        **details,
    )
