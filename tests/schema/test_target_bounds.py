"""setTarget takes a share from 0 to 1 (the age bands: a count from 0 to 3), nothing else."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from planning.access import Role
from schema.access.services import AccessServices
from schema.messages import Language
from schema.node import to_global_id
from tests.conftest import Runner
from tests.factories import make_user, unit

TARGET = """
mutation ($input: SetTargetInput!) {
  setTarget(input: $input) {
    __typename
    ... on TargetPayload { atLeast }
    ... on ValidationFailed { problems { code field message } }
  }
}
"""


async def test_a_share_outside_0_to_1_is_refused_with_a_typed_problem(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    _, admin = await make_user(session, access, "admin.qn", unit_code="22", roles=[Role.ADMIN])
    province = to_global_id("Unit", (await unit(session, "22")).id)

    async def target(indicator: str, at_least: float, language: Language = Language.EN) -> Any:
        variables = {
            "input": {
                "province": province,
                "ruleSet": "QD377_2025",
                "indicator": indicator,
                "atLeast": at_least,
            }
        }
        result = await run.as_(admin).result(TARGET, variables, language=language)
        assert result.errors is None, result.errors
        answer = result.data["setTarget"]
        return answer

    thirty = await target("WOMEN", 30)
    negative = await target("SCI_TECH", -0.05)
    in_vietnamese = await target("YOUNG", 1.5, Language.VI)
    four_bands = await target("AGE_BANDS", 4)

    assert thirty == {
        "__typename": "ValidationFailed",
        "problems": [
            {
                "code": "TARGET_SHARE_OUT_OF_RANGE",
                "field": "atLeast",
                "message": "a target share lies from 0 to 1 (0.3 is 30%), not 30.0",
            }
        ],
    }
    assert negative["problems"][0]["code"] == "TARGET_SHARE_OUT_OF_RANGE"
    assert in_vietnamese["problems"][0]["message"] == (
        "tỷ lệ chỉ tiêu phải từ 0 đến 1 (0,3 là 30%), không phải 1.5"
    )
    assert four_bands["problems"][0]["code"] == "TARGET_BANDS_OUT_OF_RANGE"
    assert await target("WOMEN", 1) == {"__typename": "TargetPayload", "atLeast": 1.0}
    assert await target("SCI_TECH", 0.05) == {"__typename": "TargetPayload", "atLeast": 0.05}
    assert await target("AGE_BANDS", 3) == {"__typename": "TargetPayload", "atLeast": 3.0}


async def test_not_a_number_never_reaches_the_rule_set(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    _, admin = await make_user(session, access, "admin.qn", unit_code="22", roles=[Role.ADMIN])
    province = to_global_id("Unit", (await unit(session, "22")).id)
    for value in (math.nan, math.inf):
        variables = {
            "input": {
                "province": province,
                "ruleSet": "QD377_2025",
                "indicator": "WOMEN",
                "atLeast": value,
            }
        }
        result = await run.as_(admin).result(TARGET, variables)
        # GraphQL's Float has no NaN nor infinity: refused as a bad variable, never stored.
        assert result.data is None
        assert result.errors
        assert "Float" in result.errors[0].message
