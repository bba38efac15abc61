"""Rollups of approved entries, maintained in the transaction that approves or unapproves.

``entry_fact`` holds one row per ACTIVE entry with the attributes statistics group by, as they
stood at approval. Each fact counts in ``rollup_entry`` under every unit on its path (its
ancestors, itself included), in the cell of the child of that ancestor it lies under; a person
counts once per ancestor in ``rollup_person`` (``rollup_member`` remembers where, and for how
many entries). Reading national statistics then sums a few thousand cells instead of scanning
every entry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

PERSON_KEY = "sex, age_band, education, theory, grade, ethnicity, minority, non_local"
ENTRY_KEY = f"child_id, unit_kind, position_id, body, managed_by, head, {PERSON_KEY}"

# The ancestor rows of a fact, and the child of each ancestor the fact lies under.
_ANCESTRY = """
    FROM entry_fact f
    JOIN unit a ON a.path @> f.unit_path
    CROSS JOIN LATERAL (SELECT CASE WHEN nlevel(f.unit_path) > nlevel(a.path)
        THEN ltree2text(subpath(f.unit_path, nlevel(a.path), 1))::bigint ELSE a.id END
        AS child_id) c
    WHERE f.entry_id = ANY(:ids)
"""
_FACT_PERSON = (
    "f.sex, f.age_band, f.education, f.theory, f.grade, f.ethnicity, f.minority, f.non_local"
)

ADD_ENTRY_CELLS = f"""
    INSERT INTO rollup_entry (ancestor_id, cycle_id, {ENTRY_KEY}, entries, age_months_sum)
    SELECT a.id, f.cycle_id, c.child_id, f.unit_kind, f.position_id, f.body, f.managed_by, f.head,
           {_FACT_PERSON}, count(*), sum(f.age_months)
    {_ANCESTRY}
    GROUP BY a.id, f.cycle_id, c.child_id, f.unit_kind, f.position_id, f.body, f.managed_by,
             f.head, {_FACT_PERSON}
    ON CONFLICT ON CONSTRAINT pk_rollup_entry DO UPDATE
    SET entries = rollup_entry.entries + EXCLUDED.entries,
        age_months_sum = rollup_entry.age_months_sum + EXCLUDED.age_months_sum
"""

REMOVE_ENTRY_CELLS = f"""
    UPDATE rollup_entry r
    SET entries = r.entries - p.n, age_months_sum = r.age_months_sum - p.s
    FROM (
        SELECT a.id AS ancestor_id, f.cycle_id, c.child_id, f.unit_kind, f.position_id, f.body,
               f.managed_by, f.head, {_FACT_PERSON}, count(*) AS n, sum(f.age_months) AS s
        {_ANCESTRY}
        GROUP BY a.id, f.cycle_id, c.child_id, f.unit_kind, f.position_id, f.body,
                 f.managed_by, f.head, {_FACT_PERSON}
    ) p
    WHERE (r.ancestor_id, r.cycle_id, r.child_id, r.unit_kind, r.position_id, r.body,
           r.managed_by, r.head, r.sex, r.age_band, r.education, r.theory, r.grade,
           r.ethnicity, r.minority, r.non_local)
        = (p.ancestor_id, p.cycle_id, p.child_id, p.unit_kind, p.position_id, p.body,
           p.managed_by, p.head, p.sex, p.age_band, p.education, p.theory, p.grade,
           p.ethnicity, p.minority, p.non_local)
"""

# Persons are recounted from the facts for the persons an approval or a reopening touches: each
# counts once per ancestor, in the cell of their earliest fact there (DISTINCT ON … entry_id),
# so the kept counts always equal a recomputation, whatever order changes come in.
_TOUCHED = "person_id = ANY(:persons) AND cycle_id = ANY(:cycles)"
MEMBER_CELLS = f"""
    SELECT ancestor_id, cycle_id, child_id, unit_kind, {PERSON_KEY},
           count(*) AS n, sum(age_months) AS s
    FROM rollup_member WHERE {_TOUCHED}
    GROUP BY ancestor_id, cycle_id, child_id, unit_kind, {PERSON_KEY}
