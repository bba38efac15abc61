"""Lineage through GraphQL, on the real 2025 lineage: `Unit.successors` / `Unit.predecessors`,
`unit(code:)` of a code closed since, UNIT_CLOSED naming the successors, and scope that follows
lineage for reading only (DOMAIN.md A.11).

The old tree's work is made at a day before the reform (`run.on`), as it was: a plan of the old
Phường Quảng Yên (07132 of Thị xã Quảng Yên, 206), approved by the district, and a cadre record
created there. Today's officials then read it from the new tree.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from planning.access import Principal, Role
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.messages import Language
from schema.node import to_global_id
from tests.conftest import NOW, Runner, Statements
from tests.factories import make_user, unit
from tests.schema.plan_helpers import BALLOT, call, officials, position

THREE_TIER = date(2025, 6, 30)
BEFORE_THE_REFORM = datetime(2025, 6, 20, 9, 0, tzinfo=NOW.tzinfo)

LINKS = """
query ($code: String!, $at: Date) {
  unit(code: $code, at: $at) {
    code name validFrom validTo
    successors { effective unit { code name kind validFrom validTo } }
    predecessors { effective unit { code name kind validTo } }
  }
}
"""


async def links(run: Runner, code: str, at: str | None = None) -> Any:
    return (await run.data(LINKS, {"code": code, "at": at}))["unit"]


def codes(found: list[dict[str, Any]]) -> list[str]:
    return [link["unit"]["code"] for link in found]


class TestLineageFields:
    async def test_the_new_province_continues_the_old_one_and_back(self, run: Runner) -> None:
        new = await links(run, "22")
        old = await links(run, "22", "2025-06-30")

        assert new["predecessors"] == [
            {
                "effective": "2025-07-01",
                "unit": {
                    "code": "22",
                    "name": "Tỉnh Quảng Ninh",
                    "kind": "PROVINCE",
                    "validTo": "2025-06-30",
                },
            }
        ]
        assert new["successors"] == []
        assert codes(old["successors"]) == ["22"]
        assert old["successors"][0]["unit"]["validFrom"] == "2025-07-01"
        assert old["predecessors"] == []

    async def test_a_merged_commune_names_every_commune_it_took_in(self, run: Runner) -> None:
        quang_yen = await links(run, "07132")

        assert codes(quang_yen["predecessors"]) == ["07132", "07153", "07162"]
        assert {link["unit"]["validTo"] for link in quang_yen["predecessors"]} == {"2025-06-30"}

    async def test_a_split_commune_leads_to_each_successor_and_each_leads_back(
        self, run: Runner
    ) -> None:
        lien_hoa = await links(run, "07180", "2025-06-30")  # Xã Liên Hòa, split in 2025

        assert lien_hoa["name"] == "Xã Liên Hòa"
        assert codes(lien_hoa["successors"]) == ["07168", "07180"]
        for successor in lien_hoa["successors"]:
            back = await links(run, successor["unit"]["code"])
            assert "07180" in codes(back["predecessors"])

    async def test_a_district_abolished_without_a_successor_says_so(self, run: Runner) -> None:
        quang_yen = await links(run, "206")  # no unit bears 206 today: its last one answers

        assert (quang_yen["name"], quang_yen["validTo"]) == ("Thị xã Quảng Yên", "2025-06-30")
        assert quang_yen["successors"] == []

    async def test_a_code_gone_today_answers_its_last_unit_and_where_it_went(
        self, run: Runner
    ) -> None:
        tan_an = await links(run, "07159")  # Phường Tân An, merged into Phường Hà An

        assert (tan_an["name"], tan_an["validTo"]) == ("Phường Tân An", "2025-06-30")
        went = [
            (link["unit"]["code"], link["unit"]["name"], link["effective"])
            for link in tan_an["successors"]
        ]
        assert went == [("07168", "Phường Hà An", "2025-07-01")]
        assert await run.data(LINKS, {"code": "07159", "at": "2026-11-21"}) == {"unit": None}

    async def test_lineage_of_a_page_of_units_costs_the_same_statements(
        self, run: Runner, statements: Statements
    ) -> None:
        page = """
        query ($first: Int) {
          units(kind: COMMUNE, at: "2025-06-30", first: $first) {
            edges { node { code successors { unit { code predecessors { unit { code } } } } } }
          }
        }
        """
        await run.data(page, {"first": 1})  # the connection's first use of a type costs once
        sent = {}
        for size in (3, 40):
            before = statements.count
            data = await run.data(page, {"first": size})
            sent[size] = statements.count - before
            nodes = [edge["node"] for edge in data["units"]["edges"]]
            assert len(nodes) == size
            assert all(node["successors"] for node in nodes)  # every old commune went somewhere

        # the page, its successors, their predecessors: a statement a level, whatever the size
        assert sent[3] == sent[40] == 3


class Old:
    """The old Phường Quảng Yên's work, made before the reform, and its ids."""

    def __init__(self, plan: dict[str, Any], person: str, national_id: str) -> None:
        self.plan = plan
        self.person = person
        self.national_id = national_id


