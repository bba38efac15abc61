"""The SQL of the rollups kept in db/rollups.py: one definition of each kind of rollup row,
used alike by the updates an approval makes, by the recomputation they are compared with, and
by the rebuild.

Every rollup is counted per ancestor unit and cycle, the ancestors of a fact being the units it
counts under (``counted_under``, the one definition): every unit on its path, itself included,
and every unit that reads it through lineage (issue 12, figures carry over):

- ``rollup_entry``: entries per cell, the cell including the child of the ancestor the fact lies
  under (``child_id``, the ancestor itself for its own facts, the predecessor root for a fact
  read through lineage), for statistics by child unit;
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

from sqlalchemy import (
    BigInteger,
    Delete,
    Insert,
    Select,
    Table,
    Update,
    any_,
    bindparam,
    delete,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.sql.selectable import TextualSelect

from db.base import child_under
from db.fact_tables import (
    rollup_entry,
    rollup_entry_total,
    rollup_member,
    rollup_person,
    rollup_person_total,
    rollup_title,
)

# The ancestors whose emptied rows an approval or a reopening deletes.
ANCESTORS = bindparam("ancestors", type_=ARRAY(BigInteger))


@dataclass(frozen=True, slots=True)
class Rollup:
    """An additive rollup table: per ancestor and cycle, one row per ``key`` (the rest of its
    primary key), with ``values`` that approvals add to and reopenings subtract from."""

    table: Table
    values: tuple[str, ...]

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(self.table.primary_key.columns.keys()[2:])  # after ancestor_id, cycle_id

    @property
    def columns(self) -> tuple[str, ...]:
        return ("ancestor_id", "cycle_id", *self.key, *self.values)

    def cells(self, sql: str) -> TextualSelect:
        """``sql``, a SELECT of ``columns``, typed by the table's columns."""
        return text(sql).columns(*(self.table.c[c] for c in self.columns))

    def add(self, cells: str) -> Insert:
        """Add ``cells`` (a SELECT of ``columns``) to the kept rows."""
        adding = insert(self.table).from_select(self.columns, self.cells(cells))
        return adding.on_conflict_do_update(
            constraint=self.table.primary_key,
            set_={v: self.table.c[v] + adding.excluded[v] for v in self.values},
        )

    def subtract(self, cells: str) -> Update:
        """Take ``cells`` away from the kept rows (which hold them, having added them)."""
        kept, taken = self.table.c, self.cells(cells).subquery("c").c
        key = ("ancestor_id", "cycle_id", *self.key)
        return (
            update(self.table)
            .values({v: kept[v] - taken[v] for v in self.values})
            .where(tuple_(*(kept[k] for k in key)) == tuple_(*(taken[k] for k in key)))
        )

    def prune(self) -> Delete:
        """Drop the rows of ``:ancestors`` that count nothing any more."""
        kept = self.table.c
        return delete(self.table).where(
            kept[self.values[0]] == 0, kept.ancestor_id == any_(ANCESTORS)
        )

    def kept(self) -> Select[tuple[object, ...]]:
        return select(*(self.table.c[c] for c in self.columns))


ENTRIES = Rollup(rollup_entry, ("entries", "age_months_sum"))
ENTRY_TOTALS = Rollup(rollup_entry_total, ("entries", "age_months_sum"))
PERSONS = Rollup(rollup_person, ("persons", "age_months_sum"))
PERSON_TOTALS = Rollup(rollup_person_total, ("persons", "age_months_sum"))
TITLES = Rollup(rollup_title, ("units",))
ENTRY_ROLLUPS = (ENTRIES, ENTRY_TOTALS)
PERSON_ROLLUPS = (PERSONS, PERSON_TOTALS)
# The cells without the child: the person's within an entry's.
PERSON_CELL = PERSON_TOTALS.key


