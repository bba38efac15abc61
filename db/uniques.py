"""Unique constraints a client can hit, their violation turned into a value instead of a 500.

A check before an insert ("is this national id on record?") loses the race against a
concurrent request that makes the same check: both see nothing, both insert, and the second
insert breaks the constraint. The constraint is the real guard; ``guarded`` runs the insert in a
SAVEPOINT and raises ``Taken`` naming the constraint, so the mutation answers the typed error
its check gives. Only the savepoint is rolled back: nothing of the refused row remains, and the
request's transaction stays usable (its idempotency key, say, is released when it ends without
a commit, as after the check's own refusal).

The names are those of the naming convention in db/base.py and of the migrations. The other
unique keys a mutation writes need no guard here: ``ux_role_grant_live`` (grantRole locks the
grantee's row first), ``uq_plan_entry_person_position`` (entries are written under their plan's
lock), ``ux_removal_proposal_open`` (raised under the person's lock), ``pk_idempotency_key``,
``pk_login_throttle`` and the reference settings' keys (upserts: ON CONFLICT), and
``pk_consolidation_keep`` (db/consolidation.py maps its own, to PERSON_TAKEN).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

# The unique constraints and indexes a client's mutation can break, by what they guard.
NATIONAL_ID = "uq_person_national_id"  # persons: one record per national id
USERNAME = "uq_app_user_username"  # users: one account per username
PLAN_KEY = "ux_plan_next_term"  # plans: one live term plan per unit, cycle and tier

_UNIQUE_VIOLATION = "23505"


class Taken(Exception):
    """A row was refused because another holds the same key of ``constraint``."""

    def __init__(self, constraint: str) -> None:
        super().__init__(constraint)
        self.constraint = constraint


def violated(error: IntegrityError) -> str | None:
    """The unique constraint or index ``error`` broke; None if it is another kind of error."""
    if getattr(error.orig, "sqlstate", None) != _UNIQUE_VIOLATION:
        return None
    # SQLAlchemy wraps asyncpg's error, which names the constraint, in an emulated DBAPI one.
    driver = getattr(error.orig, "orig", None) or getattr(error.orig, "__cause__", None)
    name = getattr(driver, "constraint_name", None)
    return name if isinstance(name, str) else None


@asynccontextmanager
async def guarded(session: AsyncSession, *constraints: str) -> AsyncIterator[None]:
    """Run the block's writes in a SAVEPOINT, flushed before it ends.

    :raises Taken: when they break one of ``constraints`` (rolled back to the savepoint);
        any other integrity error propagates as it is.
    """
    try:
        async with session.begin_nested():
            yield
            await session.flush()
    except IntegrityError as error:
        name = violated(error)
        if name in constraints:
            raise Taken(name) from error
        raise
