"""Political theory columns hold PoliticalTheory codes; migration 0015 reads old free text the way
planning.theory.theory_level does (case and diacritics aside), and the check refuses the rest."""

from __future__ import annotations

import importlib

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from planning.theory import theory_level

MIGRATION = importlib.import_module("db.migrations.versions.0015_political_theory_levels")
SPELLINGS = [
    "trung cấp",
    "Trung cap",
    "Trung cấp",
    " TRUNG  CẤP ",
    "TRUNG_CAP",
    "Sơ cấp",
    "so cap",
    "Cao cấp",
    "Cử nhân",
    "cu nhan",
    "Trung cấp lý luận",
    "Đại học",
    "",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
async def test_the_migration_reads_old_text_as_the_rules_do(
    session: AsyncSession, spelling: str
) -> None:
    level = MIGRATION._level_of(":spelling")

    found = await session.scalar(text(f"SELECT {level}"), {"spelling": spelling})

    expected = theory_level(spelling)
    assert found == (expected.value if expected else None)


async def test_a_title_standard_given_as_free_text_is_refused(session: AsyncSession) -> None:
    first = "(SELECT min(id) FROM position)"
    await session.execute(
        text(f"UPDATE position SET political_theory_required = 'CAO_CAP' WHERE id = {first}")
    )

    with pytest.raises(IntegrityError, match="ck_position_political_theory_required"):
        await session.execute(
            text(f"UPDATE position SET political_theory_required = 'Cao cấp' WHERE id = {first}")
        )
