"""Rollups of approved entries, maintained in the transaction that approves or unapproves.

``entry_fact`` holds one row per ACTIVE entry with the attributes statistics group by, as they
stood at approval. Each fact counts under every unit on its path (its ancestors, itself
included) in the rollups of db/rollup_sql.py, which also holds their one definition. Reading
national statistics then sums a few thousand cells instead of scanning every entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import bindparam, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from db.fact_tables import entry_fact
from db.models import Unit
from db.rollup_sql import (
    ENTRY_ROLLUPS,
    MEMBER_COLUMNS,
    PERSON_ROLLUPS,
    RECOMPUTED,
    RECOMPUTED_MEMBERS,
    TITLES,
    fact_cells,
    member_cells,
    member_rows,
    title_cells,
)
from planning.facts import FACT_FIELDS, Fact

# The columns of a fact as the caller gives them: ``entry_fact`` has these and the unit's path.
FACT_COLUMNS = FACT_FIELDS
_unit = Unit.__table__
INSERT_FACT = insert(entry_fact).values(
    {
        **{column: bindparam(column) for column in FACT_COLUMNS},
        "unit_path": select(_unit.c.path)
        .where(_unit.c.id == bindparam("unit_id"))
        .scalar_subquery(),
    }
)


_THESE_ENTRIES = "WHERE f.entry_id = ANY(:ids)"
# The (planning unit, cycle, position) triples whose histogram row a change moves.
_THESE_TITLES = """
    WHERE (f.unit_id, f.cycle_id, f.position_id) IN (SELECT * FROM unnest(
        CAST(:units AS bigint[]), CAST(:cycles AS bigint[]), CAST(:positions AS bigint[])))
