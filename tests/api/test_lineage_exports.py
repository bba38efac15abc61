"""Exports follow lineage for reading (DOMAIN.md A.11): the new Quảng Ninh downloads the old
district's approved entries; an official of another province is refused them."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from planning.access import Role
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.api.export_helpers import bearer, code_of, csv_rows
from tests.factories import unit
from tests.schema.test_lineage_reads import THREE_TIER, Old, old

__all__ = ["old"]  # the fixture: the old Phường Quảng Yên's plan, approved in June 2025


async def test_the_new_province_exports_the_old_districts_entries(
    old: Old, anonymous: httpx.AsyncClient, session: AsyncSession, access: AccessServices
) -> None:
    district = to_global_id("Unit", (await unit(session, "206", THREE_TIER)).id)
    params = {"unit": district, "cycle": "2025-2030"}
    mine = await bearer(anonymous, session, access, "viewer.lin22", "22", Role.VIEWER)
    theirs = await bearer(anonymous, session, access, "viewer.lin01", "01", Role.VIEWER)

    exported = await anonymous.get("/exports/plan-entries.csv", params=params, headers=mine)
    refused = await anonymous.get("/exports/plan-entries.csv", params=params, headers=theirs)

    assert exported.status_code == 200
    _, *rows = csv_rows(exported)
    assert len(rows) == 1
    assert "Đỗ Văn Kế" in rows[0]
    assert refused.status_code == 403
    assert code_of(refused) == "NOT_ALLOWED"
