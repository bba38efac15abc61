"""Reference data of plans (positions, cycles, holidays, province targets and overrides):
loaded idempotently from data files, and edited by admins."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.plan_models import Cycle, Holiday, Position, PositionOverride, TargetOverride
from planning.calendar import DayKind
from planning.rulesets import Indicator, RuleSet, with_province_targets
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
    # The government's decisions of the year only: the statutory days are computed
    # (db/calendar.py). A day an admin has decided since is left as decided.
    days: Sequence[Mapping[str, str]] = holidays["days"]
    for day in days:
        result = await session.execute(
            insert(Holiday)
            .values(day=date.fromisoformat(day["day"]), kind=DayKind(day["kind"]), name=day["name"])
            .on_conflict_do_nothing(index_elements=["day"])
        )
        added += result.rowcount or 0  # type: ignore[attr-defined]
    await session.flush()
    return added


async def set_override(session: AsyncSession, /, **values: Any) -> None:
    await session.execute(
        insert(PositionOverride)
        .values(**values)
        .on_conflict_do_update(
            index_elements=["position_id", "province_id"],
            set_={k: v for k, v in values.items() if k not in ("position_id", "province_id")},
        )
    )


async def province_targets(
    session: AsyncSession, *, province_id: int, rule_set: str
) -> dict[str, tuple[Decimal, int | None]]:
    rows = await session.scalars(
        select(TargetOverride).where(
            TargetOverride.province_id == province_id, TargetOverride.rule_set == rule_set
        )
    )
    return {row.indicator: (row.at_least, row.young_under) for row in rows}


async def as_applied(session: AsyncSession, rules: RuleSet, *, province_id: int | None) -> RuleSet:
    """The rule set as a province applies it: its own targets replace the shipped ones
    (DOMAIN.md A.1). Without a province (the national root), the shipped rule set."""
    if province_id is None:
        return rules
    own = await province_targets(session, province_id=province_id, rule_set=rules.code)
    return _applied(rules, own)


async def as_applied_under(
    session: AsyncSession, rules: RuleSet, *, unit_paths: Collection[str]
) -> dict[str, RuleSet]:
    """``rules`` as applied in the province of each unit path, in one statement: overrides are
    only ever set on provinces, so those of a unit's ancestors are its province's."""
    ancestors = {int(part) for path in unit_paths for part in path.split(".")}
    rows = await session.scalars(
        select(TargetOverride).where(
            TargetOverride.province_id.in_(ancestors), TargetOverride.rule_set == rules.code
        )
    )
    own: dict[int, dict[str, tuple[Decimal, int | None]]] = {}
    for row in rows:
        own.setdefault(row.province_id, {})[row.indicator] = (row.at_least, row.young_under)
    applied = {}
    for path in unit_paths:
        provinces = [own[int(part)] for part in path.split(".") if int(part) in own]
        applied[path] = _applied(rules, provinces[0]) if provinces else rules
    return applied


def _applied(rules: RuleSet, own: Mapping[str, tuple[Decimal, int | None]]) -> RuleSet:
    return with_province_targets(
        rules, {Indicator(k): (Fraction(str(v)), young) for k, (v, young) in own.items()}
    )


async def set_target(session: AsyncSession, /, **values: Any) -> None:
    keys = ("province_id", "rule_set", "indicator")
    await session.execute(
        insert(TargetOverride)
        .values(**values)
        .on_conflict_do_update(
            index_elements=list(keys), set_={k: v for k, v in values.items() if k not in keys}
        )
    )


async def set_cycle(session: AsyncSession, /, **values: Any) -> None:
    await session.execute(
        insert(Cycle)
        .values(**values)
        .on_conflict_do_update(
            index_elements=["code"], set_={k: v for k, v in values.items() if k != "code"}
        )
    )
