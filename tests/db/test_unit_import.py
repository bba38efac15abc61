"""The importer: all-or-nothing, idempotent, and strict about periods and parents."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.unit_lists import datasets, read_rows
from db.models import Unit
from db.unit_import import UnitListRejected, import_units
from planning.units import UnitRow

FUTURE = date(2030, 1, 1)


def row(line: int, kind: str, code: str, parent: str = "", name: str = "Đơn vị thử") -> UnitRow:
    return UnitRow(line=line, kind=kind, code=code, name=name, parent_code=parent)


async def unit_count(session: AsyncSession) -> int:
    return (await session.scalar(select(func.count()).select_from(Unit))) or 0


class TestImportUnits:
    async def test_a_second_import_changes_nothing(self, session: AsyncSession) -> None:
        two_tier = datasets()["two-tier"]
        rows = read_rows(two_tier.path)
        before = await unit_count(session)

        result = await import_units(
            session, rows, valid_from=two_tier.valid_from, valid_to=two_tier.valid_to
        )

        assert (result.created, result.renamed, result.unchanged) == (0, 0, len(rows))
        assert not result.changed
        assert await unit_count(session) == before

    async def test_builds_paths_from_the_root(self, session: AsyncSession) -> None:
        rows = [row(2, "PROVINCE", "98"), row(3, "COMMUNE", "99998", "98")]

        result = await import_units(session, rows, valid_from=FUTURE, valid_to=None)

        assert result.created == 2
        province = await session.scalar(select(Unit).where(Unit.code == "98"))
        commune = await session.scalar(select(Unit).where(Unit.code == "99998"))
        assert province is not None
        assert commune is not None
        assert province.path == f"1.{province.id}"
        assert commune.path == f"{province.path}.{commune.id}"
        assert commune.parent_id == province.id
        assert commune.valid_from == FUTURE

    async def test_renames_a_corrected_name(self, session: AsyncSession) -> None:
        two_tier = datasets()["two-tier"]
        rows = read_rows(two_tier.path)
        rows[0] = UnitRow(rows[0].line, rows[0].kind, rows[0].code, "Thủ đô Hà Nội", "")

        result = await import_units(
            session, rows, valid_from=two_tier.valid_from, valid_to=two_tier.valid_to
        )

        assert (result.created, result.renamed) == (0, 1)
        renamed = await session.scalar(
            select(Unit.name).where(Unit.code == "01", Unit.valid_to.is_(None))
        )
        assert renamed == "Thủ đô Hà Nội"

    @pytest.mark.parametrize(
        ("rows", "valid_from", "reason"),
        [
            (
                [row(2, "PROVINCE", "98"), row(3, "COMMUNE", "99998", "97")],
                FUTURE,
                "UNKNOWN_PARENT",
            ),
            # Hà Nội's code is taken from 2025-07-01 on, with no end.
            ([row(2, "PROVINCE", "98"), row(3, "PROVINCE", "01")], FUTURE, "CODE_IN_USE"),
            # A commune of the two-tier tree listed again under another parent.
            (
                [row(2, "PROVINCE", "98"), row(3, "COMMUNE", "07132", "98")],
                date(2025, 7, 1),
                "UNIT_MOVED",
            ),
        ],
    )
    async def test_a_bad_line_rejects_the_whole_list(
        self, session: AsyncSession, rows: list[UnitRow], valid_from: date, reason: str
    ) -> None:
        before = await unit_count(session)

        with pytest.raises(UnitListRejected) as rejected:
            await import_units(session, rows, valid_from=valid_from, valid_to=None)

        assert [(p.line, p.reason) for p in rejected.value.problems] == [(3, reason)]
        assert await unit_count(session) == before
