"""The 2025 lineage as loaded: both ways, splits, and the subtrees each unit reads."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.unit_lists import read_lineage, reforms
from db import lineage
from db.models import Unit, UnitInherited, UnitLineage
from db.unit_import import UnitListRejected
from db.units import by_code
from planning.lineage import LineageRow

OLD, NEW = date(2025, 6, 30), date(2025, 7, 1)


async def test_every_line_of_the_2025_file_is_a_link(session: AsyncSession) -> None:
    rows = read_lineage(reforms()["2025"].lineage)
    links = await session.scalar(select(func.count()).select_from(UnitLineage))
    assert links == len(rows) == 10_662


async def test_loading_the_file_again_adds_nothing(session: AsyncSession) -> None:
    reform = reforms()["2025"]
    assert (
        await lineage.link(session, read_lineage(reform.lineage), effective=reform.effective) == 0
    )


async def test_a_province_leads_to_its_successor_and_back(session: AsyncSession) -> None:
    old_ha_giang = await by_code(session, code="02", at=OLD)
    new_tuyen_quang = await by_code(session, code="08", at=NEW)
    assert old_ha_giang is not None
    assert new_tuyen_quang is not None
    successors = await lineage.successors_of(session, [old_ha_giang.id])
    assert [(u.code, day) for u, day in successors[old_ha_giang.id]] == [("08", NEW)]
    predecessors = await lineage.predecessors_of(session, [new_tuyen_quang.id])
    assert [u.code for u, _ in predecessors[new_tuyen_quang.id]] == ["02", "08"]


async def test_a_new_province_reads_its_old_provinces_whole(session: AsyncSession) -> None:
    new_tuyen_quang = await by_code(session, code="08", at=NEW)
    assert new_tuyen_quang is not None
    roots = (await lineage.inherited_roots(session, [new_tuyen_quang.id]))[new_tuyen_quang.id]
    old_paths = [
        (await by_code(session, code=code, at=OLD)).path  # type: ignore[union-attr]
        for code in ("02", "08")
    ]
    # The old communes beneath are inside those subtrees, so they are not roots of their own.
    assert set(old_paths) <= set(roots)
    assert all(not any(r != o and r.startswith(o + ".") for o in old_paths) for r in roots)


async def test_a_split_commune_is_read_from_each_successor(session: AsyncSession) -> None:
    split = (
        await session.execute(
            select(UnitLineage.predecessor_id)
            .group_by(UnitLineage.predecessor_id)
            .having(func.count() > 1)
            .limit(1)
        )
    ).scalar_one()
    successors = (await lineage.successors_of(session, [split]))[split]
    assert len(successors) > 1
    split_path = await session.scalar(select(Unit.path).where(Unit.id == split))
    for unit, _ in successors:
        roots = (await lineage.inherited_roots(session, [unit.id]))[unit.id]
        assert split_path in roots


async def test_the_national_root_inherits_nothing(session: AsyncSession) -> None:
    root = await session.scalar(select(Unit.id).where(Unit.parent_id.is_(None)))
    assert (
        await session.scalar(
            select(func.count()).select_from(UnitInherited).where(UnitInherited.unit_id == root)
        )
        == 0
    )


async def test_a_line_naming_no_unit_is_refused_by_number(session: AsyncSession) -> None:
    rows = [
        LineageRow(2, "PROVINCE", "99", "PROVINCE", "22"),
        LineageRow(3, "PROVINCE", "22", "PLANET", "22"),
        LineageRow(4, "PROVINCE", "22", "PROVINCE", "22"),
        LineageRow(5, "PROVINCE", "22", "PROVINCE", "22"),
    ]
    with pytest.raises(UnitListRejected) as refused:
        await lineage.link(session, rows, effective=NEW)
    assert [(p.line, p.reason) for p in refused.value.problems] == [
        (2, "UNKNOWN_PREDECESSOR"),
        (3, "BAD_KIND"),
        (5, "DUPLICATE_LINK"),
    ]
