"""The SQL of the rollups kept in db/rollups.py: one definition of each kind of rollup row,
used alike by the updates an approval makes, by the recomputation they are compared with, and
by the rebuild.

Every rollup is counted per ancestor unit (every unit on a fact's path, itself included) and
cycle:

- ``rollup_entry``: entries per cell, the cell including the child of the ancestor the fact lies
  under (``child_id``, the ancestor itself for its own facts), for statistics by child unit;
- ``rollup_entry_total``: the same with the child summed out, which is what every other
  statistic reads: its cells per ancestor are bounded by the combinations of the attributes,
  not by the size of the subtree (~15,000 at the national root against ~150,000);
- ``rollup_member``: where each person counts (once per ancestor, in the cell of their earliest
  fact there), from which ``rollup_person`` and ``rollup_person_total`` count persons;
- ``rollup_title``: how many planning units of the subtree have exactly ``entries`` entries for
  a position: the quota indicators read a few hundred rows instead of every unit's cells.
"""

from __future__ import annotations

from dataclasses import dataclass

from planning.facts import PERSON_KEY

ENTRY_CELL = ("unit_kind", "position_id", "body", "managed_by", "head", *PERSON_KEY)
PERSON_CELL = ("unit_kind", *PERSON_KEY)


@dataclass(frozen=True, slots=True)
class Rollup:
    """An additive rollup table: per ancestor and cycle, one row per ``key``, with ``values``
    that approvals add to and reopenings subtract from."""

    table: str
    key: tuple[str, ...]
    values: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return ("ancestor_id", "cycle_id", *self.key, *self.values)

    def add(self, cells: str) -> str:
        """Add ``cells`` (a SELECT of ``columns``) to the kept rows."""
        grow = ", ".join(f"{v} = {self.table}.{v} + EXCLUDED.{v}" for v in self.values)
        return (
            f"INSERT INTO {self.table} ({', '.join(self.columns)}) {cells} "
            f"ON CONFLICT ON CONSTRAINT pk_{self.table} DO UPDATE SET {grow}"
        )

    def subtract(self, cells: str) -> str:
        """Take ``cells`` away from the kept rows (which hold them, having added them)."""
        shrink = ", ".join(f"{v} = r.{v} - c.{v}" for v in self.values)
        key = ("ancestor_id", "cycle_id", *self.key)
        return (
            f"UPDATE {self.table} r SET {shrink} FROM ({cells}) c "
            f"WHERE ({', '.join('r.' + k for k in key)}) = ({', '.join('c.' + k for k in key)})"
        )

    def prune(self) -> str:
        """Drop the rows of ``:ancestors`` that count nothing any more."""
        return (
            f"DELETE FROM {self.table} WHERE {self.values[0]} = 0 AND ancestor_id = ANY(:ancestors)"
        )

    def kept(self) -> str:
        return f"SELECT {', '.join(self.columns)} FROM {self.table}"


ENTRIES = Rollup("rollup_entry", ("child_id", *ENTRY_CELL), ("entries", "age_months_sum"))
ENTRY_TOTALS = Rollup("rollup_entry_total", ENTRY_CELL, ("entries", "age_months_sum"))
PERSONS = Rollup("rollup_person", ("child_id", *PERSON_CELL), ("persons", "age_months_sum"))
PERSON_TOTALS = Rollup("rollup_person_total", PERSON_CELL, ("persons", "age_months_sum"))
TITLES = Rollup("rollup_title", ("position_id", "entries"), ("units",))
ENTRY_ROLLUPS = (ENTRIES, ENTRY_TOTALS)
PERSON_ROLLUPS = (PERSONS, PERSON_TOTALS)

# The ancestor rows of facts, and the child of each ancestor the fact lies under.
_FACT_ANCESTORS = """
    FROM entry_fact f
    JOIN unit a ON a.path @> f.unit_path
    CROSS JOIN LATERAL (SELECT CASE WHEN nlevel(f.unit_path) > nlevel(a.path)
        THEN ltree2text(subpath(f.unit_path, nlevel(a.path), 1))::bigint ELSE a.id END
        AS child_id) c
"""


def _fact_column(column: str) -> str:
    return "c.child_id" if column == "child_id" else f"f.{column}"


def _groups(count: int) -> str:
    return ", ".join(str(n) for n in range(1, count + 1))


def fact_cells(rollup: Rollup, where: str = "") -> str:
    """The cells of an entry rollup for the facts ``where`` selects (all of them: none)."""
    key = ", ".join(_fact_column(k) for k in rollup.key)
    return f"""
    SELECT a.id AS ancestor_id, f.cycle_id, {key},
           count(*) AS entries, sum(f.age_months) AS age_months_sum
    {_FACT_ANCESTORS} {where}
    GROUP BY {_groups(2 + len(rollup.key))}
    """


MEMBER_COLUMNS = (
    "ancestor_id",
    "cycle_id",
    "person_id",
    "entries",
    "child_id",
    "age_months",
    *PERSON_CELL,
)


def member_rows(where: str = "") -> str:
    """Where the persons of the facts ``where`` selects count: once per ancestor, in the cell
    of their earliest fact there (DISTINCT ON … entry_id), so that the counts never depend on
    the order in which approvals and reopenings came."""
    person = ", ".join(f"f.{k}" for k in PERSON_CELL)
    return f"""
    SELECT DISTINCT ON (a.id, f.cycle_id, f.person_id)
           a.id AS ancestor_id, f.cycle_id, f.person_id,
           count(*) OVER (PARTITION BY a.id, f.cycle_id, f.person_id) AS entries,
           c.child_id, f.age_months, {person}
    {_FACT_ANCESTORS} {where}
    ORDER BY a.id, f.cycle_id, f.person_id, f.entry_id
    """


def member_cells(rollup: Rollup, members: str) -> str:
    """The cells of a person rollup counted from ``members`` (rows of ``member_rows``)."""
    return f"""
    SELECT ancestor_id, cycle_id, {", ".join(rollup.key)},
           count(*) AS persons, sum(age_months) AS age_months_sum
    FROM {members} GROUP BY {_groups(2 + len(rollup.key))}
    """


def title_cells(where: str = "") -> str:
    """The histogram rows of the (planning unit, cycle, position) the facts ``where`` selects."""
    return f"""
    SELECT a.id AS ancestor_id, t.cycle_id, t.position_id, t.entries, count(*) AS units
    FROM (SELECT f.unit_path, f.cycle_id, f.position_id, count(*) AS entries
          FROM entry_fact f {where}
          GROUP BY f.unit_id, f.unit_path, f.cycle_id, f.position_id) t
    JOIN unit a ON a.path @> t.unit_path
    GROUP BY 1, 2, 3, 4
    """


# The rollups as they must be, recomputed from every fact: what the kept ones are compared with
# and what a rebuild writes.
RECOMPUTED_MEMBERS = member_rows()
RECOMPUTED_ENTRIES = fact_cells(ENTRIES)
RECOMPUTED_PERSONS = member_cells(PERSONS, f"({RECOMPUTED_MEMBERS}) m")
RECOMPUTED: dict[Rollup, str] = {
    ENTRIES: RECOMPUTED_ENTRIES,
    ENTRY_TOTALS: fact_cells(ENTRY_TOTALS),
    PERSONS: RECOMPUTED_PERSONS,
    PERSON_TOTALS: member_cells(PERSON_TOTALS, f"({RECOMPUTED_MEMBERS}) m"),
    TITLES: title_cells(),
}
