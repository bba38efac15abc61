"""CSV and XLSX exports over HTTP: the same rows as the GraphQL queries they mirror."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import ClientDisconnect
from starlette.types import Message, Scope

from api.export_tables import PLAN_ENTRY_COLUMNS
from api.exports import ExportResponse
from api.tabular import CsvTable
from db import exports as exports_db
from db.plan_models import Cycle
from planning.access import Role
from schema.access.services import AccessServices
from tests.api.export_helpers import (
    CYCLE,
    INDICATORS,
    STATISTICS,
    api_key,
    approved_commune,
    bearer,
    code_of,
    csv_rows,
    expected_plan_list,
    graphql,
    load_demo,
    sheet_rows,
    statistics_csv,
    text,
    unit_id,
)
from tests.factories import make_user, unit

Client = httpx.AsyncClient


@pytest.fixture
async def demo(session: AsyncSession, access: AccessServices) -> None:
    await load_demo(session, access)


class TestPlanEntries:
    async def test_csv_holds_the_approved_entries_graphql_lists(
        self, demo: None, anonymous: Client, session: AsyncSession, access: AccessServices
    ) -> None:
        viewer = await bearer(anonymous, session, access, "viewer.qn", "22", Role.VIEWER)
        expected = await expected_plan_list(anonymous, viewer, session, "22")

        response = await anonymous.get(
            "/exports/plan-entries.csv",
            params={"unit": await unit_id(session, "22"), "cycle": CYCLE},
            headers={**viewer, "accept-language": "en"},
        )

        assert response.status_code == 200
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.headers["content-disposition"] == (
            'attachment; filename="plan-entries-22-2030-2035.csv"'
        )
        header, *rows = csv_rows(response)
        assert header == [title.en for title in PLAN_ENTRY_COLUMNS]
        assert len(expected) == 4  # one approved commune plan of four entries
        assert sorted(rows) == sorted(expected)

    async def test_xlsx_holds_the_same_rows_with_vietnamese_titles(
        self, demo: None, anonymous: Client, session: AsyncSession, access: AccessServices
    ) -> None:
        viewer = await bearer(anonymous, session, access, "viewer.qn", "22", Role.VIEWER)
        params = {"unit": await unit_id(session, "22"), "cycle": CYCLE}

        as_csv = await anonymous.get("/exports/plan-entries.csv", params=params, headers=viewer)
        as_xlsx = await anonymous.get("/exports/plan-entries.xlsx", params=params, headers=viewer)

        assert as_xlsx.status_code == 200
        assert as_xlsx.headers["content-type"] == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        assert as_xlsx.headers["content-disposition"].endswith('.xlsx"')
        rows = sheet_rows(as_xlsx.content)
        assert rows[0][:2] == ["Mã đơn vị", "Đơn vị quy hoạch"]
        assert rows == csv_rows(as_csv)

    async def test_a_national_viewer_gets_every_province_in_order(
        self, demo: None, anonymous: Client, session: AsyncSession, access: AccessServices
    ) -> None:
        viewer = await bearer(anonymous, session, access, "viewer.vn", "VN", Role.VIEWER)

        response = await anonymous.get(
            "/exports/plan-entries.csv",
            params={"unit": await unit_id(session, "VN"), "cycle": CYCLE},
            headers=viewer,
        )

        _, *rows = csv_rows(response)
        assert len(rows) == 12
        assert [row[0] for row in rows] == sorted(row[0] for row in rows)
        assert {row[2] for row in rows} == {"01", "22", "38"}  # approved by each province

    @pytest.mark.parametrize("asked", ["VN", "01"])
    async def test_a_unit_outside_the_scope_is_refused(
        self,
        asked: str,
        demo: None,
        anonymous: Client,
        session: AsyncSession,
        access: AccessServices,
    ) -> None:
        viewer = await bearer(anonymous, session, access, "viewer.qn", "22", Role.VIEWER)

        response = await anonymous.get(
            "/exports/plan-entries.xlsx",
            params={"unit": await unit_id(session, asked), "cycle": CYCLE},
            headers=viewer,
        )

        assert response.status_code == 403
        assert code_of(response) == "NOT_ALLOWED"

    async def test_a_commune_official_gets_the_commune_and_not_its_province(
        self, demo: None, anonymous: Client, session: AsyncSession, access: AccessServices
    ) -> None:
        code = await approved_commune(session, "22")
        viewer = await bearer(anonymous, session, access, "viewer.commune", code, Role.VIEWER)

        own = await anonymous.get(
            "/exports/plan-entries.csv",
            params={"unit": await unit_id(session, code), "cycle": CYCLE},
            headers=viewer,
        )
        province = await anonymous.get(
            "/exports/plan-entries.csv",
            params={"unit": await unit_id(session, "22"), "cycle": CYCLE},
            headers=viewer,
        )

        assert len(csv_rows(own)) == 1 + 4
        assert province.status_code == 403

    async def test_rows_outside_the_reach_never_leave_the_database(
        self, demo: None, session: AsyncSession, access: AccessServices
    ) -> None:
        # Whatever subtree is asked for, only the units the reaches cover come out: here the
        # whole country is asked with the reaches of a viewer of Quảng Ninh.
        _, qn = await make_user(session, access, "viewer.qn", unit_code="22", roles=[Role.VIEWER])
        country = await unit(session, "VN")
        # The demo's current cycle (its old-tree plans are of another one).
        cycle_id = await session.scalar(select(Cycle.id).where(Cycle.code == CYCLE))
        assert cycle_id is not None
        reaches = access.policy.reaches(qn, "read", "person")

        async with exports_db.approved_entries(
            session,
            unit_path=country.path,
            cycle_id=cycle_id,
            person_reaches=reaches,
            plan_reaches=access.policy.reaches(qn, "read", "plan"),
            batch_size=3,
        ) as batches:
            sizes, approving = [], set()
            async for batch in batches:
                sizes.append(len(batch))
                approving |= {entry.approving_unit_code for entry in batch}

        assert sizes == [3, 1]  # read from a cursor three at a time
        assert approving == {"22"}


class TestStatistics:
    async def test_an_integrator_gets_the_graphql_answer_with_small_cells_suppressed(
        self, demo: None, anonymous: Client, session: AsyncSession, access: AccessServices
    ) -> None:
        key = await api_key(anonymous, session, access)
        province = await unit_id(session, "22")
        input = {"unit": province, "cycle": CYCLE, "groupBy": ["GENDER", "AGE_BAND"]}
        answer = await graphql(anonymous, key, STATISTICS, input=input)

        response = await anonymous.get(
            "/exports/statistics.csv",
            params=[
                ("unit", province),
                ("cycle", CYCLE),
                ("groupBy", "GENDER"),
                ("groupBy", "AGE_BAND"),
            ],
            headers=key,
        )

        assert response.status_code == 200
        rows = csv_rows(response)
        assert rows == statistics_csv(answer, ["GENDER", "AGE_BAND"])
        assert len(rows) > 2
        # Four persons in the province: every group is smaller than five, and so is the total.
        suppressed = rows[0].index("suppressed")
        assert all(
            row[suppressed] == "true" and row[rows[0].index("persons")] == "" for row in rows[1:]
        )

    async def test_an_official_gets_exact_counts_in_both_formats(
        self, demo: None, anonymous: Client, session: AsyncSession, access: AccessServices
    ) -> None:
        viewer = await bearer(anonymous, session, access, "viewer.vn", "VN", Role.VIEWER)
        country = await unit_id(session, "VN")
        answer = await graphql(
            anonymous,
            viewer,
            STATISTICS,
            input={
                "unit": country,
                "cycle": CYCLE,
                "groupBy": ["CHILD_UNIT"],
                "filter": [{"dimension": "GENDER", "values": ["MALE", "FEMALE"]}],
            },
        )
        params = httpx.QueryParams(
            [
                ("unit", country),
                ("cycle", CYCLE),
                ("groupBy", "CHILD_UNIT"),
                ("filter", "GENDER:MALE,FEMALE"),
            ]
        )

        as_csv = await anonymous.get("/exports/statistics.csv", params=params, headers=viewer)
        as_xlsx = await anonymous.get("/exports/statistics.xlsx", params=params, headers=viewer)

        before_any = await anonymous.get(
            "/exports/statistics.csv", params=params.add("at", "2020-01-01"), headers=viewer
        )

        expected = statistics_csv(answer, ["CHILD_UNIT"])
        assert csv_rows(as_csv) == expected
        assert sheet_rows(as_xlsx.content) == expected
        assert expected[-1][:1] + expected[-1][3:5] == ["total", "12", "12"]
        # `at` reaches the query: nothing was approved on 1 January 2020.
        assert csv_rows(before_any)[-1][:1] + csv_rows(before_any)[-1][3:5] == ["total", "0", "0"]

    async def test_submitted_plans_are_counted_when_asked_and_labelled(
        self, demo: None, anonymous: Client, session: AsyncSession, access: AccessServices
    ) -> None:
        viewer = await bearer(anonymous, session, access, "viewer.qn", "22", Role.VIEWER)
        params = {"unit": await unit_id(session, "22"), "cycle": CYCLE}

        approved = csv_rows(
            await anonymous.get("/exports/statistics.csv", params=params, headers=viewer)
        )
        submitted = csv_rows(
            await anonymous.get(
                "/exports/statistics.csv",
                params={**params, "includeSubmitted": "true"},
                headers=viewer,
            )
        )

        entries = approved[0].index("entries")
        assert approved[-1][-1] == "true"
        assert submitted[-1][-1] == "false"  # approvedOnly: these figures are not approved ones
        assert int(submitted[-1][entries]) > int(approved[-1][entries])

    async def test_indicators_mirror_graphql_for_an_integrator(
        self, demo: None, anonymous: Client, session: AsyncSession, access: AccessServices
    ) -> None:
        key = await api_key(anonymous, session, access)
        province = await unit_id(session, "22")
        answer = (
            await graphql(anonymous, key, INDICATORS, input={"unit": province, "cycle": CYCLE})
        )["indicators"]

        response = await anonymous.get(
            "/exports/indicators.xlsx", params={"unit": province, "cycle": CYCLE}, headers=key
        )

        assert response.status_code == 200
        header, *rows = sheet_rows(response.content)
        fields = [
            "code",
            "label",
            "value",
            "target",
            "met",
            "numerator",
            "denominator",
            "suppressed",
        ]
        assert header == [*fields, "approvedOnly"]
        assert rows == [
            [text(v[f]) for f in fields] + [text(answer["approvedOnly"])] for v in answer["values"]
        ]
        assert any(row[fields.index("suppressed")] == "true" for row in rows)


EXPORT_LINKS = """
query ($unit: ID!) {
  exportLinks(unit: $unit, cycle: "2030-2035") {
    planEntriesCsv planEntriesXlsx statisticsCsv statisticsXlsx indicatorsCsv indicatorsXlsx
  }
}
"""


class TestExportLinks:
    async def test_an_official_gets_every_link_and_each_one_works(
        self, demo: None, anonymous: Client, session: AsyncSession, access: AccessServices
    ) -> None:
        viewer = await bearer(anonymous, session, access, "viewer.qn", "22", Role.VIEWER)

        links = (await graphql(anonymous, viewer, EXPORT_LINKS, unit=await unit_id(session, "22")))[
            "exportLinks"
        ]

        urls = list(links.values())
        assert len(urls) == 6
        assert all(urls)
        for url in urls:
            assert (await anonymous.get(url, headers=viewer)).status_code == 200, url

    async def test_an_integrator_gets_no_plan_list_link(
        self, demo: None, anonymous: Client, session: AsyncSession, access: AccessServices
    ) -> None:
        key = await api_key(anonymous, session, access)

        links = (await graphql(anonymous, key, EXPORT_LINKS, unit=await unit_id(session, "22")))[
            "exportLinks"
        ]

        assert links["planEntriesCsv"] is links["planEntriesXlsx"] is None
        assert links["statisticsCsv"].startswith("/exports/statistics.csv?unit=")
        assert links["indicatorsXlsx"].startswith("/exports/indicators.xlsx?unit=")

    async def test_outside_the_scope_there_are_no_links(
        self, anonymous: Client, session: AsyncSession, access: AccessServices
    ) -> None:
        viewer = await bearer(anonymous, session, access, "viewer.qn", "22", Role.VIEWER)

        links = (await graphql(anonymous, viewer, EXPORT_LINKS, unit=await unit_id(session, "01")))[
            "exportLinks"
        ]

        assert set(links.values()) == {None}


async def test_a_download_cut_short_closes_its_cursor_at_once() -> None:
    closed: list[bool] = []

    async def body() -> AsyncGenerator[bytes, None]:
        try:
            yield b"first rows"
            yield b"more rows"
        finally:
            closed.append(True)  # where the export closes its database cursor

    async def receive() -> Message:
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.body":
            raise OSError("the client hung up")

    response = ExportResponse(body(), CsvTable(["x"]), "x")
    scope: Scope = {"type": "http", "asgi": {"spec_version": "2.4"}}

    with pytest.raises(ClientDisconnect):
        await response(scope, receive, send)

    assert closed == [True]