PERSON = """
mutation ($input: CreatePersonInput!) {
  createPerson(input: $input) {
    __typename
    ... on PersonPayload { person { id } }
    ... on ValidationFailed { problems { code field message values { name value } } }
    ... on NotAllowed { code }
  }
}
"""


@pytest.fixture
async def old(run: Runner, session: AsyncSession, access: AccessServices) -> Old:
    people = await officials(
        session, access, commune="07132", approver="206", suffix="lin", at=THREE_TIER
    )
    then = run.on(BEFORE_THE_REFORM)
    created = await call(
        then.as_(people["clerk"]),
        "createPlan",
        "CreatePlanInput",
        unit=to_global_id("Unit", (await unit(session, "07132", THREE_TIER)).id),
        cycle="2025-2030",
        kind="NEXT_TERM",
        managedBy="DISTRICT",
    )
    assert created["__typename"] == "PlanPayload", created
    plan = created["plan"]
    national_id = "022084000777"
    made = (
        await then.as_(people["clerk"]).data(
            PERSON,
            {
                "input": {
                    "nationalId": national_id,
                    "fullName": "Đỗ Văn Kế",
                    "sex": "MALE",
                    "birthYear": 1984,
                    "birthMonth": 6,
                    "unit": plan["planningUnit"]["id"],
                    "currentRank": 9,
                    "politicalStandardOk": True,
                    "politicalTheory": "TRUNG_CAP",
                }
            },
        )
    )["createPerson"]
    assert made["__typename"] == "PersonPayload", made
    who = made["person"]["id"]
    vice_chair = await position(session, "PCT_UBND", managed_by=UnitKind.DISTRICT)
    steps: list[tuple[str, str, str, dict[str, Any]]] = [
        (
            "clerk",
            "addPlanEntry",
            "AddPlanEntryInput",
            {"person": who, "position": vice_chair, "tier": "T1", "ballots": [BALLOT]},
        ),
        ("head", "submitPlan", "PlanActionInput", {}),
        ("appraiser", "receivePlan", "PlanActionInput", {}),
        ("appraiser", "appraisePlan", "AppraisePlanInput", {"report": "Đạt"}),
        (
            "approver",
            "approvePlan",
            "ApprovePlanInput",
            {"decisionNumber": "15-QĐ/TU", "decisionDate": "2025-06-20"},
        ),
    ]
    for who_acts, name, input_type, extra in steps:
        answer = await call(
            then.as_(people[who_acts]),
            name,
            input_type,
            plan=plan["id"],
            version=plan["version"],
            **extra,
        )
        assert answer["__typename"] == "PlanPayload", (name, answer)
        plan = answer["plan"]
    assert plan["status"] == "APPROVED"
    return Old(plan, who, national_id)


async def official(
    session: AsyncSession, access: AccessServices, code: str, role: Role
) -> Principal:
    """An official of the new tree (today's unit bearing ``code``)."""
    _, principal = await make_user(
        session, access, f"{role.value.lower()}.new{code}", unit_code=code, roles=[role]
    )
    return principal


READS = """
query ($unit: ID!, $plan: ID!, $person: ID!, $nationalId: String!) {
  plans(unit: $unit) { totalCount edges { node { id status viewerCan { edit submit approve } } } }
  plan: node(id: $plan) {
    ... on Plan { status history { action } entries { person { fullName } } }
  }
  person: node(id: $person) { ... on Person { fullName unitHistory { unit { code } } } }
  persons(unit: $unit) { totalCount }
  byNationalId: personByNationalId(nationalId: $nationalId) { __typename }
}
"""