def counted_under(rows: str) -> str:
    """The units the rows ``rows`` names (facts, or anything with their ``unit_path`` and
    ``cycle_id``) count under, as ``a (id, child_id)``: the one definition the kept rollups,
    their recomputation and the rebuild share.

    - Every unit on the fact's path (itself included), the child being the one of that unit
      the fact lies under (the unit itself for its own facts).
    - Every unit that reads the fact's unit through lineage (``unit_inherited``: the minimal
      predecessor roots a unit reads, never inside its own subtree, so that a fact and a unit
      meet at most once), until that unit's inheritance of the cycle ended (its consolidation
      was approved, ``inheritance_ended``). The child is the predecessor root the fact is read
      through: "carried over from the old X" is a group of its own in statistics by child unit.
    """
    return f"""
    CROSS JOIN LATERAL (
        SELECT u.id, {child_under(f"{rows}.unit_path", "u.path", "u.id")} AS child_id
        FROM unit u WHERE u.path @> {rows}.unit_path
        UNION ALL
        SELECT i.unit_id, i.root_id FROM unit_inherited i
        WHERE i.root_path @> {rows}.unit_path
          AND NOT EXISTS (SELECT FROM inheritance_ended e
                          WHERE e.unit_id = i.unit_id AND e.cycle_id = {rows}.cycle_id)
    ) a
    """


def _fact_ancestors(where: str, under: str = "") -> str:
    """The facts ``where`` selects, each with the units it counts under (``a``; those ``under``
    selects among them, a condition on ``a.id``: all of them when empty). The units are
    found once per planning unit and cycle, not once per fact: a national rebuild joins
    ~15,000 of them to ~550,000 facts instead of probing the tree for each fact (``OFFSET 0``
    keeps PostgreSQL from flattening it back into a probe per fact)."""
    return f"""
    FROM entry_fact f
    JOIN (SELECT p.unit_path, p.cycle_id, a.id, a.child_id
          FROM (SELECT DISTINCT f.unit_path, f.cycle_id FROM entry_fact f {where}) p
          {counted_under("p")}
          {f"WHERE {under}" if under else ""}
          OFFSET 0) a
      ON a.unit_path = f.unit_path AND a.cycle_id = f.cycle_id
    {where}
    """


def _fact_column(column: str) -> str:
    return "a.child_id" if column == "child_id" else f"f.{column}"


def _groups(count: int) -> str:
    return ", ".join(str(n) for n in range(1, count + 1))


def fact_cells(rollup: Rollup, where: str = "", under: str = "") -> str:
    """The cells of an entry rollup for the facts ``where`` selects (all of them: none), under
    the units ``under`` selects (all of them: none)."""
    key = ", ".join(_fact_column(k) for k in rollup.key)
    return f"""
    SELECT a.id AS ancestor_id, f.cycle_id, {key},
           count(*) AS entries, sum(f.age_months) AS age_months_sum
    {_fact_ancestors(where, under)}
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


def members(sql: str) -> TextualSelect:
    """``sql``, a SELECT of ``MEMBER_COLUMNS`` (``member_rows``), typed by ``rollup_member``."""
    return text(sql).columns(*(rollup_member.c[c] for c in MEMBER_COLUMNS))


def member_rows(where: str = "", under: str = "") -> str:
    """Where the persons of the facts ``where`` selects count: once per ancestor, in the cell
    of their earliest fact there (DISTINCT ON … entry_id), so that the counts never depend on
    the order in which approvals and reopenings came."""
    person = ", ".join(f"f.{k}" for k in PERSON_CELL)
    return f"""
    SELECT DISTINCT ON (a.id, f.cycle_id, f.person_id)
           a.id AS ancestor_id, f.cycle_id, f.person_id,
           count(*) OVER (PARTITION BY a.id, f.cycle_id, f.person_id) AS entries,
           a.child_id, f.age_months, {person}
    {_fact_ancestors(where, under)}
    ORDER BY a.id, f.cycle_id, f.person_id, f.entry_id
    """


def member_cells(rollup: Rollup, members: str) -> str:
    """The cells of a person rollup counted from ``members`` (rows of ``member_rows``)."""
    return f"""
    SELECT ancestor_id, cycle_id, {", ".join(rollup.key)},
           count(*) AS persons, sum(age_months) AS age_months_sum
    FROM {members} GROUP BY {_groups(2 + len(rollup.key))}
    """


def title_cells(where: str = "", under: str = "") -> str:
    """The histogram rows of the (planning unit, cycle, position) the facts ``where`` selects,
    of the units ``under`` selects (all of them: none)."""
    return f"""
    SELECT a.id AS ancestor_id, t.cycle_id, t.position_id, t.entries, count(*) AS units
    FROM (SELECT f.unit_path, f.cycle_id, f.position_id, count(*) AS entries
          FROM entry_fact f {where}
          GROUP BY f.unit_id, f.unit_path, f.cycle_id, f.position_id) t
    {counted_under("t")}
    {f"WHERE {under}" if under else ""}
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
