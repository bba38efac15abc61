"""Text PostgreSQL or an xlsx file cannot hold, and text over its declared length, sent over HTTP.

Each case answered 500 (or `INTERNAL_ERROR`) before the input guard: PostgreSQL refuses a NUL
byte, and an idempotency key over ≈2.7 KB overflows its primary key's index row. Each must now be
a 400 with `BAD_USER_INPUT` naming the field, in both languages, and nothing written.
"""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.plan_models import Person
from schema.node import to_global_id
from tests.factories import unit

Client = httpx.AsyncClient
NUL = "\x00"


async def post(client: Client, query: str, **variables: Any) -> httpx.Response:
    return await client.post("/graphql", json={"query": query, "variables": variables})


def refused_field(response: httpx.Response) -> str:
    """The field a BAD_USER_INPUT answer names; fails on any other answer."""
    assert response.status_code == 400, response.text
    [error] = response.json()["errors"]
    extensions = error["extensions"]
    assert extensions["code"] == "BAD_USER_INPUT", error
    assert extensions["field"] in extensions["messages"]["en"]
    assert extensions["field"] in extensions["messages"]["vi"]
    return str(extensions["field"])


async def national_unit(session: AsyncSession) -> str:
    return to_global_id("Unit", (await unit(session, "VN")).id)


LOGIN = "mutation ($u: String!) { login(input: {username: $u, password: $u}) { __typename } }"
STATISTICS = "query ($i: StatisticsInput!) { statistics(input: $i) { total { entries } } }"
EXPORT_LINKS = "query ($u: ID!, $c: String!) { exportLinks(unit: $u, cycle: $c) { __typename } }"
UNIT = "query ($c: String) { unit(code: $c) { name } }"
CREATE_PERSON = """
mutation ($i: CreatePersonInput!) { createPerson(input: $i) { __typename } }
"""


def person(unit_id: str, **given: Any) -> dict[str, Any]:
    return {
        "nationalId": "001090000777",
        "fullName": "Trần Thị Bình",
        "sex": "FEMALE",
        "birthYear": 1980,
        "unit": unit_id,
        **given,
    }


class TestNul:
    async def test_in_a_login_username(self, official: Client) -> None:
        assert refused_field(await post(official, LOGIN, u=f"admin{NUL}")) == "input.username"

    async def test_in_a_statistics_cycle(self, official: Client, session: AsyncSession) -> None:
        given = {"unit": await national_unit(session), "cycle": f"2030{NUL}"}

        assert refused_field(await post(official, STATISTICS, i=given)) == "input.cycle"

    async def test_in_an_export_links_cycle(self, official: Client, session: AsyncSession) -> None:
        response = await post(official, EXPORT_LINKS, u=await national_unit(session), c=NUL)

        assert refused_field(response) == "cycle"

    async def test_in_a_unit_code_written_in_the_document(self, official: Client) -> None:
        # A GraphQL string literal may spell NUL as \u0000: no variable needed.
        response = await post(official, '{ unit(code: "01\\u0000") { name } }')

        assert refused_field(response) == "code"

    async def test_in_a_unit_code_variable(self, official: Client) -> None:
        assert refused_field(await post(official, UNIT, c=f"01{NUL}")) == "code"

    async def test_in_a_full_name_nothing_is_written(
        self, official: Client, session: AsyncSession
    ) -> None:
        given = person(await national_unit(session), fullName=f"Trần{NUL}Bình")

        assert refused_field(await post(official, CREATE_PERSON, i=given)) == "input.fullName"
        assert await session.scalar(select(func.count()).select_from(Person)) == 0

    async def test_in_an_export_query_parameter(
        self, official: Client, session: AsyncSession
    ) -> None:
        response = await official.get(
            "/exports/plan-entries.csv",
            params={"unit": await national_unit(session), "cycle": f"2030-2035{NUL}"},
        )

        assert response.status_code == 400, response.text
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["extensions"]["field"] == "cycle"


