"""Reference data of plans (positions, cycles, holidays): loaded idempotently from data files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.plan_models import Cycle, Holiday, Position
from planning.units import UnitKind


def _day(raw: str | None) -> date | None:
    return date.fromisoformat(raw) if raw else None


async def load_reference(
    session: AsyncSession,
    *,
    positions: Mapping[str, Any],
    cycles: Mapping[str, Any],
    holidays: Mapping[str, Any],
) -> int:
    """Add whatever of the reference data is missing; return how many rows were added."""
    added = 0
    for catalogue in positions["catalogues"]:
        kind, managed_by = UnitKind(catalogue["unit_kind"]), UnitKind(catalogue["managed_by"])
        valid_from, valid_to = _day(catalogue.get("valid_from")), _day(catalogue.get("valid_to"))
        for item in catalogue["positions"]:
            exists = await session.scalar(
                select(Position.id).where(
                    Position.unit_kind == kind,
                    Position.code == item["code"],
                    Position.managed_by == managed_by,
                    Position.valid_from.is_not_distinct_from(valid_from),
                )
            )
            if exists is None:
                session.add(
                    Position(
                        unit_kind=kind,
                        code=item["code"],
                        title=item["title"],
                        body=item["body"],
                        rank=item.get("rank"),
                        seats=item["seats"],
                        committee_seat=item.get("committee_seat", False),
                        managed_by=managed_by,
                        valid_from=valid_from,
                        valid_to=valid_to,
                        political_theory_required=item.get("political_theory_required"),
                    )
                )
                added += 1
    for cycle in cycles["cycles"]:
        result = await session.execute(
            insert(Cycle)
            .values(
                code=cycle["code"],
                party_term_start=cycle["party_term"][0],
                party_term_end=cycle["party_term"][1],
                state_term_start=cycle["state_term"][0],
                state_term_end=cycle["state_term"][1],
                reference_months=cycle["reference_months"],
            )
            .on_conflict_do_nothing(index_elements=["code"])
        )
        added += result.rowcount or 0  # type: ignore[attr-defined]
    days: Sequence[Sequence[str]] = holidays["holidays"]
    for day, name in days:
        result = await session.execute(
            insert(Holiday)
            .values(day=date.fromisoformat(day), name=name)
            .on_conflict_do_nothing(index_elements=["day"])
        )
        added += result.rowcount or 0  # type: ignore[attr-defined]
    await session.flush()
    return added
