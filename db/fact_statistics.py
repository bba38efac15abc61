"""Statistics as if the submitted plans were approved as they stand (the officials' view).

The rollups hold approved entries only. This view counts the approved facts of a subtree, less
those of approved plans a submitted review would supersede, plus facts built for the entries
of the submitted plans; it reads the facts themselves, so it costs in proportion to the
subtree, and answers in the same shapes as ``db.statistics`` so one caller serves both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Unit
from db.plan_models import Plan
from db.statistics import DIMENSIONS
from planning.workflow import PlanStatus

PENDING_STATUSES = (PlanStatus.SUBMITTED, PlanStatus.UNDER_APPRAISAL, PlanStatus.APPRAISED)

_FACT_TYPES = (
    "entry_id bigint, plan_id bigint, person_id bigint, unit_id bigint, unit_kind unit_kind, "
    "position_id bigint, body text, managed_by unit_kind, head boolean, age_months integer, "
    "sex text, age_band smallint, education text, theory text, grade text, ethnicity text, "
    "minority boolean, non_local boolean"
)
_FACT_COLUMNS = ", ".join(part.split()[0] for part in _FACT_TYPES.split(", "))

# Every counted fact of the subtree, with the child of the subtree's root it lies under.
_FACTS = f"""
    WITH counted AS (
        SELECT {_FACT_COLUMNS}, unit_path FROM entry_fact
        WHERE unit_path <@ text2ltree(:path) AND cycle_id = :cycle AND plan_id <> ALL(:replaced)
        UNION ALL
        SELECT {", ".join("p." + c for c in _FACT_COLUMNS.split(", "))}, u.path
        FROM jsonb_to_recordset(CAST(:pending AS jsonb)) AS p({_FACT_TYPES})
        JOIN unit u ON u.id = p.unit_id
    ), facts AS (
        SELECT counted.*, CASE WHEN nlevel(unit_path) > nlevel(text2ltree(:path))
            THEN ltree2text(subpath(unit_path, nlevel(text2ltree(:path)), 1))::bigint
            ELSE unit_id END AS child_id
        FROM counted
    )
"""


@dataclass(frozen=True, slots=True)
class Pending:
    """What the submitted plans of a subtree would change: facts added, plans replaced."""

    facts: Sequence[Mapping[str, Any]] = ()
    replaced_plans: Sequence[int] = ()


@dataclass(frozen=True, slots=True)
class LiveCells:
    """The facts of one subtree and cycle, with the submitted plans counted in."""

    unit_path: str
    cycle_id: int
    pending: Pending
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def values(self) -> dict[str, Any]:
        return {
            "path": self.unit_path,
            "cycle": self.cycle_id,
            "replaced": list(self.pending.replaced_plans),
            "pending": json.dumps([_plain(fact) for fact in self.pending.facts]),
        }


def _plain(fact: Mapping[str, Any]) -> dict[str, Any]:
    return {column: fact[column] for column in _FACT_COLUMNS.split(", ")}


async def submitted_plans(session: AsyncSession, *, unit_path: str, cycle_id: int) -> list[Plan]:
    """The plans of the subtree submitted for the cycle and not yet decided."""
    rows = await session.scalars(
        select(Plan)
        .join(Unit, Unit.id == Plan.planning_unit_id)
        .where(
            Unit.path.bool_op("<@")(func.text2ltree(unit_path)),
            Plan.cycle_id == cycle_id,
            Plan.status.in_(PENDING_STATUSES),
        )
        .order_by(Plan.id)
    )
    return list(rows)


def _filtered(scope: LiveCells) -> tuple[str, dict[str, Any]]:
    clauses, values = [], {}
    for number, (dimension, allowed) in enumerate(sorted(scope.filters.items())):
        clauses.append(f"{DIMENSIONS[dimension][0]} = ANY(:f{number})")
        values[f"f{number}"] = list(allowed)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", values


async def entry_cells(
    session: AsyncSession, *, scope: LiveCells, group_by: Sequence[str]
) -> list[tuple[tuple[str, ...], int, int]]:
    """(group values, entries, sum of ages in months) per group."""
    columns = [DIMENSIONS[d][0] for d in group_by]
    where, values = _filtered(scope)
    group = f" GROUP BY {', '.join(columns)}" if columns else ""
    rows = await session.execute(
        text(
            f"{_FACTS} SELECT {', '.join([*columns, 'count(*)', 'sum(age_months)'])} "
            f"FROM facts{where}{group}"
        ),
        {**scope.values(), **values},
    )
    return [(tuple(row[:-2]), int(row[-2] or 0), int(row[-1] or 0)) for row in rows]


async def person_cells(
    session: AsyncSession, *, scope: LiveCells, group_by: Sequence[str]
) -> list[tuple[tuple[str, ...], int, int]]:
    """(group values, distinct persons, sum of their ages) per group: each person in the cell
    of their earliest fact, as the rollups count them."""
    columns = [DIMENSIONS[d][0] for d in group_by]
    where, values = _filtered(scope)
    group = f" GROUP BY {', '.join(columns)}" if columns else ""
    rows = await session.execute(
        text(
            f"{_FACTS}, persons AS (SELECT DISTINCT ON (person_id) * FROM facts "
            "ORDER BY person_id, entry_id) "
            f"SELECT {', '.join([*columns, 'count(*)', 'sum(age_months)'])} "
            f"FROM persons{where}{group}"
        ),
        {**scope.values(), **values},
    )
    return [(tuple(row[:-2]), int(row[-2] or 0), int(row[-1] or 0)) for row in rows]


async def titles_per_unit(session: AsyncSession, *, scope: LiveCells) -> list[tuple[int, int, int]]:
    """(planning unit, position, entries) for every planning unit of the subtree."""
    rows = await session.execute(
        text(f"{_FACTS} SELECT unit_id, position_id, count(*) FROM facts GROUP BY 1, 2"),
        scope.values(),
    )
    return [(int(a), int(p), int(n)) for a, p, n in rows]
