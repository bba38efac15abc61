"""Rollups of approved entries, maintained in the transaction that approves or unapproves.

``entry_fact`` holds one row per ACTIVE entry with the attributes statistics group by, as they
stood at approval. Each fact counts under every unit on its path (its ancestors, itself
included) and under every unit that reads it through lineage until that unit's consolidation
is approved (``end_inheritance``), in the rollups of db/rollup_sql.py, which also holds their
one definition (``counted_under``). Reading national statistics then sums a few thousand cells
instead of scanning every entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    DateTime,
    Executable,
    Insert,
    any_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from db.fact_tables import entry_fact, entry_fact_history, inheritance_ended, rollup_member
from db.models import Unit, UnitInherited
from db.plan_models import Plan
from db.rollup_sql import (
    ENTRY_ROLLUPS,
    MEMBER_COLUMNS,
    PERSON_ROLLUPS,
    RECOMPUTED,
    RECOMPUTED_MEMBERS,
    TITLES,
    counted_under,
    fact_cells,
    member_cells,
    member_rows,
    members,
    title_cells,
)
from planning.facts import FACT_FIELDS, Fact

# The columns of a fact as the caller gives them: ``entry_fact`` has these and the unit's path.
_unit = Unit.__table__
INSERT_FACT = insert(entry_fact).values(
    {
        **{column: bindparam(column) for column in FACT_FIELDS},
        "unit_path": select(_unit.c.path)
        .where(_unit.c.id == bindparam("unit_id"))
        .scalar_subquery(),
    }
)

_IDS = bindparam("ids", type_=ARRAY(BigInteger))
_THESE_ENTRIES = "WHERE f.entry_id = ANY(:ids)"
# The (planning unit, cycle, position) triples whose histogram row a change moves.
_THESE_TITLES = """
    WHERE (f.unit_id, f.cycle_id, f.position_id) IN (SELECT * FROM unnest(
        CAST(:units AS bigint[]), CAST(:cycles AS bigint[]), CAST(:positions AS bigint[])))