"""
UNCOUNT_PERSONS = f"""
    UPDATE rollup_person r
    SET persons = r.persons - g.n, age_months_sum = r.age_months_sum - g.s
    FROM ({MEMBER_CELLS}) g
    WHERE (r.ancestor_id, r.cycle_id, r.child_id, r.unit_kind, r.sex, r.age_band, r.education,
           r.theory, r.grade, r.ethnicity, r.minority, r.non_local)
        = (g.ancestor_id, g.cycle_id, g.child_id, g.unit_kind, g.sex, g.age_band, g.education,
           g.theory, g.grade, g.ethnicity, g.minority, g.non_local)
"""
RECOUNT_MEMBERS = f"""
    INSERT INTO rollup_member (ancestor_id, cycle_id, person_id, entries, child_id, unit_kind,
                               age_months, {PERSON_KEY})
    SELECT DISTINCT ON (a.id, f.cycle_id, f.person_id)
           a.id, f.cycle_id, f.person_id,
           count(*) OVER (PARTITION BY a.id, f.cycle_id, f.person_id),
           c.child_id, f.unit_kind, f.age_months, {_FACT_PERSON}
    FROM entry_fact f
    JOIN unit a ON a.path @> f.unit_path
    CROSS JOIN LATERAL (SELECT CASE WHEN nlevel(f.unit_path) > nlevel(a.path)
        THEN ltree2text(subpath(f.unit_path, nlevel(a.path), 1))::bigint ELSE a.id END
        AS child_id) c
    WHERE f.person_id = ANY(:persons) AND f.cycle_id = ANY(:cycles)
    ORDER BY a.id, f.cycle_id, f.person_id, f.entry_id
"""
COUNT_PERSONS = f"""
    INSERT INTO rollup_person (ancestor_id, cycle_id, child_id, unit_kind, {PERSON_KEY},
                               persons, age_months_sum)
    SELECT ancestor_id, cycle_id, child_id, unit_kind, {PERSON_KEY}, n, s
    FROM ({MEMBER_CELLS}) g
    ON CONFLICT ON CONSTRAINT pk_rollup_person DO UPDATE
    SET persons = rollup_person.persons + EXCLUDED.persons,
        age_months_sum = rollup_person.age_months_sum + EXCLUDED.age_months_sum
