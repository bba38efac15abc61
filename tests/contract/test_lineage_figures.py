"""Figures carry over (issue 12, point 5), over HTTP with the demo logins: the new Quảng Ninh's
officials and integrators read the 2025–2030 entries approved on the old tree as the old
province's did, a group "carried over from the old Quảng Ninh" among its children, progress
that does not read "nothing submitted" for a commune whose predecessor's plan is approved, and
a past day answered on the old tree.

What the old tree approved is replayed once, on its day (June 2025), by the demo's three-tier
logins through the real schema (the server's clock is "today", on which those units are
closed). Other modules may replay plans of their own on the old tree: the figures are compared
between the two trees, never with a fixed number. Every id the tests use comes from an answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

import db
from db import access as access_db
from schema.access.services import AccessServices
from schema.context import Context
from schema.root import schema
from tests.conftest import NOW, RULE_SETS
from tests.contract.client import Api
from tests.contract.desk import GOOD_BALLOT, PLAN

JUNE_2025 = datetime(2025, 6, 20, 9, 0, tzinfo=NOW.tzinfo)
OLD_COMMUNE = "07132"  # of Thị xã Quảng Yên (206), continued by today's Phường Quảng Yên
DECISION = "21-QĐ/UB"
# Five cadres, so that an integrator's figures are not suppressed (fewer than 5 persons are).
CADRES = [
    ("022084021201", "Đinh Thị Hoa", "FEMALE", "PCT_UBND"),
    ("022084021202", "Đoàn Văn Bình", "MALE", "PCT_UBND"),
    ("022084021203", "Lương Thị Mai", "FEMALE", "PCT_UBND"),
    ("022084021204", "Tạ Văn Cường", "MALE", "CT_UBND"),
    ("022084021205", "Mạc Văn Dũng", "MALE", "CT_UBND"),
]


@pytest.fixture(scope="module")
async def approved_in_june_2025(base_url: str, demo_database: str, access: AccessServices) -> None:
    """In June 2025 the old commune's plan for 2025–2030 was approved by its district, as its
    demo officials would have done it, through the schema, on that day."""
    engine = db.create_engine(demo_database, pool_size=1)
    try:
        async with db.create_sessionmaker(engine)() as session:

            async def run(username: str, document: str, **variables: Any) -> dict[str, Any]:
                user = await access_db.user_by_username(session, username=username)
                assert user is not None, username
                principal = await access_db.principal_of_user(session, user_id=user.id)
                context = Context(
                    session=session,
                    now=JUNE_2025,
                    access=access,
                    principal=principal,
                    rule_sets=RULE_SETS,
                    request_id="june-2025-figures",
                )
                result = await schema.execute(
                    document, variable_values=variables, context_value=context
                )
                assert result.errors is None, result.errors
                assert result.data is not None
                return dict(result.data)

            async def mutate(username: str, name: str, input_type: str, **input: Any) -> Any:
                document = f"mutation ($i: {input_type}!) {{ {name}(input: $i) {{ {PLAN} }} }}"
                return (await run(username, document, i=input))[name]

            commune = (await run("viewer.206.old", f'{{ unit(code: "{OLD_COMMUNE}") {{ id }} }}'))[
                "unit"
            ]
            titles = (
                await run(
                    "clerk.206.old",
                    "query ($u: ID!) { positions(unit: $u, managedBy: DISTRICT)"
                    " { position { id code } } }",
                    u=commune["id"],
                )
            )["positions"]
            title = {choice["position"]["code"]: choice["position"]["id"] for choice in titles}
            plan = (
                await mutate(
                    "clerk.206.old",
                    "createPlan",
                    "CreatePlanInput",
                    unit=commune["id"],
                    cycle="2025-2030",
                    kind="NEXT_TERM",
                    managedBy="DISTRICT",
                )
            )["plan"]
            for national_id, name, sex, code in CADRES:
                person = (
                    await run(
                        "clerk.206.old",
                        "mutation ($i: CreatePersonInput!) { createPerson(input: $i) {"
                        " __typename ... on PersonPayload { person { id } } } }",
                        i={
                            "nationalId": national_id,
                            "fullName": name,
                            "sex": sex,
                            "birthYear": 1984,
                            "birthMonth": 3,
                            "unit": commune["id"],
                            "currentRank": 9,
                            "politicalStandardOk": True,
                            "politicalTheory": "CAO_CAP",
                        },
                    )
                )["createPerson"]
                added = await mutate(
                    "clerk.206.old",
                    "addPlanEntry",
                    "AddPlanEntryInput",
                    plan=plan["id"],
                    version=plan["version"],
                    person=person["person"]["id"],
                    position=title[code],
                    tier="T1",
                    ballots=[GOOD_BALLOT],
                )
                assert added["__typename"] == "PlanPayload", added
                plan = added["plan"]
            for who, name, input_type, extra in (
                ("head.206.old", "submitPlan", "PlanActionInput", {}),
                ("appraiser.206.old", "receivePlan", "PlanActionInput", {}),
                ("appraiser.206.old", "appraisePlan", "AppraisePlanInput", {"report": "Đạt"}),
                (
                    "approver.206.old",
                    "approvePlan",
                    "ApprovePlanInput",
                    {"decisionNumber": DECISION, "decisionDate": "2025-06-20"},
                ),
            ):
                answer = await mutate(
                    who, name, input_type, plan=plan["id"], version=plan["version"], **extra
                )
                assert answer["__typename"] == "PlanPayload", (name, answer)
                plan = answer["plan"]
            assert plan["status"] == "APPROVED"
    finally:
        await engine.dispose()


UNITS = """
{
  old: unit(code: "22", at: "2025-06-30") { id name }
  new: unit(code: "22") { id name }
  commune: unit(code: "07132") { id name }
}
"""
STATISTICS = """
query ($u: ID!, $groupBy: [Dimension!]!, $at: Date) {
  statistics(input: {unit: $u, cycle: "2025-2030", groupBy: $groupBy, at: $at}) {
    exact total { entries persons suppressed }
    rows { group { value label } entries persons suppressed }
  }
}
"""
PROGRESS = """
query ($u: ID!) {
  progress(input: {unit: $u, cycle: "2025-2030"}) {
    children { unit { id code } counts { status count } carriedOver { status count }
               submissionOverdue }
  }
}
"""


async def figures(
    api: Api, username: str, unit_id: str, group_by: list[str], at: str | None = None
) -> dict[str, Any]:
    client = await api.login(username)
    answer = await client.data(STATISTICS, {"u": unit_id, "groupBy": group_by, "at": at})
    return dict(answer["statistics"])


@pytest.mark.usefixtures("approved_in_june_2025")
async def test_the_new_provinces_officials_read_the_old_provinces_figures(api: Api) -> None:
    units = await (await api.login("viewer.22")).data(UNITS)
    old, new = units["old"]["id"], units["new"]["id"]

    for group_by in ([], ["GENDER"]):
        now_old = await figures(api, "approver.22.old", old, group_by)
        now_new = await figures(api, "approver.22", new, group_by)
        assert now_new == now_old
    assert now_new["exact"] is True
    assert now_new["total"]["entries"] >= len(CADRES)
    # An integrator reads them too, suppressed as on the old tree and no more.
    seen_new = await figures(api, "integrator.22", new, [])
    assert seen_new == await figures(api, "integrator.22.old", old, [])
    assert seen_new["total"]["entries"] >= len(CADRES)


@pytest.mark.usefixtures("approved_in_june_2025")
async def test_carried_over_figures_are_a_group_of_their_own(api: Api) -> None:
    units = await (await api.login("viewer.22")).data(UNITS)

    by_child = await figures(api, "approver.22", units["new"]["id"], ["CHILD_UNIT"])

    groups = {row["group"][0]["label"]: row["entries"] for row in by_child["rows"]}
    # The old province, read through lineage, beside the new communes' own figures.
    assert groups["Tỉnh Quảng Ninh"] >= len(CADRES)
    [carried] = [r for r in by_child["rows"] if r["group"][0]["label"] == "Tỉnh Quảng Ninh"]
    assert carried["group"][0]["value"] != units["new"]["id"]


@pytest.mark.usefixtures("approved_in_june_2025")
async def test_progress_shows_the_commune_carrying_its_predecessors_plan(api: Api) -> None:
    units = await (await api.login("viewer.22")).data(UNITS)
    approver = await api.login("approver.22")

    progress = (await approver.data(PROGRESS, {"u": units["new"]["id"]}))["progress"]

    [commune] = [c for c in progress["children"] if c["unit"]["id"] == units["commune"]["id"]]
    carried = {c["status"]: c["count"] for c in commune["carriedOver"]}
    assert carried["APPROVED"] >= 1
    assert commune["submissionOverdue"] is False


@pytest.mark.usefixtures("approved_in_june_2025")
async def test_a_day_before_the_reform_answers_on_the_old_tree(api: Api) -> None:
    units = await (await api.login("viewer.22")).data(UNITS)

    before = await figures(api, "approver.22.old", units["old"]["id"], [], at="2025-06-19")
    then = await figures(api, "approver.22.old", units["old"]["id"], [], at="2025-06-28")
    through = await figures(api, "approver.22", units["new"]["id"], [], at="2025-06-28")

    assert then["total"]["entries"] - (before["total"]["entries"] or 0) >= len(CADRES)
    assert through == then  # the new province reads what its predecessor had approved that day
