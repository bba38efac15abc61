"""`reorganize` on a database of its own (the shared one already holds the 2025 reform): the real
2025 files on an open three-tier tree, a dry run that writes nothing, a run whose report is the
dry run's, a second run that changes nothing, persons that follow, and a refused run that
leaves everything as it was."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date

import asyncpg
import pytest
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

import db
from api import reference_data
from api.unit_lists import datasets, read_lineage, read_rows, reforms
from db import migrate, persons as persons_db, plans as plans_db
from db.base import Base
from db.models import AuditEvent, Unit, UnitLineage
from db.plan_models import PersonAssignment, PersonUnitHistory
from db.reference import load_reference
from db.reorganisation import ReorganisationRejected, follow, reorganize
from db.unit_import import import_units
from db.units import by_code, valid_at
from planning.cycles import PlanKind
from planning.lifecycle import PlanStatus
from planning.lineage import LineageRow
from planning.reorganisation import Report
from planning.units import UnitKind, UnitRow
from tests.conftest import NOW, fresh_database

REFORM = reforms()["2025"]
NEW_UNITS = read_rows(REFORM.units.path)
LINEAGE = read_lineage(REFORM.lineage)
EFFECTIVE, LAST_DAY = REFORM.effective, date(2025, 6, 30)
OLD_UNITS = read_rows(datasets()["three-tier"].path)


@pytest.fixture(scope="module")
async def open_tree(server_url: str) -> AsyncIterator[str]:
    """A migrated database holding the three-tier tree still open: the reform closes it."""
    async with fresh_database(server_url, "quyhoach_reorg") as url:
        engine = db.create_engine(url, pool_size=1)
        await migrate.upgrade(engine)
        async with db.create_sessionmaker(engine)() as session:
            await import_units(session, OLD_UNITS, valid_from=None, valid_to=None)
            await load_reference(
                session,
                positions=reference_data.read("positions"),
                cycles=reference_data.read("cycles"),
                holidays=reference_data.read("holidays"),
            )
            await session.commit()
        await engine.dispose()
        yield url


@pytest.fixture
async def session(server_url: str, open_tree: str) -> AsyncIterator[AsyncSession]:
    """A session on a copy of ``open_tree`` (what it commits is the copy's)."""
    name = f"quyhoach_reorg_{uuid.uuid4().hex[:8]}"
    maintenance = make_url(server_url).set(drivername="postgresql")
    admin = await asyncpg.connect(maintenance.render_as_string(hide_password=False))
    await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(open_tree).database}"')
    await admin.close()
    engine = db.create_engine(maintenance.set(database=name).render_as_string(hide_password=False))
    try:
        async with db.create_sessionmaker(engine)() as session:
            yield session
    finally:
        await engine.dispose()
        admin = await asyncpg.connect(maintenance.render_as_string(hide_password=False))
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


async def run(
    session: AsyncSession,
    *,
    dry_run: bool = False,
    units: list[UnitRow] = NEW_UNITS,
    lineage: list[LineageRow] = LINEAGE,
) -> Report:
    report = await reorganize(
        session,
        units=units,
        lineage=lineage,
        effective=EFFECTIVE,
        dry_run=dry_run,
        actor_user_id=None,
        now=NOW,
        source="test",
    )
    if dry_run:
        await session.rollback()
    else:
        await session.commit()
    return report


async def count(
    session: AsyncSession, *where: ColumnElement[bool], model: type[Base] = Unit
) -> int:
    found = await session.scalar(select(func.count()).select_from(model).where(*where))
    return int(found or 0)


async def person_on(session: AsyncSession, code: str, n: int) -> int:
    unit = await by_code(session, code=code, at=LAST_DAY)
    assert unit is not None
    person = await persons_db.add(
        session,
        national_id=f"0220750000{n:02d}",
        full_name=f"Trần Thị {n}",
        sex="FEMALE",
        birth_year=1980,
        unit_id=unit.id,
    )
    return person.id


OLD_COUNT = len(OLD_UNITS)


