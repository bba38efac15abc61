"""Export requests refused as the GraphQL API refuses them: 401, 403, and 400 with a code."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.api.export_helpers import CYCLE, api_key, code_of, load_demo, unit_id

Client = httpx.AsyncClient


@pytest.fixture
async def demo(session: AsyncSession, access: AccessServices) -> None:
    await load_demo(session, access)


class TestRefusals:
    async def test_an_integrator_never_gets_the_plan_list(
        self, demo: None, anonymous: Client, session: AsyncSession, access: AccessServices
    ) -> None:
        key = await api_key(anonymous, session, access)

        response = await anonymous.get(
            "/exports/plan-entries.csv",
            params={"unit": await unit_id(session, "22"), "cycle": CYCLE},
            headers=key,
        )

        assert response.status_code == 403
        assert code_of(response) == "OFFICIALS_ONLY"

    @pytest.mark.parametrize("export", ["plan-entries", "statistics", "indicators"])
    async def test_without_credentials_nothing_is_exported(
        self, export: str, anonymous: Client, session: AsyncSession
    ) -> None:
        params = {"unit": await unit_id(session, "22"), "cycle": CYCLE}

        nobody = await anonymous.get(f"/exports/{export}.csv", params=params)
        forged = await anonymous.get(
            f"/exports/{export}.csv", params=params, headers={"authorization": "Bearer qh_1_x"}
        )

        assert (nobody.status_code, code_of(nobody)) == (401, "UNAUTHENTICATED")
        assert (forged.status_code, code_of(forged)) == (401, "INVALID_TOKEN")

    async def test_statistics_outside_the_scope_are_refused_as_graphql_refuses_them(
        self, demo: None, anonymous: Client, session: AsyncSession, access: AccessServices
    ) -> None:
        key = await api_key(anonymous, session, access)

        response = await anonymous.get(
            "/exports/indicators.csv",
            params={"unit": await unit_id(session, "01"), "cycle": CYCLE},
            headers={**key, "accept-language": "en"},
        )

        assert response.status_code == 403
        assert code_of(response) == "NOT_ALLOWED"
        assert response.json()["errors"][0]["message"].startswith("You may not")


BAD_PARAMETERS: list[tuple[str, str, dict[str, str], str]] = [
    ("plan-entries", "csv", {"cycle": CYCLE}, "BAD_ARGUMENTS"),
    ("plan-entries", "csv", {"unit": "{22}", "cycle": CYCLE, "unit2": "x"}, "BAD_ARGUMENTS"),
    ("plan-entries", "csv", {"unit": "not-an-id", "cycle": CYCLE}, "INVALID_ID"),
    ("plan-entries", "csv", {"unit": "{person}", "cycle": CYCLE}, "INVALID_ID"),
    ("plan-entries", "xlsx", {"unit": "{missing}", "cycle": CYCLE}, "INVALID_ID"),
    ("plan-entries", "csv", {"unit": "{22}", "cycle": "1990-1995"}, "BAD_ARGUMENTS"),
    ("plan-entries", "pdf", {"unit": "{22}", "cycle": CYCLE}, "UNSUPPORTED_FORMAT"),
    ("statistics", "csv", {"unit": "{22}"}, "BAD_ARGUMENTS"),
    ("statistics", "csv", {"unit": "{22}", "cycle": "1990-1995"}, "BAD_ARGUMENTS"),
    ("statistics", "csv", {"unit": "{22}", "cycle": CYCLE, "groupBy": "COLOUR"}, "BAD_ARGUMENTS"),
    ("statistics", "csv", {"unit": "{22}", "cycle": CYCLE, "groupby": "GENDER"}, "BAD_ARGUMENTS"),
    ("statistics", "csv", {"unit": "{22}", "cycle": CYCLE, "filter": "GENDER"}, "BAD_ARGUMENTS"),
    ("statistics", "csv", {"unit": "{22}", "cycle": CYCLE, "filter": "SEX:MALE"}, "BAD_ARGUMENTS"),
    ("statistics", "xlsx", {"unit": "{person}", "cycle": CYCLE}, "INVALID_ID"),
    ("statistics", "xls", {"unit": "{22}", "cycle": CYCLE}, "UNSUPPORTED_FORMAT"),
    ("indicators", "csv", {"unit": "{missing}", "cycle": CYCLE}, "INVALID_ID"),
    (
        "indicators",
        "csv",
        {"unit": "{22}", "cycle": CYCLE, "includeSubmitted": "yes"},
        "BAD_ARGUMENTS",
    ),
    ("indicators", "json", {"unit": "{22}", "cycle": CYCLE}, "UNSUPPORTED_FORMAT"),
    ("indicators", "csv", {"unit": "{22}", "cycle": CYCLE, "at": "21/11/2026"}, "BAD_ARGUMENTS"),
    ("statistics", "csv", {"unit": "{22}", "cycle": CYCLE, "at": "2026-02-30"}, "BAD_ARGUMENTS"),
]


@pytest.mark.parametrize(("export", "format", "params", "code"), BAD_PARAMETERS)
async def test_a_bad_parameter_is_a_400_with_a_code(
    export: str,
    format: str,
    params: dict[str, str],
    code: str,
    client: Client,
    session: AsyncSession,
) -> None:
    ids = {
        "{22}": await unit_id(session, "22"),
        "{person}": to_global_id("Person", 1),
        "{missing}": to_global_id("Unit", 2**62),
    }
    params = {name: ids.get(value, value) for name, value in params.items()}

    response = await client.get(f"/exports/{export}.{format}", params=params)

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert code_of(response) == code
