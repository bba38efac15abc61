"""Finding a person nationally by national id: the record inside the caller's scope; outside
it, only where the record is kept (the province to ask), never personal data (DOMAIN.md A.8)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from planning.access import Principal, Role
from schema.access.services import AccessServices
from tests.conftest import Runner
from tests.factories import api_key_on, make_user, unit
from tests.schema.plan_helpers import person

LOOKUP = """
query ($id: String!) {
  personByNationalId(nationalId: $id) {
    __typename
    ... on Person { id fullName birthYear unit { code } }
    ... on PersonRegisteredElsewhere { message person province { id code name kind } }
    ... on PersonNotRegistered { message }
    ... on ValidationFailed { problems { code field } }
  }
}
"""
NATIONAL_ID = "022084001234"


@pytest.fixture
async def recorded(session: AsyncSession) -> str:
    """A cadre of a commune of Quảng Ninh (22)."""
    return await person(session, "07132", NATIONAL_ID, "Trần Thị Bích Ngọc")


async def official(
    session: AsyncSession, access: AccessServices, code: str, name: str
) -> Principal:
    _, principal = await make_user(session, access, name, unit_code=code, roles=[Role.CLERK])
    return principal


async def lookup(run: Runner, national_id: str = NATIONAL_ID) -> dict[str, object]:
    return dict((await run.data(LOOKUP, {"id": national_id}))["personByNationalId"])


async def test_an_official_whose_scope_covers_the_person_reads_the_record(
    run: Runner, session: AsyncSession, access: AccessServices, recorded: str
) -> None:
    clerk = await official(session, access, "07132", "clerk.lookup")

    found = await lookup(run.as_(clerk))

    assert found == {
        "__typename": "Person",
        "id": recorded,
        "fullName": "Trần Thị Bích Ngọc",
        "birthYear": 1984,
        "unit": {"code": "07132"},
    }


async def test_another_province_learns_only_where_to_ask(
    run: Runner, session: AsyncSession, access: AccessServices, recorded: str
) -> None:
    hanoi = await official(session, access, "01", "clerk.hanoi")
    quang_ninh = await unit(session, "22")

    found = await lookup(run.as_(hanoi))

    assert found["__typename"] == "PersonRegisteredElsewhere"
    assert found["person"] == recorded  # to name it in transferPerson
    assert found["province"] == {
        "id": found["province"]["id"],  # type: ignore[index]
        "code": "22",
        "name": quang_ninh.name,
        "kind": "PROVINCE",
    }
    assert quang_ninh.name in str(found["message"])
    answer = json.dumps(found, ensure_ascii=False)
    assert "Trần Thị Bích Ngọc" not in answer
    assert "1984" not in answer


async def test_an_unregistered_id_says_so(
    run: Runner, session: AsyncSession, access: AccessServices, recorded: str
) -> None:
    clerk = await official(session, access, "07132", "clerk.unknown")

    found = await lookup(run.as_(clerk), "001099000001")

    assert found == {
        "__typename": "PersonNotRegistered",
        "message": "no record has this national id",
    }


@pytest.mark.parametrize("given", ["02208400123", "0220840012345", "02208400123a", ""])
async def test_a_malformed_id_is_a_typed_error(
    run: Runner, session: AsyncSession, access: AccessServices, given: str
) -> None:
    clerk = await official(session, access, "07132", "clerk.malformed")

    found = await lookup(run.as_(clerk), given)

    assert found == {
        "__typename": "ValidationFailed",
        "problems": [{"code": "BAD_NATIONAL_ID", "field": "nationalId"}],
    }


async def test_integrators_never_look_persons_up(
    run: Runner, session: AsyncSession, recorded: str
) -> None:
    dashboard = run.as_(api_key_on(await unit(session, "VN")))

    assert await dashboard.error_codes(LOOKUP, {"id": NATIONAL_ID}) == ["OFFICIALS_ONLY"]