async def test_a_dry_run_reports_the_whole_reform_and_writes_nothing(
    session: AsyncSession,
) -> None:
    report = await run(session, dry_run=True)

    assert report.dry_run
    assert report.total.opened == len(NEW_UNITS) == 3_355
    assert report.total.closed == OLD_COUNT  # every old province, district and commune
    assert report.total.already_closed == 0
    assert report.total.links_added == len(LINEAGE) == 10_662
    # Per new province: 34 of them, whose counts add up to the totals.
    assert len(report.by_province) == 34
    assert sum(c.opened for _, c in report.by_province) == report.total.opened
    assert sum(c.closed for _, c in report.by_province) == report.total.closed
    # Nothing was written: no new unit, no link, no audit event; the old tree is still open.
    assert await count(session, valid_at(EFFECTIVE), Unit.valid_from == EFFECTIVE) == 0
    assert await count(session, model=UnitLineage) == 0
    assert await count(session, model=AuditEvent) == 0
    assert await count(session, Unit.valid_to.is_not(None)) == 0


async def test_a_run_does_what_its_dry_run_said_and_a_second_run_nothing(
    session: AsyncSession,
) -> None:
    dry = await run(session, dry_run=True)
    done = await run(session)

    assert done.total == dry.total
    # The same counts in the same provinces (a dry run's new provinces had ids of their own).
    assert [c for _, c in done.by_province] == [c for _, c in dry.by_province]
    assert await count(session, Unit.valid_to == LAST_DAY) == OLD_COUNT
    assert await count(session, Unit.valid_from == EFFECTIVE) == 3_355
    assert await count(session, model=UnitLineage) == 10_662
    # Quảng Ninh: the old 22 ends on 30/06, the new 22 is another unit from 01/07.
    old, new = (
        await by_code(session, code="22", at=LAST_DAY),
        await by_code(session, code="22", at=EFFECTIVE),
    )
    assert old is not None
    assert new is not None
    assert old.id != new.id
    assert old.valid_to == LAST_DAY

    again = await run(session)

    assert not again.total.changed
    assert again.total.opened == again.total.closed == again.total.links_added == 0
    assert again.total.persons_moved == again.total.awaiting == 0
    assert again.total.already_closed == OLD_COUNT
    events = (await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all()
    assert [e.action for e in events] == ["reorganize", "reorganize"]
    assert [(e.after or {}).get("closed") for e in events] == [OLD_COUNT, 0]


async def _single_successor_commune(session: AsyncSession) -> tuple[str, str]:
    """An old commune of Quảng Ninh (22) with exactly one successor: (old code, new code)."""
    successors: dict[str, list[str]] = {}
    for row in LINEAGE:
        if row.predecessor_kind == "COMMUNE":
            successors.setdefault(row.predecessor_code, []).append(row.successor_code)
    old_22 = await by_code(session, code="22", at=LAST_DAY)
    assert old_22 is not None
    codes = await session.scalars(
        select(Unit.code)
        .where(Unit.kind == UnitKind.COMMUNE, Unit.path.bool_op("<@")(func.text2ltree(old_22.path)))
        .order_by(Unit.code)
    )
    for code in codes:
        if len(successors.get(code, [])) == 1:
            return code, successors[code][0]
    raise AssertionError("no single-successor commune in Quảng Ninh")


async def test_persons_follow_the_lineage(session: AsyncSession) -> None:
    commune, its_successor = await _single_successor_commune(session)
    district = await session.scalar(
        select(Unit.code).where(Unit.kind == UnitKind.DISTRICT, Unit.code == "193")
    )
    assert district == "193"  # Thành phố Hạ Long (old Quảng Ninh)
    follows = await person_on(session, commune, 1)
    of_district = await person_on(session, "193", 2)
    of_split = await person_on(session, "00019", 3)  # Phường Điện Biên: four successors
    await session.commit()

    report = await run(session)

    assert report.total.persons_moved == 2
    assert report.total.awaiting == 1
    moved = await persons_db.by_ids(session, [follows, of_district, of_split])
    new_commune = await by_code(session, code=its_successor, at=EFFECTIVE)
    new_22 = await by_code(session, code="22", at=EFFECTIVE)
    new_hanoi = await by_code(session, code="01", at=EFFECTIVE)
    assert new_commune is not None
    assert new_22 is not None
    assert new_hanoi is not None
    assert moved[follows].unit_id == new_commune.id
    assert moved[of_district].unit_id == new_22.id  # a district's persons go to the province
    assert moved[of_split].unit_id == new_hanoi.id  # they wait on the successors' province
    by_province = dict(report.by_province)
    assert by_province[new_22.id].persons_moved == 2
    assert by_province[new_hanoi.id].awaiting == 1
    # Their history keeps the old unit, ending on the reform's first day.
    history = await persons_db.placements_of(session, [follows, of_split])
    old_commune = await by_code(session, code=commune, at=LAST_DAY)
    assert old_commune is not None
    assert [(h.unit_id, h.valid_to) for h in history[follows]] == [(old_commune.id, EFFECTIVE)]
    waiting = (await session.scalars(select(PersonAssignment))).all()
    assert [(w.person_id, w.held_by_unit_id, w.assigned_unit_id) for w in waiting] == [
        (of_split, new_hanoi.id, None)
    ]

    again = await run(session)

    assert again.total.persons_moved == again.total.awaiting == 0
    assert await count(session, model=PersonUnitHistory) == 3


async def test_persons_recorded_on_closed_units_afterwards_follow(session: AsyncSession) -> None:
    await run(session)
    late = await person_on(session, "193", 4)
    await session.commit()

    moved = await follow(session, effective=EFFECTIVE, actor_user_id=None, now=NOW)
    await session.commit()

    assert [m.person_id for m in moved] == [late]
    assert await follow(session, effective=EFFECTIVE, actor_user_id=None, now=NOW) == []


async def test_a_bad_line_refuses_the_whole_run(session: AsyncSession) -> None:
    bad_units = [
        *NEW_UNITS,
        UnitRow(line=9_999, kind="COMMUNE", code="99999", name="X", parent_code="77"),
    ]
    bad_lineage = [
        *LINEAGE,
        LineageRow(
            line=20_000,
            predecessor_kind="COMMUNE",
            predecessor_code="88888",
            successor_kind="COMMUNE",
            successor_code="00004",
        ),
    ]

    with pytest.raises(ReorganisationRejected) as refused:
        await run(session, units=bad_units, lineage=bad_lineage)
    await session.rollback()

    assert [(p.line, p.problem.code) for p in refused.value.units] == [(9_999, "UNKNOWN_PARENT")]
    assert [(p.line, p.problem.code) for p in refused.value.lineage] == [
        (20_000, "UNKNOWN_PREDECESSOR")
    ]
    assert await count(session, Unit.valid_to.is_not(None)) == 0
    assert await count(session, Unit.valid_from == EFFECTIVE) == 0
    assert await count(session, model=UnitLineage) == 0


async def test_a_predecessor_closed_on_another_day_is_a_problem(session: AsyncSession) -> None:
    commune = await by_code(session, code="00019", at=LAST_DAY)
    assert commune is not None
    commune.valid_to = date(2025, 12, 31)
    await session.commit()

    with pytest.raises(ReorganisationRejected) as refused:
        await run(session)
    await session.rollback()

    problems = refused.value.lineage
    assert [p.problem.code for p in problems] == ["CLOSES_ON_ANOTHER_DAY"]
    assert dict(problems[0].problem.values)["code"] == "00019"


async def test_approved_plans_of_closed_units_are_counted_for_their_successors(
    session: AsyncSession,
) -> None:
    cycle = await plans_db.cycle_by_code(session, code="2025-2030")
    assert cycle is not None
    old_22 = await by_code(session, code="22", at=LAST_DAY)
    assert old_22 is not None
    for code, status in (("193", PlanStatus.APPROVED), ("07132", PlanStatus.APPROVED)):
        planning_unit = await by_code(session, code=code, at=LAST_DAY)
        assert planning_unit is not None
        plan = await plans_db.add_plan(
            session,
            planning_unit_id=planning_unit.id,
            approving_unit_id=old_22.id,
            cycle_id=cycle.id,
            kind=PlanKind.NEXT_TERM,
            managed_by=UnitKind.PROVINCE,
            rule_set="QD377_2025",
            created_at=NOW,
        )
        plan.status = status
    draft = await plans_db.add_plan(
        session,
        planning_unit_id=old_22.id,
        approving_unit_id=old_22.id,
        cycle_id=cycle.id,
        kind=PlanKind.NEXT_TERM,
        managed_by=UnitKind.PROVINCE,
        rule_set="QD377_2025",
        created_at=NOW,
    )
    assert draft.status is PlanStatus.DRAFT  # not approved: nothing to consolidate
    await session.commit()

    report = await run(session)

    new_22 = await by_code(session, code="22", at=EFFECTIVE)
    assert new_22 is not None
    assert report.total.plans_to_consolidate == (("2025-2030", 2),)
    by_province = {p: c.plans_to_consolidate for p, c in report.by_province}
    assert by_province[new_22.id] == (("2025-2030", 2),)  # the district's and the commune's
    assert sum(1 for plans in by_province.values() if plans) == 1
