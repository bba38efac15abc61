"""Statistics read from the facts themselves, for what the rollups do not hold.

The rollups hold what is approved now. Two views need more: the figures as they stood at the
end of a past day (from ``entry_fact_history``), and the officials' view that counts the
submitted plans as if approved as they stand (the approved facts, less those of plans a
submitted review would supersede, plus facts built for the submitted entries). Both read the
facts of the subtree and of the predecessor subtrees it reads through lineage, as the rollups
count them (a successor, on a day before it existed, reads what its predecessors had
approved by then), so they cost in proportion to them, and answer in the same shapes as
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
_FACT_COLUMNS = ", ".join(f"f.{column}" for column in FACT_FIELDS)
_POSTGRESQL = PGDialect()  # type: ignore[no-untyped-call]  # SQLAlchemy leaves it unannotated
_FACT_TYPES = ", ".join(
    f"{column} {entry_fact.c[column].type.compile(dialect=_POSTGRESQL)}" for column in FACT_FIELDS
)

# The predecessor roots the unit at :path reads through lineage (``unit_inherited``), while its
# inheritance of the cycle lasts ({ended}: its consolidation approved by then), as the rollups
# count them (db/rollup_sql.py ``counted_under``).
_READS = """
    SELECT i.root_id, i.root_path FROM unit_inherited i JOIN unit u ON u.id = i.unit_id
    WHERE u.path = text2ltree(:path) AND NOT EXISTS (
        SELECT FROM inheritance_ended e
        WHERE e.unit_id = i.unit_id AND e.cycle_id = :cycle{ended})
"""
_OWN_CHILD = child_under("f.unit_path", "text2ltree(:path)", "f.unit_id")
# The facts of the subtree, with the child of its root each lies under, and those it reads
# through lineage, with the predecessor root they are read through as their child.
_APPROVED = f"""
    SELECT {{columns}}, f.unit_path, {_OWN_CHILD} AS child_id FROM {{table}} f
    WHERE f.unit_path <@ text2ltree(:path) AND f.cycle_id = :cycle{{counted}}
    UNION ALL
    SELECT {{columns}}, f.unit_path, r.root_id FROM ({_READS}) r
    JOIN {{table}} f ON f.unit_path <@ r.root_path
    WHERE f.cycle_id = :cycle{{counted}}
"""
_APPROVED_NOW = _APPROVED.format(
    columns="{columns}",
    table="entry_fact",
    counted=" AND f.plan_id <> ALL(:replaced) AND f.entry_id <> ALL(:replaced_entries)",
    ended="",
)
# A fact counts from the commit that approved its plan until the one that reopened or
# superseded it; an inheritance until the commit that ended it.
_APPROVED_THEN = _APPROVED.format(
    columns="{columns}",
    table="entry_fact_history",
    counted=" AND f.counted_from < :as_of AND (f.counted_to IS NULL OR f.counted_to >= :as_of)",
    ended=" AND e.at < :as_of",
)
# Every counted fact, with its child (submitted plans are those of the subtree itself).
_FACTS = f"""
    WITH facts AS (
        {{approved}}
        UNION ALL
        SELECT {", ".join("p." + c for c in FACT_FIELDS)}, u.path,
               {child_under("u.path", "text2ltree(:path)", "p.unit_id")}
        FROM jsonb_to_recordset(CAST(:pending AS jsonb)) AS p({_FACT_TYPES})
        JOIN unit u ON u.id = p.unit_id
    )
"""


@dataclass(frozen=True, slots=True)
class Pending:
    """What the submitted plans of a subtree would change: facts added, plans replaced."""

    facts: Sequence[Fact] = ()
    replaced_plans: Sequence[int] = ()
    replaced_entries: Sequence[int] = ()  # a consolidation's, kept from a split predecessor


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
            return {
                **values,
                "replaced": list(pending.replaced_plans),
                "replaced_entries": list(pending.replaced_entries),
            }
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
