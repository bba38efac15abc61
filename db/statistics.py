"""Reading the rollups: cells of one unit and cycle, grouped by the dimensions asked for.

Every read is one statement on the rows of one ancestor unit, whatever the size of its subtree
(db/rollup_sql.py): the rollups with the child dimension only when a statistic is grouped or
filtered by child unit, those without it otherwise.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Table, Text, any_, bindparam, cast, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from db.fact_tables import (
    rollup_entry,
    rollup_entry_total,
    rollup_person,
    rollup_person_total,
    rollup_title,
)
from db.reader import Reader, compiled

# Column of each dimension, and whether it describes the person (persons can be counted by it)
# or the entry (a person planned for two positions is two entries there).
DIMENSIONS: Mapping[str, tuple[str, bool]] = {
    "GENDER": ("sex", True),
    "AGE_BAND": ("age_band", True),
    "EDUCATION": ("education", True),
    "POLITICAL_THEORY": ("theory", True),
    "GRADE": ("grade", True),
    "ETHNICITY": ("ethnicity", True),
    "MINORITY": ("minority", True),
    "NON_LOCAL": ("non_local", True),
    "SCI_TECH": ("sci_tech", True),
    "CHILD_UNIT": ("child_id", True),
    "UNIT_KIND": ("unit_kind", True),
    "POSITION": ("position_id", False),
    "POSITION_BODY": ("body", False),
    "MANAGING_LEVEL": ("managed_by", False),
    "HEAD": ("head", False),
}


def dimension(table: Table, name: str) -> ColumnElement[Any]:
    """The dimension's column of ``table`` as text: groups are answered and filtered as text."""
    column = table.c[DIMENSIONS[name][0]]
    return column if isinstance(column.type, Text) else cast(column, Text)


def dimension_sql(name: str) -> str:
    """The same, in SQL over a relation with the rollups' columns (the facts of a subtree)."""
    column = DIMENSIONS[name][0]
    return column if isinstance(rollup_entry.c[column].type, Text) else f"{column}::text"


def filter_clauses(filters: Mapping[str, Sequence[str]]) -> tuple[str, dict[str, Any]]:
    """`` AND column = ANY(…)`` for each filtered dimension, and the values they bind."""
    clauses, values = [], {}
    for number, (name, allowed) in enumerate(sorted(filters.items())):
        clauses.append(f"{dimension_sql(name)} = ANY(:f{number})")
        values[f"f{number}"] = list(allowed)
    return "".join(f" AND {c}" for c in clauses), values


def _filters(table: Table, filters: Mapping[str, Sequence[str]]) -> list[ColumnElement[bool]]:
    return [
        dimension(table, name) == any_(bindparam(None, list(allowed), type_=ARRAY(Text)))
        for name, allowed in sorted(filters.items())
    ]


@dataclass(frozen=True, slots=True)
class Cells:
    """Which rollup cells a statistic reads: one ancestor unit, one cycle, value filters."""

    unit_id: int
    cycle_id: int
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def rollup(self, by_child: Table, total: Table, group_by: Sequence[str]) -> Table:
        """``by_child`` when the child unit matters, else its smaller total (child summed out)."""
        return by_child if "CHILD_UNIT" in group_by or "CHILD_UNIT" in self.filters else total


@functools.cache
def _cells_sql(
    table: Table, counted: str, group_by: tuple[str, ...], filtered: tuple[str, ...]
) -> str:
    """The statement of ``_cells`` for one shape, compiled once (db/reader.py): $1 the unit,
    $2 the cycle, then one array per filtered dimension, in ``filtered`` order."""
    columns = [dimension(table, name) for name in group_by]
    statement = (
        select(*columns, func.sum(table.c[counted]), func.sum(table.c.age_months_sum))
        .where(
            table.c.ancestor_id == bindparam("unit", type_=BigInteger),
            table.c.cycle_id == bindparam("cycle", type_=BigInteger),
            *(
                dimension(table, name) == any_(bindparam(f"f{n}", type_=ARRAY(Text)))
                for n, name in enumerate(filtered)
            ),
        )
        .group_by(*columns)
    )
    return compiled(statement)


async def _cells(
    reader: Reader, table: Table, counted: str, *, scope: Cells, group_by: Sequence[str]
) -> list[tuple[tuple[str, ...], int, int]]:
    """(group values, sum of ``counted``, sum of ages in months) per group."""
    filtered = tuple(sorted(scope.filters))
    sql = _cells_sql(table, counted, tuple(group_by), filtered)
    rows = await reader.fetch(
        sql, scope.unit_id, scope.cycle_id, *(list(scope.filters[name]) for name in filtered)
    )
    return [(tuple(row[:-2]), int(row[-2] or 0), int(row[-1] or 0)) for row in rows]


async def entry_cells(
    reader: Reader, *, scope: Cells, group_by: Sequence[str]
) -> list[tuple[tuple[str, ...], int, int]]:
    """(group values, entries, sum of ages in months) per group."""
    table = scope.rollup(rollup_entry, rollup_entry_total, group_by)
    return await _cells(reader, table, "entries", scope=scope, group_by=group_by)


async def person_cells(
    reader: Reader, *, scope: Cells, group_by: Sequence[str]
) -> list[tuple[tuple[str, ...], int, int]]:
    """(group values, distinct persons, sum of their ages in months) per group."""
    table = scope.rollup(rollup_person, rollup_person_total, group_by)
    return await _cells(reader, table, "persons", scope=scope, group_by=group_by)


async def title_histogram(
    session: AsyncSession, *, unit_id: int, cycle_id: int
) -> list[tuple[int, int, int]]:
    """(planning units, position, entries): how many planning units of the unit's subtree (it
    included) have exactly ``entries`` approved entries for each position. What the quota
    indicators need, in a few hundred rows even at the national root."""
    titles = rollup_title.c
    rows = await session.execute(
        select(titles.units, titles.position_id, titles.entries)
        .where(titles.ancestor_id == unit_id, titles.cycle_id == cycle_id)
        .order_by(titles.position_id, titles.entries)
    )
    return [(int(u), int(p), int(n)) for u, p, n in rows]