class TestOtherUnstorableText:
    async def test_a_lone_surrogate_is_refused_and_the_answer_still_encodes(
        self, official: Client
    ) -> None:
        # Python's json reads "\ud800" as a str holding a surrogate, which UTF-8 cannot encode.
        body = '{"query": "query ($c: String) { unit(code: $c) { name } }", '
        body += '"variables": {"c": "\\ud800"}}'
        response = await official.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )

        assert refused_field(response) == "code"
        assert "U+D800" in response.json()["errors"][0]["extensions"]["messages"]["en"]

    async def test_a_control_character_xml_cannot_hold_is_refused(
        self, official: Client, session: AsyncSession
    ) -> None:
        given = person(await national_unit(session), education="Đại học\x0b")

        assert refused_field(await post(official, CREATE_PERSON, i=given)) == "input.education"

    async def test_tab_and_new_lines_are_text(
        self, official: Client, session: AsyncSession
    ) -> None:
        given = person(await national_unit(session), education="Đại học\tLuật\r\nThạc sĩ")

        response = await post(official, CREATE_PERSON, i=given)

        assert response.json()["data"]["createPerson"]["__typename"] == "PersonPayload"


class TestLengths:
    async def test_a_3_kb_idempotency_key(self, official: Client, session: AsyncSession) -> None:
        given = person(await national_unit(session), idempotencyKey="k" * 3_000)

        response = await post(official, CREATE_PERSON, i=given)

        assert refused_field(response) == "input.idempotencyKey"
        [error] = response.json()["errors"]
        assert "at most 200 characters (3000 given)" in error["extensions"]["messages"]["en"]

    async def test_an_idempotency_key_at_its_limit_is_kept(
        self, official: Client, session: AsyncSession
    ) -> None:
        given = person(await national_unit(session), idempotencyKey="ký" * 100)

        first = await post(official, CREATE_PERSON, i=given)
        again = await post(official, CREATE_PERSON, i=given)

        assert first.json() == again.json()
        assert first.json()["data"]["createPerson"]["__typename"] == "PersonPayload"

    async def test_a_210_kb_full_name(self, official: Client, session: AsyncSession) -> None:
        given = person(await national_unit(session), fullName="Nguyễn " * 30_000)

        assert refused_field(await post(official, CREATE_PERSON, i=given)) == "input.fullName"
        assert await session.scalar(select(func.count()).select_from(Person)) == 0

    async def test_a_long_text_in_a_list_names_its_place(
        self, official: Client, session: AsyncSession
    ) -> None:
        given = {
            "unit": await national_unit(session),
            "cycle": "2030-2035",
            "filter": [{"dimension": "GENDER", "values": ["MALE", "F" * 201]}],
        }

        response = await post(official, STATISTICS, i=given)

        assert refused_field(response) == "input.filter[0].values[1]"


class TestMomentsWithoutAnOffset:
    """A moment without an offset names no instant: refused, not compared with the clock (it
    answered 500: a naive datetime compared with an aware one)."""

    CREATE_KEY = """
    mutation ($u: ID!, $e: DateTime) {
      createApiKey(input: {name: "k", unit: $u, expiresAt: $e}) { __typename }
    }
    """

    async def test_in_a_variable(self, official: Client, session: AsyncSession) -> None:
        response = await post(
            official, self.CREATE_KEY, u=await national_unit(session), e="2027-01-01T00:00:00"
        )

        assert response.status_code == 400, response.text
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] != "INTERNAL_ERROR"
        assert "offset" in error["message"]

    async def test_written_in_the_document(self, official: Client, session: AsyncSession) -> None:
        query = self.CREATE_KEY.replace("$e: DateTime", "").replace(
            "expiresAt: $e", 'expiresAt: "2027-01-01T00:00:00"'
        )
        response = await post(official, query, u=await national_unit(session))

        assert response.status_code == 400, response.text
        assert response.json()["errors"][0]["extensions"]["code"] != "INTERNAL_ERROR"

    async def test_with_an_offset_it_is_taken(
        self, official: Client, session: AsyncSession
    ) -> None:
        response = await post(
            official, self.CREATE_KEY, u=await national_unit(session), e="2027-01-01T00:00:00+07:00"
        )

        assert response.json()["data"]["createApiKey"]["__typename"] == "ApiKeyCreated"