"""
# The members of the persons and cycles an approval or a reopening touches.
_TOUCHED = "person_id = ANY(:persons) AND cycle_id = ANY(:cycles)"
# The rows of the one unit whose inheritance ends.
_UNIT = "a.id = :unit"

# Every transaction that writes the rollups takes this lock (until it ends) before its first
# write, so that two writers never deadlock. Their multi-row statements (INSERT … ON CONFLICT,
# UPDATE … FROM, DELETE) lock cells in whatever order the plan yields them (a HashAggregate's
# order varies with the other groups it holds), and an approval's statements and a
# reopening's come in different orders, while every approval writes the cells of its province
# and of the national root: two approvals locked shared cells in opposite orders (a bench: 9
# of 200 approvals at 20/s failed with "deadlock detected"). Locking the cells in one order
# instead would take a SELECT … ORDER BY … FOR UPDATE before each of some 15 statements, and
# still not order the waits on cells that two writers insert at once. The lock costs next to
# nothing: the approvals of a cycle already wait for one another on the root's cells until
# they commit; only writers of different cycles, or of cells disjoint to the root, now wait.
ROLLUP_WRITERS = 0x5155_5948_524F_4C4C  # "QUYHROLL": no other advisory lock of the database
_LOCK_ROLLUPS = text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=ROLLUP_WRITERS)


async def _lock_rollups(session: AsyncSession) -> None:
    """Wait for the other writers of the rollups to end (taken again in the same transaction,
    it returns at once)."""
    await session.execute(_LOCK_ROLLUPS)


def _open_history(since: ColumnElement[datetime], *where: ColumnElement[bool]) -> Insert:
    """Open the history of the facts ``where`` selects, counted from ``since``: a fact opens at
    its approval and closes when its plan is reopened or superseded (statistics as of a past
    day)."""
    return insert(entry_fact_history).from_select(
        [*entry_fact.c.keys(), "counted_from"], select(*entry_fact.c, since).where(*where)
    )


async def insert_facts(session: AsyncSession, facts: Sequence[Fact]) -> None:
    """Write facts without counting them yet (``add`` counts them; a bulk load rebuilds)."""
    await session.execute(
        INSERT_FACT, [{c: getattr(fact, c) for c in FACT_FIELDS} for fact in facts]
    )


async def add(session: AsyncSession, facts: Sequence[Fact], *, at: datetime) -> None:
    """Count newly approved entries (facts built by the caller) in every rollup, from ``at``."""
    if not facts:
        return
    await _lock_rollups(session)
    ids = [fact.entry_id for fact in facts]
    titles = _titles((f.unit_id, f.cycle_id, f.position_id) for f in facts)
    # A unit's count for a title moves from one histogram row to another: take the unit out of
    # the row it is in before the facts change, and put it in its new row after.
    await session.execute(TITLES.subtract(title_cells(_THESE_TITLES)), titles)
    await insert_facts(session, facts)
    await session.execute(
        _open_history(
            bindparam("at", type_=DateTime(timezone=True)), entry_fact.c.entry_id == any_(_IDS)
        ),
        {"ids": ids, "at": at},
    )
    for rollup in ENTRY_ROLLUPS:
        await session.execute(rollup.add(fact_cells(rollup, _THESE_ENTRIES)), {"ids": ids})
    await session.execute(TITLES.add(title_cells(_THESE_TITLES)), titles)
    await session.execute(TITLES.prune(), {"ancestors": await _ancestors(session, ids)})
    await _recount_persons(
        session,
        persons=sorted({fact.person_id for fact in facts}),
        cycles=sorted({fact.cycle_id for fact in facts}),
    )


async def remove(session: AsyncSession, *, plan_id: int, at: datetime) -> None:
    """Stop counting the approved entries of a plan (reopened, or superseded by a review)."""
    await remove_entries(session, entry_fact.c.plan_id == plan_id, at=at)


async def remove_entries(
    session: AsyncSession, which: ColumnElement[bool], *, at: datetime
) -> None:
    """Stop counting the approved entries ``which`` selects among the facts (a whole plan, or
    the entries a consolidation took over from a split predecessor)."""
    fact = entry_fact.c
    rows = (
        await session.execute(
            select(
                fact.entry_id, fact.person_id, fact.cycle_id, fact.unit_id, fact.position_id
            ).where(which)
        )
    ).all()
    if not rows:
        return
    await _lock_rollups(session)
    ids = [row.entry_id for row in rows]
    history = entry_fact_history.c
    await session.execute(
        update(entry_fact_history)
        .where(history.entry_id == any_(_IDS), history.counted_to.is_(None))
        .values(counted_to=at),
        {"ids": ids},
    )
    ancestors = {"ancestors": await _ancestors(session, ids)}
    titles = _titles((row.unit_id, row.cycle_id, row.position_id) for row in rows)
    for rollup in ENTRY_ROLLUPS:
        await session.execute(rollup.subtract(fact_cells(rollup, _THESE_ENTRIES)), {"ids": ids})
        await session.execute(rollup.prune(), ancestors)
    await session.execute(TITLES.subtract(title_cells(_THESE_TITLES)), titles)
    await session.execute(delete(entry_fact).where(fact.entry_id == any_(_IDS)), {"ids": ids})
    await session.execute(TITLES.add(title_cells(_THESE_TITLES)), titles)
    await session.execute(TITLES.prune(), ancestors)
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
    """Every unit the facts count under (``rollup_sql.counted_under``): the units on their
    paths and those that read them through lineage."""
    found = text(f"SELECT DISTINCT a.id FROM entry_fact f {counted_under('f')} {_THESE_ENTRIES}")
    return list(await session.scalars(found, {"ids": list(entry_ids)}))


async def end_inheritance(
    session: AsyncSession, *, unit_id: int, cycle_id: int, at: datetime
) -> None:
    """The successor ``unit_id`` stops counting its predecessors' entries of the cycle: its
    consolidation was approved at ``at``. Only that unit: the units above it still count what
    they read through their own roots (a split predecessor's remaining entries, once).

    Only the unit's own rows move: the cells of the facts it read are taken out of them, the
    end recorded, its titles' histogram rows moved as an approval moves them, and its persons
    recounted (a province of ~30,000 inherited facts in a few seconds, not a recount of every
    unit above). A second call for the same unit and cycle changes nothing.
    """
    ended = inheritance_ended.c
    already = await session.scalar(
        select(ended.at).where(ended.unit_id == unit_id, ended.cycle_id == cycle_id)
    )
    if already is not None:
        return
    inherited_table = UnitInherited.__table__
    inherited = inherited_table.c
    fact = entry_fact.c
    rows = (
        await session.execute(
            select(fact.entry_id, fact.person_id, fact.cycle_id, fact.unit_id, fact.position_id)
            .join(inherited_table, inherited.root_path.bool_op("@>")(fact.unit_path))
            .where(inherited.unit_id == unit_id, fact.cycle_id == cycle_id)
        )
    ).all()
    record = insert(inheritance_ended).values(unit_id=unit_id, cycle_id=cycle_id, at=at)
    await _lock_rollups(session)  # the end changes what the units count under too
    if not rows:
        await session.execute(record)
        return
    # Only the unit's own rows change: the units above it count the same facts as before.
    ids = {"ids": [row.entry_id for row in rows], "unit": unit_id}
    titles = {**_titles((row.unit_id, row.cycle_id, row.position_id) for row in rows), **ids}
    for rollup in ENTRY_ROLLUPS:
        await session.execute(rollup.subtract(fact_cells(rollup, _THESE_ENTRIES, _UNIT)), ids)
        await session.execute(rollup.prune(), {"ancestors": [unit_id]})
    await session.execute(TITLES.subtract(title_cells(_THESE_TITLES, _UNIT)), titles)
    await session.execute(record)
    await session.execute(TITLES.add(title_cells(_THESE_TITLES, _UNIT)), titles)
    await session.execute(TITLES.prune(), {"ancestors": [unit_id]})
    await _recount_persons(
        session,
        persons=sorted({row.person_id for row in rows}),
        cycles=[cycle_id],
        ancestor=unit_id,
    )


async def after_lineage(session: AsyncSession) -> None:
    """Count the facts under the units that read them through lineage loaded or changed since
    (``db.lineage.link`` calls it after ``refresh_inherited``, in its transaction): a rebuild,
    since a reform moves the figures of whole trees (a few seconds per 100,000 facts)."""
    await rebuild(session)


async def _recount_persons(
    session: AsyncSession,
    *,
    persons: Sequence[int],
    cycles: Sequence[int],
    ancestor: int | None = None,
) -> None:
    """Recount the persons an approval or a reopening touches from their facts (under every
    unit, or under ``ancestor`` only), so that the kept counts always equal a recomputation,
    whatever order changes come in."""
    touched: dict[str, object] = {"persons": list(persons), "cycles": list(cycles)}
    which, under = _TOUCHED, ""
    if ancestor is not None:
        touched["ancestor"] = ancestor
        which, under = f"{_TOUCHED} AND ancestor_id = :ancestor", "a.id = :ancestor"
    kept = f"(SELECT * FROM rollup_member WHERE {which}) m"
    ancestors = list(
        await session.scalars(
            select(rollup_member.c.ancestor_id).distinct().where(text(which)), touched
        )
    )
    for rollup in PERSON_ROLLUPS:
        await session.execute(rollup.subtract(member_cells(rollup, kept)), touched)
    await session.execute(delete(rollup_member).where(text(which)), touched)
    await session.execute(
        insert(rollup_member).from_select(
            MEMBER_COLUMNS,
            members(
                member_rows(
                    "WHERE f.person_id = ANY(:persons) AND f.cycle_id = ANY(:cycles)", under
                )
            ),
        ),
        touched,
    )
    for rollup in PERSON_ROLLUPS:
        await session.execute(rollup.add(member_cells(rollup, kept)), touched)
        await session.execute(rollup.prune(), {"ancestors": ancestors})


async def rebuild(session: AsyncSession) -> None:
    """Recompute every rollup from ``entry_fact`` (after a bulk load of facts, or to repair),
    with the very statements ``compare_with_recomputation`` checks the kept rollups against.

    TRUNCATE locks the rollups until the transaction ends: approvals wait for it (and it, taking
    the writers' lock first, for the approvals under way).
    """
    await _lock_rollups(session)
    tables = [rollup_member.name, *(rollup.table.name for rollup in RECOMPUTED)]
    await session.execute(text(f"TRUNCATE {', '.join(tables)}"))  # Core has no TRUNCATE
    # Facts loaded in bulk in this transaction are not in the planner's statistics yet: without
    # them it joins the units to every fact one by one (minutes instead of seconds).
    await session.execute(text("ANALYZE entry_fact, unit_inherited"))
    # Facts loaded in bulk count in the history from their plan's decision.
    history = entry_fact_history.c
    decided = select(func.coalesce(Plan.decided_at, func.now())).where(
        Plan.id == entry_fact.c.plan_id
    )
    open_now = exists().where(
        history.entry_id == entry_fact.c.entry_id, history.counted_to.is_(None)
    )
    await session.execute(_open_history(decided.scalar_subquery(), ~open_now))
    await session.execute(
        insert(rollup_member).from_select(MEMBER_COLUMNS, members(RECOMPUTED_MEMBERS))
    )
    for rollup, recomputed in RECOMPUTED.items():
        await session.execute(
            insert(rollup.table).from_select(rollup.columns, rollup.cells(recomputed))
        )


async def compare_with_recomputation(session: AsyncSession) -> tuple[int, int]:
    """Rows that differ between the kept rollups and a recomputation from the facts: of the
    rollups of entries (with and without child, and the titles' histogram), and of those of
    persons (where each counts, and the counts with and without child)."""
    kept_members = select(*(rollup_member.c[c] for c in MEMBER_COLUMNS))
    differing_members = await _differing(session, kept_members, members(RECOMPUTED_MEMBERS))
    differing = {
        rollup: await _differing(session, rollup.kept(), rollup.cells(sql))
        for rollup, sql in RECOMPUTED.items()
    }
    entries = sum(n for rollup, n in differing.items() if rollup not in PERSON_ROLLUPS)
    return entries, differing_members + sum(differing[rollup] for rollup in PERSON_ROLLUPS)


async def _differing(session: AsyncSession, kept: Executable, recomputed: Executable) -> int:
    return len(set(await session.execute(kept)) ^ set(await session.execute(recomputed)))
