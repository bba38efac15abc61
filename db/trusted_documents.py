"""Trusted documents: the GraphQL documents client builds registered, read by their id.

An id is the SHA-256 of its document's text (a check of migration 0024 holds every row to
it), so a row never changes once written: adding is idempotent and a reader may cache a hit
for ever. The application's role reads; only the owner (``quyhoach documents add``) writes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ARRAY, CheckConstraint, DateTime, Text, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class TrustedDocument(Base):
    """One registered document: its id, its exact text, the operations it defines."""

    __tablename__ = "trusted_document"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    operation_names: Mapped[list[str]] = mapped_column(ARRAY(Text))
    # The client or build that registered it (``--client``): who to ask before removing it.
    client: Mapped[str | None] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        CheckConstraint(
            "id = 'sha256:' || encode(sha256(convert_to(body, 'UTF8')), 'hex')",
            name="id_is_sha256_of_body",
        ),
    )


@dataclass(frozen=True, slots=True)
class NewDocument:
    id: str
    body: str
    operation_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Registered:
    id: str
    operation_names: tuple[str, ...]
    client: str | None
    added_at: datetime


async def add(
    session: AsyncSession, documents: Sequence[NewDocument], *, client: str | None
) -> set[str]:
    """Register ``documents``; return the ids that were new (the others were there already,
    and keep the client that registered them first)."""
    if not documents:
        return set()
    inserted = await session.scalars(
        insert(TrustedDocument)
        .values(
            [
                {
                    "id": d.id,
                    "body": d.body,
                    "operation_names": list(d.operation_names),
                    "client": client,
                }
                # One row per id: a build may list one document twice.
                for d in {d.id: d for d in documents}.values()
            ]
        )
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(TrustedDocument.id)
    )
    return set(inserted)


# One statement, prepared once by asyncpg: the ids as one array parameter.
_BY_IDS = text("SELECT id, body FROM trusted_document WHERE id = ANY(CAST(:ids AS text[]))")


async def bodies(session: AsyncSession, ids: Sequence[str]) -> Mapping[str, str]:
    """The texts of those of ``ids`` that are registered."""
    rows = await session.execute(_BY_IDS, {"ids": list(ids)})
    return {row.id: row.body for row in rows}


async def listed(session: AsyncSession) -> list[Registered]:
    """Every registered document, the newest first."""
    rows = await session.execute(
        select(
            TrustedDocument.id,
            TrustedDocument.operation_names,
            TrustedDocument.client,
            TrustedDocument.added_at,
        ).order_by(TrustedDocument.added_at.desc(), TrustedDocument.id)
    )
    return [
        Registered(
            id=row.id,
            operation_names=tuple(row.operation_names),
            client=row.client,
            added_at=row.added_at,
        )
        for row in rows
    ]