"""
_TOUCHED = "person_id = ANY(:persons) AND cycle_id = ANY(:cycles)"
_TOUCHED_MEMBERS = f"(SELECT * FROM rollup_member WHERE {_TOUCHED}) m"


# The history of counted facts (statistics as of a past day): a fact opens at its approval
# and closes when its plan is reopened or superseded.
_OPEN_HISTORY = "INSERT INTO entry_fact_history SELECT f.*, {since}, NULL FROM entry_fact f {where}"
_CLOSE_HISTORY = text(
    "UPDATE entry_fact_history SET counted_to = :at WHERE plan_id = :p AND counted_to IS NULL"
)


async def add(session: AsyncSession, facts: Sequence[Fact], *, at: datetime) -> None:
    """Count newly approved entries (facts built by the caller) in every rollup, from ``at``."""
    if not facts:
        return
    ids = [fact.entry_id for fact in facts]
    titles = _titles((f.unit_id, f.cycle_id, f.position_id) for f in facts)
    # A unit's count for a title moves from one histogram row to another: take the unit out of
    # the row it is in before the facts change, and put it in its new row after.
    await session.execute(text(TITLES.subtract(title_cells(_THESE_TITLES))), titles)
    await session.execute(
        INSERT_FACT, [{c: getattr(fact, c) for c in FACT_COLUMNS} for fact in facts]
    )
    await session.execute(
        text(_OPEN_HISTORY.format(since=":at", where=_THESE_ENTRIES)), {"ids": ids, "at": at}
    )
    for rollup in ENTRY_ROLLUPS:
        await session.execute(text(rollup.add(fact_cells(rollup, _THESE_ENTRIES))), {"ids": ids})
    await session.execute(text(TITLES.add(title_cells(_THESE_TITLES))), titles)
    await session.execute(text(TITLES.prune()), {"ancestors": await _ancestors(session, ids)})
    await _recount_persons(
        session,
        persons=sorted({fact.person_id for fact in facts}),
        cycles=sorted({fact.cycle_id for fact in facts}),
    )


async def remove(session: AsyncSession, *, plan_id: int, at: datetime) -> None:
    """Stop counting the approved entries of a plan (reopened, or superseded by a review)."""
    await session.execute(_CLOSE_HISTORY, {"p": plan_id, "at": at})
    rows = (
        await session.execute(
            text(
                "SELECT entry_id, person_id, cycle_id, unit_id, position_id FROM entry_fact "
                "WHERE plan_id = :p"
            ),
            {"p": plan_id},
        )
    ).all()
    if not rows:
        return
    ids = [row.entry_id for row in rows]
    ancestors = {"ancestors": await _ancestors(session, ids)}
    titles = _titles((row.unit_id, row.cycle_id, row.position_id) for row in rows)
    for rollup in ENTRY_ROLLUPS:
        await session.execute(
            text(rollup.subtract(fact_cells(rollup, _THESE_ENTRIES))), {"ids": ids}
        )
        await session.execute(text(rollup.prune()), ancestors)
    await session.execute(text(TITLES.subtract(title_cells(_THESE_TITLES))), titles)
    await session.execute(text("DELETE FROM entry_fact WHERE entry_id = ANY(:ids)"), {"ids": ids})
    await session.execute(text(TITLES.add(title_cells(_THESE_TITLES))), titles)
    await session.execute(text(TITLES.prune()), ancestors)
    await _recount_persons(
        session,
        persons=sorted({row.person_id for row in rows}),
        cycles=sorted({row.cycle_id for row in rows}),
    )


def _titles(triples_given: Iterable[tuple[int, int, int]]) -> dict[str, list[int]]:
    """The (planning unit, cycle, position) triples as the array parameters of the SQL."""
    triples = sorted(set(triples_given))
    return {
        "units": [t[0] for t in triples],
        "cycles": [t[1] for t in triples],
        "positions": [t[2] for t in triples],
    }


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
    """Recount the persons an approval or a reopening touches from their facts, so that the
    kept counts always equal a recomputation, whatever order changes come in."""
    touched = {"persons": list(persons), "cycles": list(cycles)}
    ancestors = list(
        await session.scalars(
            text(f"SELECT DISTINCT ancestor_id FROM rollup_member WHERE {_TOUCHED}"), touched
        )
    )
    for rollup in PERSON_ROLLUPS:
        await session.execute(
            text(rollup.subtract(member_cells(rollup, _TOUCHED_MEMBERS))), touched
        )
    await session.execute(text(f"DELETE FROM rollup_member WHERE {_TOUCHED}"), touched)
    await session.execute(
        text(
            f"INSERT INTO rollup_member ({', '.join(MEMBER_COLUMNS)}) "
            f"{member_rows('WHERE f.person_id = ANY(:persons) AND f.cycle_id = ANY(:cycles)')}"
        ),
        touched,
    )
    for rollup in PERSON_ROLLUPS:
        await session.execute(text(rollup.add(member_cells(rollup, _TOUCHED_MEMBERS))), touched)
        await session.execute(text(rollup.prune()), {"ancestors": ancestors})


async def rebuild(session: AsyncSession) -> None:
    """Recompute every rollup from ``entry_fact`` (after a bulk load of facts, or to repair),
    with the very statements ``compare_with_recomputation`` checks the kept rollups against.

    TRUNCATE locks the rollups until the transaction ends: approvals wait for it.
    """
    tables = ["rollup_member", *(rollup.table for rollup in RECOMPUTED)]
    await session.execute(text(f"TRUNCATE {', '.join(tables)}"))
    # Facts loaded in bulk count in the history from their plan's decision.
    await session.execute(
        text(
            _OPEN_HISTORY.format(
                since="(SELECT coalesce(p.decided_at, now()) FROM plan p WHERE p.id = f.plan_id)",
                where="WHERE NOT EXISTS (SELECT FROM entry_fact_history h "
                "WHERE h.entry_id = f.entry_id AND h.counted_to IS NULL)",
            )
        )
    )
    await session.execute(
        text(f"INSERT INTO rollup_member ({', '.join(MEMBER_COLUMNS)}) {RECOMPUTED_MEMBERS}")
    )
    for rollup, recomputed in RECOMPUTED.items():
        await session.execute(
            text(f"INSERT INTO {rollup.table} ({', '.join(rollup.columns)}) {recomputed}")
        )


async def compare_with_recomputation(session: AsyncSession) -> tuple[int, int]:
    """Rows that differ between the kept rollups and a recomputation from the facts: of the
    rollups of entries (with and without child, and the titles' histogram), and of those of
    persons (where each counts, and the counts with and without child)."""
    members = await _differing(
        session, f"SELECT {', '.join(MEMBER_COLUMNS)} FROM rollup_member", RECOMPUTED_MEMBERS
    )
    differing = {
        rollup: await _differing(session, rollup.kept(), sql) for rollup, sql in RECOMPUTED.items()
    }
    entries = sum(n for rollup, n in differing.items() if rollup not in PERSON_ROLLUPS)
    return entries, members + sum(differing[rollup] for rollup in PERSON_ROLLUPS)


async def _differing(session: AsyncSession, kept: str, recomputed: str) -> int:
    return len(
        set(await session.execute(text(kept))) ^ set(await session.execute(text(recomputed)))
    )