"""


FACT_COLUMNS = (
    "entry_id",
    "plan_id",
    "cycle_id",
    "person_id",
    "unit_id",
    "unit_kind",
    "position_id",
    "body",
    "managed_by",
    "head",
    "age_months",
    "sex",
    "age_band",
    "education",
    "theory",
    "grade",
    "ethnicity",
    "minority",
    "non_local",
)
INSERT_FACT = text(
    f"INSERT INTO entry_fact ({', '.join(FACT_COLUMNS)}, unit_path) "
    f"VALUES ({', '.join(':' + c for c in FACT_COLUMNS)}, "
    "(SELECT path FROM unit WHERE id = :unit_id))"
)


async def add(session: AsyncSession, facts: Sequence[Mapping[str, Any]]) -> None:
    """Count newly approved entries (facts built by the caller) in every rollup."""
    if not facts:
        return
    await session.execute(INSERT_FACT, [dict(fact) for fact in facts])
    await session.execute(text(ADD_ENTRY_CELLS), {"ids": [fact["entry_id"] for fact in facts]})
    await _recount_persons(
        session,
        persons=sorted({fact["person_id"] for fact in facts}),
        cycles=sorted({fact["cycle_id"] for fact in facts}),
    )


async def remove(session: AsyncSession, *, plan_id: int) -> None:
    """Stop counting the approved entries of a plan (reopened, or superseded by a review)."""
    rows = (
        await session.execute(
            text("SELECT entry_id, person_id, cycle_id FROM entry_fact WHERE plan_id = :p"),
            {"p": plan_id},
        )
    ).all()
    if not rows:
        return
    ids = [row[0] for row in rows]
    await session.execute(text(REMOVE_ENTRY_CELLS), {"ids": ids})
    ancestors = await _ancestors(session, ids)
    await session.execute(
        text("DELETE FROM rollup_entry WHERE entries = 0 AND ancestor_id = ANY(:a)"),
        {"a": ancestors},
    )
    await session.execute(text("DELETE FROM entry_fact WHERE entry_id = ANY(:ids)"), {"ids": ids})
    await _recount_persons(
        session,
        persons=sorted({row[1] for row in rows}),
        cycles=sorted({row[2] for row in rows}),
    )


async def _ancestors(session: AsyncSession, entry_ids: Sequence[int]) -> list[int]:
    return list(
        await session.scalars(
            text(
                "SELECT DISTINCT a.id FROM entry_fact f JOIN unit a ON a.path @> f.unit_path "
                "WHERE f.entry_id = ANY(:ids)"
            ),
            {"ids": list(entry_ids)},
        )
    )


async def _recount_persons(
    session: AsyncSession, *, persons: Sequence[int], cycles: Sequence[int]
) -> None:
    touched = {"persons": list(persons), "cycles": list(cycles)}
    ancestors = list(
        await session.scalars(
            text(f"SELECT DISTINCT ancestor_id FROM rollup_member WHERE {_TOUCHED}"), touched
        )
    )
    await session.execute(text(UNCOUNT_PERSONS), touched)
    await session.execute(text(f"DELETE FROM rollup_member WHERE {_TOUCHED}"), touched)
    await session.execute(text(RECOUNT_MEMBERS), touched)
    await session.execute(text(COUNT_PERSONS), touched)
    await session.execute(
        text("DELETE FROM rollup_person WHERE persons = 0 AND ancestor_id = ANY(:a)"),
        {"a": ancestors},
    )


RECOMPUTED_ENTRIES = f"""
    SELECT a.id, f.cycle_id, c.child_id, f.unit_kind, f.position_id, f.body, f.managed_by,
           f.head, {_FACT_PERSON}, count(*), sum(f.age_months)
    FROM entry_fact f
    JOIN unit a ON a.path @> f.unit_path
    CROSS JOIN LATERAL (SELECT CASE WHEN nlevel(f.unit_path) > nlevel(a.path)
        THEN ltree2text(subpath(f.unit_path, nlevel(a.path), 1))::bigint ELSE a.id END
        AS child_id) c
    GROUP BY a.id, f.cycle_id, c.child_id, f.unit_kind, f.position_id, f.body, f.managed_by,
             f.head, {_FACT_PERSON}
"""
RECOMPUTED_PERSONS = f"""
    SELECT ancestor_id, cycle_id, child_id, unit_kind, {PERSON_KEY}, count(*), sum(age_months)
    FROM (
        SELECT DISTINCT ON (a.id, f.cycle_id, f.person_id)
               a.id AS ancestor_id, f.cycle_id, c.child_id, f.unit_kind, f.age_months,
               {_FACT_PERSON}
        FROM entry_fact f
        JOIN unit a ON a.path @> f.unit_path
        CROSS JOIN LATERAL (SELECT CASE WHEN nlevel(f.unit_path) > nlevel(a.path)
            THEN ltree2text(subpath(f.unit_path, nlevel(a.path), 1))::bigint ELSE a.id END
            AS child_id) c
        ORDER BY a.id, f.cycle_id, f.person_id, f.entry_id
    ) first_fact
    GROUP BY ancestor_id, cycle_id, child_id, unit_kind, {PERSON_KEY}
"""


async def compare_with_recomputation(session: AsyncSession) -> tuple[int, int]:
    """Rows that differ between the kept rollups and a recomputation from the facts."""
    kept_entries = set(
        await session.execute(
            text(
                f"SELECT ancestor_id, cycle_id, {ENTRY_KEY}, entries, age_months_sum "
                "FROM rollup_entry"
            )
        )
    )
    kept_persons = set(
        await session.execute(
            text(
                f"SELECT ancestor_id, cycle_id, child_id, unit_kind, {PERSON_KEY}, persons, "
                "age_months_sum FROM rollup_person"
            )
        )
    )
    fresh_entries = set(await session.execute(text(RECOMPUTED_ENTRIES)))
    fresh_persons = set(await session.execute(text(RECOMPUTED_PERSONS)))
    return len(kept_entries ^ fresh_entries), len(kept_persons ^ fresh_persons)
