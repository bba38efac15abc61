"""The audit trail (DOMAIN.md A.9): every change to persons and reference data leaves an event
with who, when, before and after, in the change's own transaction; admins read it per unit; and
nothing, TRUNCATE included, takes an event away."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE audit_event",
        "TRUNCATE plan_event",
        "TRUNCATE plan CASCADE",  # reaches plan_event through its foreign key
    ],
)
async def test_the_append_only_tables_refuse_truncate(
    session: AsyncSession, statement: str
) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        async with session.begin_nested():
            await session.execute(text(statement))
