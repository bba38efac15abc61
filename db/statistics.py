"""Reading the rollups: cells of one unit and cycle, grouped by the dimensions asked for.

Every read is one statement on the rows of one ancestor unit, whatever the size of its subtree
(db/rollup_sql.py): the rollups with the child dimension only when a statistic is grouped or
filtered by child unit, those without it otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# Column of each dimension, and whether it describes the person (persons can be counted by it)
# or the entry (a person planned for two positions is two entries there).
DIMENSIONS: Mapping[str, tuple[str, bool]] = {
    "GENDER": ("sex", True),
    "AGE_BAND": ("age_band::text", True),
    "EDUCATION": ("education", True),
    "POLITICAL_THEORY": ("theory", True),
    "GRADE": ("grade", True),
    "ETHNICITY": ("ethnicity", True),
    "MINORITY": ("minority::text", True),
    "NON_LOCAL": ("non_local::text", True),
    "CHILD_UNIT": ("child_id::text", True),
    "UNIT_KIND": ("unit_kind::text", True),
    "POSITION": ("position_id::text", False),
    "POSITION_BODY": ("body", False),
    "MANAGING_LEVEL": ("managed_by::text", False),
    "HEAD": ("head::text", False),
}


def filter_clauses(filters: Mapping[str, Sequence[str]]) -> tuple[str, dict[str, Any]]:
    """`` AND column = ANY(…)`` for each filtered dimension, and the values they bind."""
    clauses, values = [], {}
    for number, (dimension, allowed) in enumerate(sorted(filters.items())):
        clauses.append(f"{DIMENSIONS[dimension][0]} = ANY(:f{number})")
        values[f"f{number}"] = list(allowed)
    return "".join(f" AND {c}" for c in clauses), values


def _rollup(table: str, scope: Cells, group_by: Sequence[str]) -> str:
    """``table`` when the child unit matters, else its smaller total (the child summed out)."""
    by_child = "CHILD_UNIT" in group_by or "CHILD_UNIT" in scope.filters
    return table if by_child else f"{table}_total"


@dataclass(frozen=True, slots=True)
class Cells:
    """Which rollup cells a statistic reads: one ancestor unit, one cycle, value filters."""

    unit_id: int
    cycle_id: int
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)


async def entry_cells(
    session: AsyncSession, *, scope: Cells, group_by: Sequence[str]
) -> list[tuple[tuple[str, ...], int, int]]:
    """(group values, entries, sum of ages in months) per group."""
    columns = [DIMENSIONS[d][0] for d in group_by]
    where, values = filter_clauses(scope.filters)
    unit_id, cycle_id = scope.unit_id, scope.cycle_id
    select_list = ", ".join([*columns, "sum(entries)", "sum(age_months_sum)"])
    group = f" GROUP BY {', '.join(columns)}" if columns else ""
    rows = await session.execute(
        text(
            f"SELECT {select_list} FROM {_rollup('rollup_entry', scope, group_by)} "
            f"WHERE ancestor_id = :u AND cycle_id = :c{where}{group}"
        ),
        {"u": unit_id, "c": cycle_id, **values},
    )
    return [(tuple(row[:-2]), int(row[-2] or 0), int(row[-1] or 0)) for row in rows]


async def person_cells(
    session: AsyncSession, *, scope: Cells, group_by: Sequence[str]
) -> list[tuple[tuple[str, ...], int, int]]:
    """(group values, distinct persons, sum of their ages in months) per group."""
    columns = [DIMENSIONS[d][0] for d in group_by]
    where, values = filter_clauses(scope.filters)
    unit_id, cycle_id = scope.unit_id, scope.cycle_id
    select_list = ", ".join([*columns, "sum(persons)", "sum(age_months_sum)"])
    group = f" GROUP BY {', '.join(columns)}" if columns else ""
    rows = await session.execute(
        text(
            f"SELECT {select_list} FROM {_rollup('rollup_person', scope, group_by)} "
            f"WHERE ancestor_id = :u AND cycle_id = :c{where}{group}"
        ),
        {"u": unit_id, "c": cycle_id, **values},
    )
    return [(tuple(row[:-2]), int(row[-2] or 0), int(row[-1] or 0)) for row in rows]


async def title_histogram(
    session: AsyncSession, *, unit_id: int, cycle_id: int
) -> list[tuple[int, int, int]]:
    """(planning units, position, entries): how many planning units of the unit's subtree (it
    included) have exactly ``entries`` approved entries for each position. What the quota
    indicators need, in a few hundred rows even at the national root."""
    rows = await session.execute(
        text(
            "SELECT units, position_id, entries FROM rollup_title "
            "WHERE ancestor_id = :u AND cycle_id = :c ORDER BY position_id, entries"
        ),
        {"u": unit_id, "c": cycle_id},
    )
    return [(int(u), int(p), int(n)) for u, p, n in rows]
