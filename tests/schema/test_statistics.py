"""Statistics and indicators from the rollups: exact for officials, small cells suppressed for
integrators, and consistent with the approved entries."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.demo_plans import load_demo_plans
from planning.access import Role
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import NOW, Runner
from tests.factories import api_key_on, make_user, unit

STATISTICS = """
query ($unit: ID!, $groupBy: [Dimension!]!) {
  statistics(input: {unit: $unit, cycle: "2030-2035", groupBy: $groupBy}) {
    approvedOnly exact
    total { entries persons suppressed }
    rows { group { dimension value label } entries persons personsShare averageAge suppressed }
  }
}
"""
INDICATORS = """
query ($unit: ID!) {
  indicators(input: {unit: $unit, cycle: "2030-2035"}) {
    approvedOnly exact
    values { code value target met numerator denominator suppressed }
  }
}
"""


@pytest.fixture
async def demo(session: AsyncSession, access: AccessServices) -> None:
    await load_demo_plans(session, access, now=NOW)


async def root_id(session: AsyncSession) -> str:
    return to_global_id("Unit", (await unit(session, "VN")).id)


async def test_national_statistics_by_gender_add_up_for_an_official(
    demo: None, run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    _, official = await make_user(session, access, "viewer.vn", roles=[Role.VIEWER])
    approved = await session.scalar(
        text(
            "SELECT count(*) FROM entry_fact f JOIN cycle c ON c.id = f.cycle_id"
            " WHERE c.code = '2030-2035'"
        )
    )

    result = await run.as_(official).data(
        STATISTICS, {"unit": await root_id(session), "groupBy": ["GENDER"]}
    )

    stats = result["statistics"]
    assert stats["exact"] is True
    assert stats["total"]["entries"] == approved == 12
    assert stats["total"]["persons"] == 12
    assert sum(row["entries"] for row in stats["rows"]) == 12
    assert {row["group"][0]["value"] for row in stats["rows"]} <= {"MALE", "FEMALE"}
    assert {row["group"][0]["label"] for row in stats["rows"]} <= {"male", "female"}
    assert sum(row["personsShare"] for row in stats["rows"]) == pytest.approx(1.0)


async def test_integrators_see_provinces_of_four_persons_suppressed(
    demo: None, run: Runner, session: AsyncSession
) -> None:
    root = await unit(session, "VN")
    integrator = api_key_on(root)

    result = await run.as_(integrator).data(
        STATISTICS, {"unit": await root_id(session), "groupBy": ["CHILD_UNIT"]}
    )

    stats = result["statistics"]
    assert stats["exact"] is False
    assert stats["total"] == {"entries": 12, "persons": 12, "suppressed": False}
    assert len(stats["rows"]) == 3  # the three demo provinces, 4 persons each
    assert all(row["suppressed"] and row["persons"] is None for row in stats["rows"])
    assert {row["group"][0]["label"] for row in stats["rows"]} == {
        "Tỉnh Quảng Ninh",
        "Thành phố Hà Nội",
        "Tỉnh Thanh Hóa",
    }


async def test_indicators_carry_targets_from_the_rule_set(
    demo: None, run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    _, official = await make_user(session, access, "viewer.qn", unit_code="22", roles=[Role.VIEWER])
    women = await session.scalar(
        text(
            "SELECT count(*) FROM entry_fact f JOIN unit u ON f.unit_path <@ u.path "
            "WHERE u.code = '22' AND u.valid_to IS NULL AND f.sex = 'FEMALE'"
        )
    )

    result = await run.as_(official).data(
        INDICATORS, {"unit": to_global_id("Unit", (await unit(session, "22")).id)}
    )

    assert result["indicators"]["approvedOnly"] is True
    by_code: dict[str, Any] = {i["code"]: i for i in result["indicators"]["values"]}
    assert by_code["WOMEN"]["numerator"] == women
    assert by_code["WOMEN"]["denominator"] == 4
    assert by_code["WOMEN"]["target"] == pytest.approx(0.15)
    assert by_code["WOMEN"]["met"] is (women / 4 >= 0.15)
    assert {"YOUNG", "NON_LOCAL_HEADS", "AGE_BAND_COVERAGE", "TITLES_OVER_CAP"} <= set(by_code)


async def test_statistics_outside_the_scope_are_refused(
    demo: None, run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    _, hanoi = await make_user(session, access, "viewer.hn", unit_code="01", roles=[Role.VIEWER])

    codes = await run.as_(hanoi).error_codes(
        STATISTICS, {"unit": await root_id(session), "groupBy": []}
    )

    assert codes == ["NOT_ALLOWED"]


async def test_integrators_cannot_read_small_groups_out_of_the_indicators(
    demo: None, run: Runner, session: AsyncSession
) -> None:
    province = await unit(session, "22")
    integrator = api_key_on(province)

    result = await run.as_(integrator).data(INDICATORS, {"unit": to_global_id("Unit", province.id)})

    by_code = {i["code"]: i for i in result["indicators"]["values"]}
    assert result["indicators"]["exact"] is False
    for code in ("WOMEN", "YOUNG", "MASTER_PHD", "AGE_BAND_COVERAGE"):  # 4 persons in all
        assert by_code[code]["suppressed"] is True, code
        assert by_code[code]["value"] is None, code
        assert by_code[code]["numerator"] is None, code
