"""What an official reads comes in the language the caller asked for (DESIGN.md §7)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from planning.access import Principal, Role
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.messages import Language
from schema.node import to_global_id
from tests.conftest import Runner
from tests.factories import make_user, unit
from tests.schema.plan_helpers import mutation, officials, person, position
from tests.schema.test_plan_workflow import Flow

CREATE = """
mutation ($input: CreatePersonInput!) {
  createPerson(input: $input) {
    __typename
    ... on PersonPayload { person { id version } }
    ... on ValidationFailed { message problems { code field message } }
  }
}
"""
UPDATE = """
mutation ($input: UpdatePersonInput!) {
  updatePerson(input: $input) {
    __typename
    ... on StaleVersion { message currentVersion }
  }
}
"""
REPORT = "query ($id: ID!) { validatePlan(plan: $id) { errors { rule message } } }"


@pytest.fixture
async def clerk(session: AsyncSession, access: AccessServices) -> Principal:
    _, principal = await make_user(
        session, access, "clerk.lang", unit_code="07132", roles=[Role.CLERK]
    )
    return principal


async def answer(run: Runner, query: str, language: Language, **input: Any) -> Any:
    result = await run.result(query, {"input": input}, language=language)
    assert result.errors is None, result.errors
    return next(iter(result.data.values()))


async def new_person(run: Runner, language: Language, **overrides: Any) -> Any:
    commune = await unit(run.session, "07132")
    record: dict[str, Any] = {
        "nationalId": "022080009876",
        "fullName": "Trần Văn Bình",
        "sex": "MALE",
        "birthYear": 1984,
        "unit": to_global_id("Unit", commune.id),
    }
    return await answer(run, CREATE, language, **{**record, **overrides})


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (Language.EN, "Changed since you read it (now version 1): reload and retry."),
        (Language.VI, "Đã có người sửa trước (phiên bản 1): hãy tải lại rồi sửa tiếp."),
    ],
)
async def test_a_stale_version_is_told_in_the_callers_language(
    run: Runner, clerk: Principal, language: Language, expected: str
) -> None:
    created = await new_person(run.as_(clerk), Language.VI)

    stale = await answer(
        run.as_(clerk), UPDATE, language, person=created["person"]["id"], version=0
    )

    assert stale == {"__typename": "StaleVersion", "message": expected, "currentVersion": 1}


@pytest.mark.parametrize(
    ("language", "refused", "birth_year"),
    [
        (Language.EN, "Invalid input.", "the birth year must be between 1946 and 2008"),
        (Language.VI, "Dữ liệu không hợp lệ.", "năm sinh phải từ 1946 đến 2008"),
    ],
)
async def test_a_refused_record_says_why_in_the_callers_language(
    run: Runner, clerk: Principal, language: Language, refused: str, birth_year: str
) -> None:
    answered = await new_person(run.as_(clerk), language, birthYear=1900)

    assert answered["message"] == refused
    assert answered["problems"] == [
        {"code": "BAD_BIRTH_YEAR", "field": "birthYear", "message": birth_year}
    ]


async def test_a_blocked_submission_and_its_report_read_in_vietnamese(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    people = await officials(session, access, commune="07132", approver="22", suffix="lang")
    flow = Flow(run, people)
    await flow.create("07132", "2030-2035", "PROVINCE")
    old = await person(
        session, "07132", "022075000002", "Bùi Thị Lan", birth_year=1975, sex="FEMALE"
    )
    await session.execute(
        text("UPDATE person SET birth_month = 3 WHERE national_id = '022075000002'")
    )
    await flow.add(old, await position(session, "PHO_BI_THU", managed_by=UnitKind.PROVINCE))
    worded = "còn 52 tháng công tác tính đến 07/2030 (nghỉ hưu từ 11/2034); đối tượng 1 cần"

    report = await run.as_(people["clerk"]).result(
        REPORT, {"id": flow.plan["id"]}, language=Language.VI
    )
    submitted = await answer(
        run.as_(people["head"]),
        mutation("submitPlan", "PlanActionInput"),
        Language.VI,
        plan=flow.plan["id"],
        version=flow.plan["version"],
    )

    [error] = report.data["validatePlan"]["errors"]
    assert error["rule"] == "E4"
    assert error["message"].startswith(worded)
    assert submitted["__typename"] == "ValidationFailed"
    assert submitted["problems"][0]["message"].startswith(worded)
