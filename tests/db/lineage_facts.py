"""Approved entries on the three-tier tree, as facts, and the units of the 2025 lineage that
read them: what the tests of carried-over figures count (tests/db, tests/schema).

Facts are written by ``db.rollups.add``, the call an approval makes; their plans and entries are
not needed by the rollups (a fact holds what statistics read, and the ids are never looked up).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Unit
from planning.facts import Fact
from planning.positions import PositionBody
from planning.units import UnitKind
from tests.conftest import NOW
from tests.factories import unit

OLD_DAY = date(2025, 6, 30)  # the last day of the three-tier tree
APPROVED_AT = datetime(2025, 3, 14, 10, 0, tzinfo=NOW.tzinfo)  # before the reorganisation
FIRST_ENTRY = 9_100_000  # far from the ids the tests' plans take


async def cycle_id(session: AsyncSession, code: str = "2025-2030") -> int:
    found = await session.scalar(text("SELECT id FROM cycle WHERE code = :c"), {"c": code})
    assert found is not None
    return int(found)


async def position_id(session: AsyncSession, code: str = "PCT_UBND") -> int:
    found = await session.scalar(
        text("SELECT id FROM position WHERE code = :c AND unit_kind = 'COMMUNE' LIMIT 1"),
        {"c": code},
    )
    assert found is not None
    return int(found)


@dataclass(frozen=True, slots=True)
class Lineage:
    """Units of old and new Quảng Ninh (22) and how their communes continue."""

    old_province: Unit
    new_province: Unit
    split: Unit  # an old commune shared by two new ones
    split_successors: tuple[Unit, Unit]
    merged: tuple[Unit, Unit]  # two old communes, not split, of one new commune
    merged_successor: Unit
    district: Unit  # the old district of ``merged[0]``


async def _units(session: AsyncSession, sql: str, **values: object) -> list[Unit]:
    ids = list(await session.scalars(text(sql), values))
    return [u for i in ids if (u := await session.get(Unit, i)) is not None]


async def quang_ninh(session: AsyncSession) -> Lineage:
    old = await unit(session, "22", OLD_DAY)
    new = await unit(session, "22")
    split = (
        await _units(
            session,
            "SELECT l.predecessor_id FROM unit_lineage l JOIN unit u ON u.id = l.predecessor_id "
            "WHERE u.path <@ CAST(:p AS ltree) AND u.kind = 'COMMUNE' "
            "GROUP BY 1 HAVING count(*) = 2 ORDER BY 1 LIMIT 1",
            p=old.path,
        )
    )[0]
    successors = await _units(
        session,
        "SELECT successor_id FROM unit_lineage WHERE predecessor_id = :s ORDER BY 1",
        s=split.id,
    )
    # A new commune made of two old ones that no other new commune shares.
    merged_successor = (
        await _units(
            session,
            "SELECT l.successor_id FROM unit_lineage l JOIN unit u ON u.id = l.successor_id "
            "WHERE u.path <@ CAST(:p AS ltree) AND NOT EXISTS (SELECT FROM unit_lineage o "
            "WHERE o.predecessor_id = l.predecessor_id AND o.successor_id <> l.successor_id) "
            "GROUP BY 1 HAVING count(*) >= 2 ORDER BY 1 LIMIT 1",
            p=new.path,
        )
    )[0]
    merged = await _units(
        session,
        "SELECT predecessor_id FROM unit_lineage WHERE successor_id = :s ORDER BY 1 LIMIT 2",
        s=merged_successor.id,
    )
    district = await session.get(Unit, merged[0].parent_id)
    assert district is not None
    assert len(successors) == 2
    assert len(merged) == 2
    return Lineage(
        old,
        new,
        split,
        (successors[0], successors[1]),
        (merged[0], merged[1]),
        merged_successor,
        district,
    )


class Facts:
    """Builds facts of approved entries, each with a new entry id."""

    def __init__(self, cycle: int, position: int) -> None:
        self.cycle, self.position, self.next = cycle, position, FIRST_ENTRY

    def of(self, where: Unit, person: int, *, plan: int = 1, **values: object) -> Fact:
        self.next += 1
        fact = Fact(
            entry_id=self.next,
            plan_id=FIRST_ENTRY + plan,
            cycle_id=self.cycle,
            person_id=person,
            unit_id=where.id,
            unit_kind=where.kind,
            position_id=self.position,
            body=PositionBody.STATE,
            managed_by=UnitKind.DISTRICT,
            head=False,
            age_months=45 * 12,
            sex="FEMALE" if person % 2 else "MALE",
            age_band=1,
            education="Đại học",
            theory="TRUNG_CAP",
            grade="Chuyên viên",
            ethnicity="Kinh",
            minority=False,
            non_local=False,
            sci_tech=False,
        )
        return replace(fact, **values)  # type: ignore[arg-type]
