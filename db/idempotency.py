"""Idempotency keys: a retried mutation gets its first answer back instead of acting twice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, LargeBinary, Text, select, text, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class IdempotencyKey(Base):
    __tablename__ = "idempotency_key"

    principal: Mapped[str] = mapped_column(Text, primary_key=True)
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    operation: Mapped[str] = mapped_column(Text)
    input_hash: Mapped[bytes] = mapped_column(LargeBinary)
    response: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


async def claim(
    session: AsyncSession,
    *,
    principal: str,
    key: str,
    operation: str,
    input_hash: bytes,
    now: datetime,
) -> IdempotencyKey | None:
    """Reserve the key in this transaction; return the earlier use if it exists.

    A concurrent request with the same key waits on the primary key until the first commits
    (then sees its answer) or rolls back (then this one proceeds).
    """
    inserted = await session.execute(
        insert(IdempotencyKey)
        .values(
            principal=principal,
            key=key,
            operation=operation,
            input_hash=input_hash,
            response={},
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["principal", "key"])
        .returning(text("1"))
    )
    if inserted.first() is not None:
        return None
    return await session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.principal == principal, IdempotencyKey.key == key
        )
    )


async def record(
    session: AsyncSession, *, principal: str, key: str, response: dict[str, Any]
) -> None:
    await session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.principal == principal, IdempotencyKey.key == key)
        .values(response=response)
    )
