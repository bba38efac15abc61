"""Statistics read from the facts themselves, for what the rollups do not hold.

The rollups hold what is approved now. Two views need more: the figures as they stood at the
end of a past day (from ``entry_fact_history``), and the officials' view that counts the
submitted plans as if approved as they stand (the approved facts, less those of plans a
submitted review would supersede, plus facts built for the submitted entries). Both read the
facts of the subtree, so they cost in proportion to it, and answer in the same shapes as
``db.statistics`` so one caller serves all three.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import child_under
from db.fact_tables import entry_fact
from db.models import Unit
from db.plan_models import Plan
from db.statistics import dimension_sql, filter_clauses
from planning.facts import FACT_FIELDS, Fact
from planning.lifecycle import PENDING_PLAN_STATUSES

# A fact's columns, and their SQL types for reading facts built in Python (jsonb_to_recordset).
_FACT_COLUMNS = ", ".join(FACT_FIELDS)
_POSTGRESQL = PGDialect()  # type: ignore[no-untyped-call]  # SQLAlchemy leaves it unannotated
_FACT_TYPES = ", ".join(
    f"{column} {entry_fact.c[column].type.compile(dialect=_POSTGRESQL)}" for column in FACT_FIELDS
)

_APPROVED_NOW = """
    SELECT {columns}, unit_path FROM entry_fact
    WHERE unit_path <@ text2ltree(:path) AND cycle_id = :cycle AND plan_id <> ALL(:replaced)
"""
# A fact counts from the commit that approved its plan until the one that reopened or
# superseded it.
_APPROVED_THEN = """
    SELECT {columns}, unit_path FROM entry_fact_history
    WHERE unit_path <@ text2ltree(:path) AND cycle_id = :cycle
      AND counted_from < :as_of AND (counted_to IS NULL OR counted_to >= :as_of)
"""
# Every counted fact of the subtree, with the child of the subtree's root it lies under.
_FACTS = f"""
    WITH counted AS (
        {{approved}}
        UNION ALL
        SELECT {", ".join("p." + c for c in FACT_FIELDS)}, u.path
        FROM jsonb_to_recordset(CAST(:pending AS jsonb)) AS p({_FACT_TYPES})
        JOIN unit u ON u.id = p.unit_id
    ), facts AS (
        SELECT counted.*, {child_under("unit_path", "text2ltree(:path)", "unit_id")} AS child_id
        FROM counted
    )
"""


@dataclass(frozen=True, slots=True)
class Pending:
    """What the submitted plans of a subtree would change: facts added, plans replaced."""

    facts: Sequence[Fact] = ()
    replaced_plans: Sequence[int] = ()


@dataclass(frozen=True, slots=True)
class FactCells:
    """The facts of one subtree and cycle: approved at the moment ``as_of`` (None: now), with
    the submitted plans of ``pending`` counted in."""

    unit_path: str
    cycle_id: int
    pending: Pending | None = None
    as_of: datetime | None = None
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def facts(self) -> str:
        """The WITH clause naming the counted facts ``facts``."""
        approved = _APPROVED_NOW if self.as_of is None else _APPROVED_THEN
        return _FACTS.format(approved=approved.format(columns=_FACT_COLUMNS))

    def values(self) -> dict[str, Any]:
        pending = self.pending or Pending()
        values = {
            "path": self.unit_path,
            "cycle": self.cycle_id,
            "pending": json.dumps([_plain(fact) for fact in pending.facts]),
        }
        if self.as_of is None:
            return {**values, "replaced": list(pending.replaced_plans)}
        return {**values, "as_of": self.as_of}


def _plain(fact: Fact) -> dict[str, Any]:
    return {column: getattr(fact, column) for column in FACT_FIELDS}


async def submitted_plans(session: AsyncSession, *, unit_path: str, cycle_id: int) -> list[Plan]:
    """The plans of the subtree submitted for the cycle and not yet decided."""
    rows = await session.scalars(
        select(Plan)
        .join(Unit, Unit.id == Plan.planning_unit_id)
        .where(
            Unit.path.bool_op("<@")(func.text2ltree(unit_path)),
            Plan.cycle_id == cycle_id,
            Plan.status.in_(PENDING_PLAN_STATUSES),
        )
        .order_by(Plan.id)
    )
    return list(rows)


async def entry_cells(
    session: AsyncSession, *, scope: FactCells, group_by: Sequence[str]
) -> list[tuple[tuple[str, ...], int, int]]:
    """(group values, entries, sum of ages in months) per group."""
    columns = [dimension_sql(d) for d in group_by]
    where, values = filter_clauses(scope.filters)
    group = f" GROUP BY {', '.join(columns)}" if columns else ""
    rows = await session.execute(
        text(
            f"{scope.facts()} SELECT {', '.join([*columns, 'count(*)', 'sum(age_months)'])} "
            f"FROM facts WHERE TRUE{where}{group}"
        ),
        {**scope.values(), **values},
    )
    return [(tuple(row[:-2]), int(row[-2] or 0), int(row[-1] or 0)) for row in rows]


async def person_cells(
    session: AsyncSession, *, scope: FactCells, group_by: Sequence[str]
) -> list[tuple[tuple[str, ...], int, int]]:
    """(group values, distinct persons, sum of their ages) per group: each person in the cell
    of their earliest fact, as the rollups count them."""
    columns = [dimension_sql(d) for d in group_by]
    where, values = filter_clauses(scope.filters)
    group = f" GROUP BY {', '.join(columns)}" if columns else ""
    rows = await session.execute(
        text(
            f"{scope.facts()}, persons AS (SELECT DISTINCT ON (person_id) * FROM facts "
            "ORDER BY person_id, entry_id) "
            f"SELECT {', '.join([*columns, 'count(*)', 'sum(age_months)'])} "
            f"FROM persons WHERE TRUE{where}{group}"
        ),
        {**scope.values(), **values},
    )
    return [(tuple(row[:-2]), int(row[-2] or 0), int(row[-1] or 0)) for row in rows]


async def title_histogram(session: AsyncSession, *, scope: FactCells) -> list[tuple[int, int, int]]:
    """(planning units, position, entries): how many planning units of the subtree hold
    exactly ``entries`` entries for the position (as ``db.statistics.title_histogram``)."""
    rows = await session.execute(
        text(
            f"{scope.facts()}, per_unit AS (SELECT position_id, count(*) AS n FROM facts "
            "GROUP BY unit_id, position_id) "
            "SELECT count(*), position_id, n FROM per_unit GROUP BY position_id, n"
        ),
        scope.values(),
    )
    return [(int(u), int(p), int(n)) for u, p, n in rows]
