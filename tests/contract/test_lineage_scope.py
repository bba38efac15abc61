"""The 2025 reorganisation as today's officials meet it over HTTP (DOMAIN.md A.11, issue 12
points 1, 2 and 6): a closed code tells where it went, the new province reads the old tree's
plans, a new commune reads its predecessors' and not its sibling's, and nothing new is started
on a closed unit.

What the old tree did before the reform is replayed once, on its day (June 2025), by the demo's
three-tier logins through the real schema: the server's clock is "today", on which those units
are closed. Every id the tests use comes from an answer over HTTP.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

import db
from api.unit_lists import reforms
from db import access as access_db
from db.plan_models import Position
from db.reorganisation import follow
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.context import Context
from schema.node import to_global_id
from schema.root import schema
from tests.conftest import NOW, RULE_SETS
from tests.contract.client import Api
from tests.contract.desk import ACCOUNT_PASSWORD, GOOD_BALLOT, PLAN, Demo, account

JUNE_2025 = datetime(2025, 6, 20, 9, 0, tzinfo=NOW.tzinfo)
OLD_COMMUNE = "07153"  # Xã Tiền An of Thị xã Quảng Yên: merged into today's Phường Quảng Yên
DECISION = "15-QĐ/UB"


@pytest.fixture(scope="module")
async def before_the_reform(base_url: str, demo_database: str, access: AccessServices) -> None:
    """In June 2025 the old Xã Tiền An drafted a plan with one cadre, and Thị xã Quảng Yên
    approved it: as its demo officials would have, through the schema, on that day."""
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
                    request_id="june-2025",
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
            created = await mutate(
                "clerk.206.old",
                "createPlan",
                "CreatePlanInput",
                unit=commune["id"],
                # The demo holds the commune's 2025–2030 plan; this one is for the next term.
                cycle="2030-2035",
                kind="NEXT_TERM",
                managedBy="DISTRICT",
            )
            assert created["__typename"] == "PlanPayload", created
            person = (
                await run(
                    "clerk.206.old",
                    "mutation ($i: CreatePersonInput!) { createPerson(input: $i) {"
                    " __typename ... on PersonPayload { person { id } } } }",
                    i={
                        "nationalId": "022084020250",
                        "fullName": "Ngô Văn Tiền",
                        "sex": "MALE",
                        "birthYear": 1983,
                        "birthMonth": 5,
                        "unit": commune["id"],
                        "currentRank": 9,
                        "politicalStandardOk": True,
                        "politicalTheory": "CAO_CAP",
                    },
                )
            )["createPerson"]
            post = await session.scalar(
                select(Position.id).where(
                    Position.code == "PCT_UBND",
                    Position.managed_by == UnitKind.DISTRICT,
                    Position.unit_kind == UnitKind.COMMUNE,
                )
            )
            assert post is not None
            plan = created["plan"]
            for who, name, input_type, extra in (
                (
                    "clerk.206.old",
                    "addPlanEntry",
                    "AddPlanEntryInput",
                    {
                        "person": person["person"]["id"],
                        "position": to_global_id("Position", post),
                        "tier": "T1",
                        "ballots": [GOOD_BALLOT],
                    },
                ),
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
            # The cadre recorded on the old commune follows it into the new tree, as the demo's do.
            await follow(
                session, effective=reforms()["2025"].effective, actor_user_id=None, now=NOW
            )
            await session.commit()
    finally:
        await engine.dispose()


OLD_UNITS = """
{
  district: unit(code: "206") {
    id name validTo successors { unit { code } }
    parent { id code validTo successors { effective unit { code validFrom } } }
    children(first: 100) { edges { node { id code successors { unit { code name } } } } }
  }
}
"""
PLANS = """
query ($unit: ID!) {
  plans(unit: $unit) {
    edges { node { id status decisionNumber viewerCan { edit submit approve reopen }
                   history { action } entries { person { fullName } } } }
  }
}
"""


async def old_units(api: Api, username: str) -> dict[str, Any]:
    return dict((await (await api.login(username)).data(OLD_UNITS))["district"])


def old_commune(district: dict[str, Any]) -> dict[str, Any]:
    edges = district["children"]["edges"]
    return next(edge["node"] for edge in edges if edge["node"]["code"] == OLD_COMMUNE)


@pytest.mark.usefixtures("before_the_reform")
async def test_a_closed_code_tells_where_it_went(api: Api) -> None:
    district = await old_units(api, "viewer.22")

    # No unit bears 206 today: the district that bore it last answers, closed, with no
    # successor of its own; its province and its communes name theirs.
    assert (district["name"], district["validTo"]) == ("Thị xã Quảng Yên", "2025-06-30")
    assert district["successors"] == []
    province = district["parent"]
    assert (province["code"], province["validTo"]) == ("22", "2025-06-30")
    assert [(s["unit"]["code"], s["effective"]) for s in province["successors"]] == [
        ("22", "2025-07-01")
    ]
    assert old_commune(district)["successors"] == [
        {"unit": {"code": "07132", "name": "Phường Quảng Yên"}}
    ]


@pytest.mark.usefixtures("before_the_reform")
async def test_the_new_provinces_approver_reads_the_old_district_plans(api: Api) -> None:
    approver = await api.login("approver.22")
    district = (await approver.data(OLD_UNITS))["district"]
    commune = old_commune(district)

    plans = (await approver.data(PLANS, {"unit": commune["id"]}))["plans"]["edges"]
    figures = await approver.data(
        'query ($u: ID!) { statistics(input: {unit: $u, cycle: "2025-2030"})'
        " { total { entries persons } } }",
        {"u": district["id"]},
    )
    # The plan feed of the old commune, read from the new province.
    events = await approver.data(
        "query ($u: ID!) { planEvents(unit: $u, first: 100) { edges { node { plan action } } } }",
        {"u": commune["id"]},
    )

    [plan] = [edge["node"] for edge in plans if edge["node"]["decisionNumber"] == DECISION]
    assert plan["status"] == "APPROVED"
    assert plan["entries"] == [{"person": {"fullName": "Ngô Văn Tiền"}}]
    assert [h["action"] for h in plan["history"]][-1] == "APPROVE"
    # Read, not written: nothing can be done to the old plan from the new tree.
    assert plan["viewerCan"] == {"edit": False, "submit": False, "approve": False, "reopen": False}
    assert figures["statistics"]["total"]["entries"] >= 1
    edges = events["planEvents"]["edges"]
    assert [e["node"]["action"] for e in edges if e["node"]["plan"] == plan["id"]][-1] == "APPROVE"


@pytest.mark.usefixtures("before_the_reform")
async def test_a_new_commune_reads_its_predecessor_and_not_its_siblings(
    api: Api, demo: Demo
) -> None:
    viewer = await api.login("viewer.22")
    units = await viewer.data(
        '{ mine: unit(code: "07132") { id code name }'
        ' sibling: unit(code: "07168") { id code name } }'
    )
    district = await old_units(api, "viewer.22")
    commune = old_commune(district)
    mine = await api.login(
        await account(api, units["mine"], "VIEWER", demo.number()), password=ACCOUNT_PASSWORD
    )
    sibling = await api.login(
        await account(api, units["sibling"], "VIEWER", demo.number()), password=ACCOUNT_PASSWORD
    )

    read = (await mine.data(PLANS, {"unit": commune["id"]}))["plans"]["edges"]
    refused = (await sibling.data(PLANS, {"unit": commune["id"]}))["plans"]["edges"]
    [plan_id] = [edge["node"]["id"] for edge in read if edge["node"]["decisionNumber"] == DECISION]
    one = "query ($id: ID!) { node(id: $id) { ... on Plan { status } } }"

    assert (await mine.data(one, {"id": plan_id}))["node"] == {"status": "APPROVED"}
    # Phường Hà An continues Tân An, Hoàng Tân, Hà An and part of Liên Hòa, not Xã Tiền An.
    assert refused == []
    assert (await sibling.data(one, {"id": plan_id}))["node"] is None


async def test_nothing_new_is_started_on_a_closed_unit(api: Api) -> None:
    district = await old_units(api, "viewer.22")
    commune = old_commune(district)
    create = {
        "unit": commune["id"],
        "cycle": "2030-2035",
        "kind": "NEXT_TERM",
        "managedBy": "PROVINCE",
    }
    fields = "__typename ... on NotAllowed { code }"
    fields += " ... on ValidationFailed { problems { code field message values { name value } } }"

    new_clerk = await (await api.login("clerk.22")).mutate(
        "createPlan", "CreatePlanInput", fields, **create
    )
    old_clerk = await (await api.login("clerk.206.old", language="en")).mutate(
        "createPlan", "CreatePlanInput", fields, **{**create, "managedBy": "DISTRICT"}
    )

    # Lineage lets the new province read the old commune, never draft on it.
    assert new_clerk == {"__typename": "NotAllowed", "code": "NOT_ALLOWED"}
    [closed] = old_clerk["problems"]
    assert (closed["code"], closed["field"]) == ("UNIT_CLOSED", "unit")
    assert {v["name"]: v["value"] for v in closed["values"]} == {
        "closed": "30/06/2025",
        "successors": "Phường Quảng Yên (07132)",
    }
    assert closed["message"].endswith("continued by: Phường Quảng Yên (07132)")