async def reads(run: Runner, old: Old) -> Any:
    return await run.data(
        READS,
        {
            "unit": old.plan["planningUnit"]["id"],
            "plan": old.plan["id"],
            "person": old.person,
            "nationalId": old.national_id,
        },
    )


class TestScopeThroughLineage:
    async def test_the_new_provinces_approver_reads_the_old_communes_work(
        self, run: Runner, session: AsyncSession, access: AccessServices, old: Old
    ) -> None:
        approver = run.as_(await official(session, access, "22", Role.APPROVER))

        found = await reads(approver, old)

        assert found["plans"]["totalCount"] == 1
        plan = found["plans"]["edges"][0]["node"]
        assert plan["status"] == "APPROVED"
        # read, never written: nothing may be done to the old plan from the new tree
        assert plan["viewerCan"] == {"edit": False, "submit": False, "approve": False}
        assert found["plan"]["history"][-1]["action"] == "APPROVE"
        assert found["plan"]["entries"] == [{"person": {"fullName": "Đỗ Văn Kế"}}]
        assert found["person"]["fullName"] == "Đỗ Văn Kế"
        assert found["person"]["unitHistory"] == [{"unit": {"code": "07132"}}]
        assert found["persons"]["totalCount"] == 1

    async def test_the_new_commune_reads_its_predecessor_its_sibling_does_not(
        self, run: Runner, session: AsyncSession, access: AccessServices, old: Old
    ) -> None:
        quang_yen = run.as_(await official(session, access, "07132", Role.VIEWER))
        ha_an = run.as_(await official(session, access, "07168", Role.VIEWER))

        mine = await reads(quang_yen, old)
        theirs = await reads(ha_an, old)

        assert mine["plans"]["totalCount"] == 1
        assert mine["plan"]["status"] == "APPROVED"
        assert mine["person"]["fullName"] == "Đỗ Văn Kế"
        # Phường Hà An's predecessors are Tân An, Hoàng Tân, Hà An and part of Liên Hòa: not
        # the old Phường Quảng Yên, which its sibling continues.
        assert theirs["plans"] == {"totalCount": 0, "edges": []}
        assert theirs["plan"] is None
        assert theirs["person"] is None
        assert theirs["persons"]["totalCount"] == 0
        assert theirs["byNationalId"]["__typename"] != "Person"

    async def test_statistics_and_audit_trail_of_the_old_units(
        self, run: Runner, session: AsyncSession, access: AccessServices, old: Old
    ) -> None:
        district = to_global_id("Unit", (await unit(session, "206", THREE_TIER)).id)
        province = to_global_id("Unit", (await unit(session, "22", THREE_TIER)).id)
        viewer = run.as_(await official(session, access, "22", Role.VIEWER))
        admin = run.as_(await official(session, access, "22", Role.ADMIN))
        stranger = run.as_(await official(session, access, "01", Role.ADMIN))
        # (The plan feed shows committed transactions only: the contract test reads it.)
        query = """
        query ($district: ID!) {
          statistics(input: {unit: $district, cycle: "2025-2030"}) { total { entries persons } }
        }
        """
        trail = "query ($u: ID!) { auditEvents(unit: $u) { totalCount } }"

        figures = await viewer.data(query, {"district": district})
        audited = await admin.data(trail, {"u": province})
        elsewhere = await stranger.data(trail, {"u": province})

        assert figures["statistics"]["total"] == {"entries": 1, "persons": 1}
        assert audited["auditEvents"]["totalCount"] >= 1  # the cadre record made in 2025
        assert elsewhere["auditEvents"]["totalCount"] == 0
        assert await stranger.error_codes(query, {"district": district}) == ["NOT_ALLOWED"]


