"""Figures carry over (issue 12, point 5): a successor's rollups count its predecessors'
approved entries, each person once, until its consolidation is approved; the kept rollups
always equal a recomputation, and a rebuild restores them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.unit_lists import read_lineage, reforms
from db import lineage, rollups, statistics as stats_db
from db.reader import on_session
from tests.conftest import NOW
from tests.db.lineage_facts import APPROVED_AT, Facts, Lineage, cycle_id, position_id, quang_ninh
from tests.factories import unit

ENDED_AT = datetime(2026, 10, 1, 9, 0, tzinfo=NOW.tzinfo)


async def total(session: AsyncSession, unit_id: int, cycle: int) -> tuple[int, int]:
    """(entries, persons) the rollups hold for the unit's subtree and what it reads."""
    scope = stats_db.Cells(unit_id, cycle)
    entries = await stats_db.entry_cells(on_session(session), scope=scope, group_by=[])
    persons = await stats_db.person_cells(on_session(session), scope=scope, group_by=[])
    return (entries[0][1] if entries else 0, persons[0][1] if persons else 0)


async def by_child(session: AsyncSession, unit_id: int, cycle: int) -> dict[int, int]:
    cells = await stats_db.entry_cells(
        on_session(session), scope=stats_db.Cells(unit_id, cycle), group_by=["CHILD_UNIT"]
    )
    return {int(key[0]): n for key, n, _ in cells}


async def seeded(session: AsyncSession, qn: Lineage | None = None) -> tuple[Lineage, Facts, int]:
    """Approved entries of old Quảng Ninh: 3 in a split commune, 2 + 2 in two old communes
    merged into one new commune (person 7 in both), 1 of their old district, 1 of the old
    province itself."""
    qn = qn or await quang_ninh(session)
    cycle = await cycle_id(session)
    make = Facts(cycle, await position_id(session))
    facts = [
        *(make.of(qn.split, person, plan=1) for person in (1, 2, 3)),
        make.of(qn.merged[0], 4, plan=2),
        make.of(qn.merged[0], 7, plan=2),
        make.of(qn.merged[1], 5, plan=3),
        make.of(qn.merged[1], 7, plan=3),
        make.of(qn.district, 8, plan=4),
        make.of(qn.old_province, 9, plan=5),
    ]
    await rollups.add(session, facts, at=APPROVED_AT)
    return qn, make, cycle


async def test_successors_count_what_their_predecessors_approved(session: AsyncSession) -> None:
    qn, _, cycle = await seeded(session)
    root = await unit(session, "VN")

    assert await total(session, qn.old_province.id, cycle) == (9, 8)
    # The new province reads the whole old one: the same entries and persons.
    assert await total(session, qn.new_province.id, cycle) == (9, 8)
    # Each successor of the split commune reads all of it.
    for successor in qn.split_successors:
        assert await total(session, successor.id, cycle) == (3, 3)
    # The country counts each entry once, through the old tree only.
    assert await total(session, root.id, cycle) == (9, 8)
    # "Carried over from the old Quảng Ninh" is a group of its own among the new one's children.
    assert await by_child(session, qn.new_province.id, cycle) == {qn.old_province.id: 9}
    assert await by_child(session, qn.split_successors[0].id, cycle) == {qn.split.id: 3}
    assert await rollups.compare_with_recomputation(session) == (0, 0)


async def test_a_person_planned_in_two_predecessors_counts_once(session: AsyncSession) -> None:
    qn, _, cycle = await seeded(session)

    # Person 7 is planned in both old communes: two entries, one person, in the new commune.
    assert await total(session, qn.merged[0].id, cycle) == (2, 2)
    assert await total(session, qn.merged[1].id, cycle) == (2, 2)
    assert await total(session, qn.merged_successor.id, cycle) == (4, 3)
    by_child_persons = await stats_db.person_cells(
        on_session(session),
        scope=stats_db.Cells(qn.merged_successor.id, cycle),
        group_by=["GENDER"],
    )
    assert sum(n for _, n, _ in by_child_persons) == 3


