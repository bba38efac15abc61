"""Cadre records through GraphQL: created by clerks, versioned, searched within scope."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from planning.access import Principal, Role
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import Runner
from tests.factories import make_user, unit

CREATE = """
mutation ($input: CreatePersonInput!) {
  createPerson(input: $input) {
    __typename
    ... on PersonPayload { person { id fullName version retirementMonth unit { code }
                                    disciplines { form decidedOn } } }
    ... on ValidationFailed { problems { code field } }
    ... on NotAllowed { code }
    ... on IdempotencyKeyReused { message }
  }
}
"""
UPDATE = """
mutation ($input: UpdatePersonInput!) {
  updatePerson(input: $input) {
    __typename
    ... on PersonPayload { person { version currentPosition } }
    ... on StaleVersion { currentVersion }
  }
}
"""
SEARCH = "query ($s: String) { persons(search: $s) { edges { node { fullName } } } }"


@pytest.fixture
async def clerk(session: AsyncSession, access: AccessServices) -> Principal:
    _, principal = await make_user(
        session, access, "clerk.qy", unit_code="07132", roles=[Role.CLERK]
    )
    return principal


async def create(run: Runner, **overrides: Any) -> Any:
    commune = await unit(run.session, "07132")
    person = {
        "nationalId": "022080001234",
        "fullName": "Nguyễn Thị Hồng Nhung",
        "sex": "FEMALE",
        "birthYear": 1985,
        "birthMonth": 9,
        "unit": to_global_id("Unit", commune.id),
        **overrides,
    }
    return (await run.data(CREATE, {"input": person}))["createPerson"]


class TestCreatePerson:
    async def test_a_clerk_records_a_person_of_the_commune(
        self, run: Runner, clerk: Principal
    ) -> None:
        created = await create(
            run.as_(clerk), disciplines=[{"form": "REPRIMAND", "decidedOn": "2024-03-01"}]
        )

        assert created["__typename"] == "PersonPayload"
        person = created["person"]
        assert person["unit"] == {"code": "07132"}
        assert person["version"] == 1
        assert person["retirementMonth"] == "09/2045"  # 60 years: women reaching it after 2035
        assert person["disciplines"] == [{"form": "REPRIMAND", "decidedOn": "2024-03-01"}]

    async def test_the_same_national_id_is_one_record(self, run: Runner, clerk: Principal) -> None:
        await create(run.as_(clerk))

        again = await create(run.as_(clerk), fullName="Nguyễn T. H. Nhung")

        assert again["problems"] == [{"code": "NATIONAL_ID_TAKEN", "field": "nationalId"}]

    @pytest.mark.parametrize(
        ("overrides", "code"),
        [
            ({"nationalId": "02208000123"}, "BAD_NATIONAL_ID"),
            ({"birthMonth": None, "birthDay": 3}, "BAD_BIRTH_DAY"),
            ({"birthMonth": 2, "birthDay": 30}, "BAD_BIRTH_DAY"),
            ({"birthYear": 1900}, "BAD_BIRTH_YEAR"),
            ({"retirementOverrideMonths": 900}, "BAD_RETIREMENT_AGE"),
        ],
    )
    async def test_refuses_bad_input(
        self, run: Runner, clerk: Principal, overrides: dict[str, Any], code: str
    ) -> None:
        created = await create(run.as_(clerk), **overrides)

        assert [p["code"] for p in created["problems"]] == [code]

    async def test_refuses_a_unit_outside_the_clerks_subtree(
        self, run: Runner, clerk: Principal
    ) -> None:
        hanoi = await unit(run.session, "00004")

        created = await create(run.as_(clerk), unit=to_global_id("Unit", hanoi.id))

        assert created["__typename"] == "NotAllowed"


class TestUpdatePerson:
    async def test_a_stale_version_is_refused_with_the_current_one(
        self, run: Runner, clerk: Principal
    ) -> None:
        as_clerk = run.as_(clerk)
        person = (await create(as_clerk))["person"]
        change = {"person": person["id"], "currentPosition": "Phó Chủ tịch UBND phường"}

        first = await as_clerk.data(UPDATE, {"input": {**change, "version": 1}})
        stale = await as_clerk.data(UPDATE, {"input": {**change, "version": 1}})

        assert first["updatePerson"]["person"] == {
            "version": 2,
            "currentPosition": "Phó Chủ tịch UBND phường",
        }
        assert stale["updatePerson"] == {"__typename": "StaleVersion", "currentVersion": 2}


class TestPersons:
    async def test_search_ignores_accents_and_stays_in_scope(
        self, run: Runner, clerk: Principal, session: AsyncSession, access: AccessServices
    ) -> None:
        await create(run.as_(clerk))
        _, hanoi_viewer = await make_user(
            session, access, "viewer.hn", unit_code="01", roles=[Role.VIEWER]
        )
        _, qn_viewer = await make_user(
            session, access, "viewer.qn", unit_code="22", roles=[Role.VIEWER]
        )

        found = await run.as_(qn_viewer).data(SEARCH, {"s": "nguyen hong nhung"})
        hidden = await run.as_(hanoi_viewer).data(SEARCH, {"s": "nguyen"})

        assert found["persons"]["edges"] == [{"node": {"fullName": "Nguyễn Thị Hồng Nhung"}}]
        assert hidden["persons"]["edges"] == []

    async def test_integrators_never_see_persons(self, run: Runner, clerk: Principal) -> None:
        key = Principal(user_id=None, api_key_id=1, name="key", grants=clerk.grants)

        assert await run.as_(key).error_codes(SEARCH) == ["OFFICIALS_ONLY"]


class TestRetries:
    async def test_a_retried_create_with_the_same_key_creates_once(
        self, run: Runner, clerk: Principal
    ) -> None:
        first = await create(run.as_(clerk), idempotencyKey="tablet-7")
        retried = await create(run.as_(clerk), idempotencyKey="tablet-7")
        other = await create(run.as_(clerk), idempotencyKey="tablet-7", fullName="Người khác")

        assert first["__typename"] == retried["__typename"] == "PersonPayload"
        assert first["person"]["id"] == retried["person"]["id"]
        assert other["__typename"] == "IdempotencyKeyReused"