class TestWritesStayOnUnitsInForce:
    async def test_a_new_clerk_may_not_draft_or_record_on_an_old_unit(
        self, run: Runner, session: AsyncSession, access: AccessServices
    ) -> None:
        clerk = run.as_(await official(session, access, "22", Role.CLERK))
        old_commune = to_global_id("Unit", (await unit(session, "07132", THREE_TIER)).id)

        drafted = await call(
            clerk,
            "createPlan",
            "CreatePlanInput",
            unit=old_commune,
            cycle="2030-2035",
            kind="NEXT_TERM",
            managedBy="PROVINCE",
        )
        recorded = (
            await clerk.data(
                PERSON,
                {
                    "input": {
                        "nationalId": "022084000778",
                        "fullName": "Lê Văn Mới",
                        "sex": "MALE",
                        "birthYear": 1985,
                        "unit": old_commune,
                    }
                },
            )
        )["createPerson"]

        assert drafted == {"__typename": "NotAllowed", "code": "NOT_ALLOWED"}
        assert recorded == {"__typename": "NotAllowed", "code": "NOT_ALLOWED"}


class TestClosedUnitsNameTheirSuccessors:
    async def test_an_old_communes_clerk_is_sent_to_the_successor(
        self, run: Runner, session: AsyncSession, access: AccessServices
    ) -> None:
        _, clerk = await make_user(
            session, access, "clerk.tanan", unit_code="07159", roles=[Role.CLERK], at=THREE_TIER
        )
        tan_an = to_global_id("Unit", (await unit(session, "07159", THREE_TIER)).id)

        refused = (
            await run.as_(clerk).data(
                PERSON,
                {
                    "input": {
                        "nationalId": "022084000779",
                        "fullName": "Lê Văn Muộn",
                        "sex": "MALE",
                        "birthYear": 1985,
                        "unit": tan_an,
                    }
                },
            )
        )["createPerson"]

        [closed] = refused["problems"]
        assert (closed["code"], closed["field"]) == ("UNIT_CLOSED", "unit")
        assert {v["name"]: v["value"] for v in closed["values"]} == {
            "closed": "30/06/2025",
            "successors": "Phường Hà An (07168)",
        }
        assert closed["message"] == (
            "the unit closed after 30/06/2025: it takes no new persons, plans or roles; "
            "continued by: Phường Hà An (07168)"
        )

    async def test_a_split_commune_names_both_successors_in_vietnamese(
        self, run: Runner, session: AsyncSession, access: AccessServices
    ) -> None:
        _, clerk = await make_user(
            session, access, "clerk.lienhoa", unit_code="07180", roles=[Role.CLERK], at=THREE_TIER
        )
        lien_hoa = to_global_id("Unit", (await unit(session, "07180", THREE_TIER)).id)
        document = """
        mutation ($input: CreatePlanInput!) {
          createPlan(input: $input) { ... on ValidationFailed { problems { code message } } }
        }
        """
        variables = {
            "input": {
                "unit": lien_hoa,
                "cycle": "2030-2035",
                "kind": "NEXT_TERM",
                "managedBy": "DISTRICT",
            }
        }
        result = await run.as_(clerk).result(document, variables, language=Language.VI)

        assert result.errors is None, result.errors
        [closed] = result.data["createPlan"]["problems"]
        assert closed["code"] == "UNIT_CLOSED"
        assert closed["message"].endswith(
            "đơn vị kế thừa: Phường Hà An (07168), Phường Liên Hòa (07180)"
        )

    async def test_a_district_abolished_without_successor_says_so(
        self, run: Runner, session: AsyncSession, access: AccessServices
    ) -> None:
        _, admin = await make_user(
            session, access, "admin.206", unit_code="206", roles=list(Role), at=THREE_TIER
        )
        user, _ = await make_user(session, access, "someone.206", unit_code="206", at=THREE_TIER)
        document = """
        mutation ($input: GrantRoleInput!) {
          grantRole(input: $input) {
            __typename ... on ValidationFailed { problems { code message values { name value } } }
          }
        }
        """
        variables = {
            "input": {
                "user": to_global_id("User", user.id),
                "unit": to_global_id("Unit", (await unit(session, "206", THREE_TIER)).id),
                "role": "VIEWER",
            }
        }

        refused = (await run.as_(admin).data(document, variables))["grantRole"]

        [closed] = refused["problems"]
        assert closed["code"] == "UNIT_CLOSED"
        assert {v["name"]: v["value"] for v in closed["values"]}["successors"] == ""
        assert closed["message"].endswith(
            "continued by: none (the unit was abolished without a successor)"
        )