async def test_ending_inheritance_drops_only_that_successor(session: AsyncSession) -> None:
    qn, make, cycle = await seeded(session)
    first, second = qn.split_successors

    await rollups.end_inheritance(session, unit_id=first.id, cycle_id=cycle, at=ENDED_AT)

    assert await total(session, first.id, cycle) == (0, 0)
    assert await total(session, second.id, cycle) == (3, 3)  # its consolidation is not approved
    assert await total(session, qn.new_province.id, cycle) == (9, 8)  # through its own root
    assert await rollups.compare_with_recomputation(session) == (0, 0)
    # Its own approved entries count, its predecessor's new ones no longer.
    await rollups.add(session, [make.of(first, 20, plan=6)], at=NOW)
    await rollups.add(session, [make.of(qn.split, 21, plan=7)], at=NOW)
    assert await total(session, first.id, cycle) == (1, 1)
    assert await total(session, second.id, cycle) == (4, 4)
    assert await total(session, qn.new_province.id, cycle) == (11, 10)
    # A reopening of the predecessor's plan, and a second end, keep the rollups exact.
    await rollups.remove(session, plan_id=make.of(qn.split, 0, plan=1).plan_id, at=NOW)
    await rollups.end_inheritance(session, unit_id=first.id, cycle_id=cycle, at=NOW)
    assert await total(session, second.id, cycle) == (1, 1)
    assert await rollups.compare_with_recomputation(session) == (0, 0)


async def test_other_cycles_still_carry_over(session: AsyncSession) -> None:
    qn, _, cycle = await seeded(session)
    other = await cycle_id(session, "2030-2035")
    make = Facts(other, await position_id(session))
    make.next = 9_200_000
    await rollups.add(session, [make.of(qn.split, 30, plan=30)], at=APPROVED_AT)

    await rollups.end_inheritance(
        session, unit_id=qn.split_successors[0].id, cycle_id=cycle, at=ENDED_AT
    )

    assert await total(session, qn.split_successors[0].id, other) == (1, 1)
    assert await rollups.compare_with_recomputation(session) == (0, 0)


async def test_a_rebuild_restores_the_carried_over_figures(session: AsyncSession) -> None:
    qn, _, cycle = await seeded(session)
    await rollups.end_inheritance(
        session, unit_id=qn.split_successors[0].id, cycle_id=cycle, at=ENDED_AT
    )
    before = [await total(session, u.id, cycle) for u in (qn.new_province, *qn.split_successors)]
    for table in ("rollup_entry", "rollup_entry_total", "rollup_member", "rollup_person"):
        await session.execute(text(f"DELETE FROM {table}"))

    await rollups.rebuild(session)

    assert [await total(session, u.id, cycle) for u in (qn.new_province, *qn.split_successors)] == (
        before
    )
    assert await rollups.compare_with_recomputation(session) == (0, 0)


async def test_loading_lineage_counts_the_facts_approved_before(session: AsyncSession) -> None:
    """Plans approved before a reform's lineage is loaded carry over once it is: ``link``
    recounts the rollups in its transaction."""
    qn = await quang_ninh(session)
    await session.execute(text("DELETE FROM unit_inherited"))
    await session.execute(text("DELETE FROM unit_lineage"))
    await rollups.rebuild(session)
    _, _, cycle = await seeded(session, qn)
    assert await total(session, qn.new_province.id, cycle) == (0, 0)  # no lineage, nothing read

    reform = reforms()["2025"]
    added = await lineage.link(session, read_lineage(reform.lineage), effective=reform.effective)

    assert added > 10_000
    assert await total(session, qn.new_province.id, cycle) == (9, 8)
    assert await rollups.compare_with_recomputation(session) == (0, 0)
