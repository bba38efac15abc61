"""Removal proposals (đề nghị đưa ra khỏi quy hoạch, migration 0016): raised on the entries of
a person when a discipline is recorded (planning/removals.py decides which), carried into the
unit's next review as removals, settled by the approval that takes the entries out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Identity,
    Index,
    Text,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.plan_models import Plan, PlanEntry, Timestamp
from planning.lifecycle import LIVE_PLAN_STATUSES
from planning.removals import HeldEntry, Proposal


class RemovalProposal(Base):
    """A proposal to take an entry out of planning (DOMAIN.md §6.4), open until settled."""

    __tablename__ = "removal_proposal"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    entry_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("plan_entry.id"), index=True)
    rule: Mapped[str] = mapped_column(Text)
    # The discipline, as recorded when the proposal was raised (records are rewritten whole).
    discipline_form: Mapped[str] = mapped_column(Text)
    discipline_decided_on: Mapped[date] = mapped_column(Date)
    raised_at: Mapped[datetime] = mapped_column(Timestamp)
    raised_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_user.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(Timestamp)
    resolved_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_user.id"))
    # The approval that settled it.
    resolved_by_plan_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("plan.id"))

    __table_args__ = (
        CheckConstraint("rule IN ('R1')", name="rule"),
        CheckConstraint(
            "(resolved_at IS NULL) = (resolved_by_plan_id IS NULL)", name="resolved_by_a_plan"
        ),
        # One open proposal per entry and rule.
        Index(
            "ux_removal_proposal_open",
            "entry_id",
            "rule",
            unique=True,
            postgresql_where=text("resolved_at IS NULL"),
        ),
    )


async def held_entries(session: AsyncSession, *, person_id: int) -> list[HeldEntry]:
    """The person's entries in live plans, with whether a proposal is open on each."""
    open_ = (
        select(RemovalProposal.id)
        .where(RemovalProposal.entry_id == PlanEntry.id, RemovalProposal.resolved_at.is_(None))
        .exists()
    )
    rows = await session.execute(
        select(
            PlanEntry.id, PlanEntry.plan_id, Plan.status, PlanEntry.status, PlanEntry.change, open_
        )
        .join(Plan, Plan.id == PlanEntry.plan_id)
        .where(PlanEntry.person_id == person_id, Plan.status.in_(LIVE_PLAN_STATUSES))
        .order_by(PlanEntry.id)
    )
    return [HeldEntry(*row) for row in rows]


async def add(
    session: AsyncSession, proposals: Sequence[Proposal], *, at: datetime, by: int | None
) -> None:
    session.add_all(
        RemovalProposal(
            entry_id=p.entry_id,
            rule=p.rule,
            discipline_form=p.discipline.form.value,
            discipline_decided_on=p.discipline.decided_on,
            raised_at=at,
            raised_by=by,
        )
        for p in proposals
    )
    await session.flush()


async def open_of_entries(
    session: AsyncSession, entry_ids: Sequence[int]
) -> dict[int, RemovalProposal]:
    rows = await session.scalars(
        select(RemovalProposal).where(
            RemovalProposal.entry_id.in_(entry_ids), RemovalProposal.resolved_at.is_(None)
        )
    )
    return {row.entry_id: row for row in rows}


async def open_of_plans(
    session: AsyncSession, plan_ids: Sequence[int]
) -> dict[int, list[RemovalProposal]]:
    """The open proposals on each plan's entries, oldest first."""
    rows = await session.execute(
        select(PlanEntry.plan_id, RemovalProposal)
        .join(PlanEntry, PlanEntry.id == RemovalProposal.entry_id)
        .where(PlanEntry.plan_id.in_(plan_ids), RemovalProposal.resolved_at.is_(None))
        .order_by(RemovalProposal.id)
    )
    found: dict[int, list[RemovalProposal]] = {plan_id: [] for plan_id in plan_ids}
    for plan_id, proposal in rows:
        found[plan_id].append(proposal)
    return found


async def settle(
    session: AsyncSession,
    *,
    entry_ids: Sequence[int],
    of_plan: int | None,
    by_plan: int,
    at: datetime,
    by: int | None,
) -> list[RemovalProposal]:
    """Settle the open proposals on ``entry_ids`` and on every entry of ``of_plan`` (a plan
    the approval supersedes); return them."""
    owned = select(PlanEntry.id).where(PlanEntry.plan_id == of_plan)
    rows = list(
        await session.scalars(
            select(RemovalProposal)
            .where(
                RemovalProposal.resolved_at.is_(None),
                RemovalProposal.entry_id.in_(entry_ids) | RemovalProposal.entry_id.in_(owned),
            )
            .order_by(RemovalProposal.id)
            .with_for_update()
        )
    )
    for row in rows:
        row.resolved_at, row.resolved_by, row.resolved_by_plan_id = at, by, by_plan
    await session.flush()
    return rows
