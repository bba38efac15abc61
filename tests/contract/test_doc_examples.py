"""Every ```graphql example of README.md and docs/*.md runs over HTTP, as the login it names.

The walkthrough of docs/plans.md runs in the order of the file, each example as the demo login
of its step, its variables filled from the answers before it (and the step the text only names,
appraising, done in between); its section on transfers runs as Quảng Ninh's admin on a cadre
made in Hà Nội for it. The other examples run on their own: integrators' examples with an API
key made by the guide's own ``createApiKey`` example, those ``LOGINS`` names as that login, the
others as a viewer of Quảng Ninh. Subscriptions run over a WebSocket instead, each in a
journey of its own (tests/contract/streams/test_live_guide.py). The ids a document spells out
are those of a fresh demo database; a test checks that they are, and every run puts in their
place the ids the server answered.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from graphql import FieldNode, OperationDefinitionNode, OperationType, parse

from tests.contract.client import Api, GraphQLClient
from tests.contract.desk import DOCS_COMMUNE, Demo

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# A ```graphql block, and the ```json block of its variables when one follows it at once.
BLOCK = re.compile(r"```graphql\n(.*?)```(?:\n```json\n(.*?)```)?", re.S)
# The ids the guides spell out, by the code of the unit they name (docs/integrators.md).
# Longer ids first: "VW5pdDox" begins others, and they are replaced in this order.
DOCUMENTED_IDS = {
    "VW5pdDoxMDgyMQ==": "22",
    # docs/reorganisation.md: the old Xã Tiền An (a code nobody bears today answers its last
    # unit) and the new Phường Quảng Yên.
    "VW5pdDozMDE1": "07153",
    "VW5pdDoxMTU5NQ==": "07132",
    "VW5pdDox": "VN",
}


@dataclass(frozen=True)
class Example:
    doc: str
    document: str
    variables: dict[str, Any]

    @property
    def operation(self) -> OperationDefinitionNode:
        [operation] = parse(self.document).definitions
        assert isinstance(operation, OperationDefinitionNode)
        return operation

    @property
    def name(self) -> str:
        """The operation's name, or its first root field's."""
        if self.operation.name:
            return self.operation.name.value
        field = self.operation.selection_set.selections[0]
        assert isinstance(field, FieldNode)
        return field.name.value

    @property
    def key(self) -> str:
        return f"{self.doc}:{self.name}"

    @property
    def is_mutation(self) -> bool:
        return self.operation.operation is OperationType.MUTATION

    @property
    def is_subscription(self) -> bool:
        return self.operation.operation is OperationType.SUBSCRIPTION


EXAMPLES = [
    Example(path.name, document, json.loads(variables or "{}"))
    for path in DOCS
    for document, variables in BLOCK.findall(path.read_text(encoding="utf-8"))
]
BY_KEY = {example.key: example for example in EXAMPLES}

# The walkthrough of docs/plans.md, in the order of the file; each step names its login.
WALKTHROUGH = [
    "plans.md:CreatePerson",
    "plans.md:CreatePlan",
    "plans.md:FindTheCommune",
    "plans.md:Positions",
    "plans.md:AddEntry",
    "plans.md:PlanPositions",
    "plans.md:Submit",
    "plans.md:Inbox",
    "plans.md:ReceiveBacklog",
    "plans.md:Approve",
    "plans.md:History",
    "plans.md:DecisionHistory",
]
# The section on transfers, in the order of the file: Quảng Ninh's admin finds a cadre of Hà Nội
# (made for the test under the national id the example gives) and takes them in.
TRANSFER = ["plans.md:FindByNationalId", "plans.md:TransferPerson"]
# docs/reorganisation.md, in the order of the file (tests/contract/test_reorganisation_guide.py).
REORGANISATION = [
    "reorganisation.md:QuangNinhBeforeTheReform",
    "reorganisation.md:TheOldDistrict",
    "reorganisation.md:OldCommunePlans",
    "reorganisation.md:CarriedOverFigures",
    "reorganisation.md:StartConsolidation",
    "reorganisation.md:ApproveConsolidation",
    "reorganisation.md:WhatBecameOfTheOldPlan",
    "reorganisation.md:WaitingForAUnit",
    "reorganisation.md:AssignToASuccessor",
]


def with_ids(value: Any, ids: dict[str, str]) -> Any:
    """``value`` (a document or variables) with the documented ids replaced by answered ones."""
    text = json.dumps(value, ensure_ascii=False)
    for documented, answered in ids.items():
        text = text.replace(documented, answered)
    return json.loads(text)


async def answered_ids(client: GraphQLClient) -> dict[str, str]:
    """The ids of the units the docs name, from an answer."""
    ids = {}
    for documented, code in DOCUMENTED_IDS.items():
        unit = (await client.data("query ($c: String!) { unit(code: $c) { id } }", {"c": code}))[
            "unit"
        ]
        ids[documented] = unit["id"]
    return ids


async def run(
    client: GraphQLClient,
    key: str,
    ids: dict[str, str],
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run the example ``key`` as written (its variables, or those given) and return ``data``."""
    example = BY_KEY[key]
    given = example.variables if variables is None else variables
    return await client.data(with_ids(example.document, ids), with_ids(given, ids))


def test_every_example_is_run() -> None:
    unknown_mutations = [
        example.key
        for example in EXAMPLES
        if example.is_mutation
        and example.key not in [*WALKTHROUGH, *TRANSFER, *REORGANISATION, *CHECKS]
    ]

    assert len(BY_KEY) == len(EXAMPLES), "two examples of one document share a name"
    assert [key for key in BY_KEY if key in WALKTHROUGH] == WALKTHROUGH, "walkthrough order"
    assert [key for key in BY_KEY if key in TRANSFER] == TRANSFER, "transfer order"
    assert [key for key in BY_KEY if key.startswith("reorganisation.md:")] == REORGANISATION
    assert unknown_mutations == [], "say in this file as whom, and on what, they run"
    assert set(CHECKS) <= set(BY_KEY), "a check of an example that is gone"


async def test_the_ids_the_guides_give_are_the_units_they_name(api: Api) -> None:
    guide = (ROOT / "docs/integrators.md").read_text(encoding="utf-8")
    viewer = await api.login("viewer.22")

    ids = await answered_ids(viewer)

    assert ids == {documented: documented for documented in DOCUMENTED_IDS}
    assert all(f"`{documented}`" in guide for documented in ("VW5pdDoxMDgyMQ==", "VW5pdDox"))


async def test_the_plan_walkthrough_runs_as_written(api: Api, demo: Demo) -> None:
    clerk, head = await api.login(f"clerk.{DOCS_COMMUNE}"), await api.login(f"head.{DOCS_COMMUNE}")
    appraiser, approver = await api.login("appraiser.22"), await api.login("approver.22")
    viewer = await api.login("viewer.22")
    ids = await answered_ids(viewer)
    commune = (await clerk.data(f'{{ unit(code: "{DOCS_COMMUNE}") {{ id name }} }}'))["unit"]

    person = (await run(clerk, "plans.md:CreatePerson", ids, {"unit": commune["id"]}))[
        "createPerson"
    ]
    created = (await run(clerk, "plans.md:CreatePlan", ids, {"unit": commune["id"]}))["createPlan"]
    found = await run(clerk, "plans.md:FindTheCommune", ids)
    positions = await run(clerk, "plans.md:Positions", ids, {"unit": commune["id"]})
    assert person["__typename"] == "PersonPayload", person
    assert created["__typename"] == "PlanPayload", created
    plan = created["plan"]
    assert (plan["ruleSet"], plan["approvingUnit"]["name"]) == ("QD377_2025", "Tỉnh Quảng Ninh")
    assert found["units"]["edges"] == [{"node": commune}]
    # A title (not a committee seat) the plan may hold, as the clerk is offered it.
    position = next(p["position"] for p in positions["positions"] if p["quota"]["rule"] == "Q2")
    assert position["id"] in demo.positions.values()

    added = (
        await run(
            clerk,
            "plans.md:AddEntry",
            ids,
            {
                "plan": plan["id"],
                "version": plan["version"],
                "person": person["person"]["id"],
                "position": position["id"],
            },
        )
    )["addPlanEntry"]
    assert added["__typename"] == "PlanPayload", added
    assert added["plan"]["validation"]["blocksSubmission"] is False
    held = (await run(clerk, "plans.md:PlanPositions", ids, {"plan": plan["id"]}))["node"]
    planned = {p["position"]["code"]: p for p in held["positions"]}
    [entry] = held["entries"]
    assert {code: p["planned"] for code, p in planned.items() if p["planned"]} == {
        position["code"]: 1
    }
    assert entry["position"] == planned[position["code"]]["position"]
    submitted = (
        await run(
            head, "plans.md:Submit", ids, {"plan": plan["id"], "version": added["plan"]["version"]}
        )
    )["submitPlan"]
    assert submitted["plan"]["status"] == "SUBMITTED", submitted
    waiting = (await run(appraiser, "plans.md:Inbox", ids))["inbox"]["edges"]
    inbox = {edge["node"]["id"]: edge["node"] for edge in waiting}
    assert inbox[plan["id"]]["viewerCan"]["receive"] is True
    assert inbox[plan["id"]]["planningUnit"]["name"] == commune["name"]

    # Receiving (a backlog of one) and appraising, which the text names without an example.
    version = await between(appraiser, plan["id"], ids)
    entry_id = (await appraiser.data(ENTRIES, {"id": plan["id"]}))["node"]["entries"][0]["id"]
    approved = (
        await run(
            approver,
            "plans.md:Approve",
            ids,
            {"plan": plan["id"], "version": version, "entry": entry_id},
        )
    )["approvePlan"]
    history = await run(appraiser, "plans.md:History", ids)
    decided = await run(approver, "plans.md:DecisionHistory", ids, {"plan": plan["id"]})

    assert approved["plan"]["status"] == "APPROVED", approved
    assert approved["plan"]["entries"] == [
        {"status": "NOT_APPROVED", "resultReason": "Chưa đủ thời gian công tác"}
    ]
    assert history["inbox"]["edges"][0]["node"]["history"][0]["action"] == "CREATE"
    [approval] = [e for e in decided["node"]["history"] if e["action"] == "APPROVE"]
    assert approval["decisionNumber"] == "125-QĐ/TU"
    assert approval["entries"] == [
        {
            "change": None,  # a decision adds and removes nothing
            "fromStatus": "PROPOSED",
            "toStatus": "NOT_APPROVED",
            "reason": "Chưa đủ thời gian công tác",
            "person": {"fullName": "Nguyễn Thị Hồng Nhung"},
        }
    ]
    [add] = [e for e in decided["node"]["history"] if e["action"] == "ADD_ENTRY"]
    assert add["person"] == {"fullName": "Nguyễn Thị Hồng Nhung"}
    assert add["entry"] == {"id": entry_id}


async def test_the_transfer_section_runs_as_written(api: Api) -> None:
    national, admin = await api.login("admin"), await api.login("admin.22")
    ids = await answered_ids(admin)
    ha_noi = (await national.data('{ unit(code: "01") { id } }'))["unit"]
    commune = (await national.data(FIRST_COMMUNE, {"parent": ha_noi["id"]}))["units"]["edges"][0]
    quang_yen = (await admin.data(f'{{ unit(code: "{DOCS_COMMUNE}") {{ id name }} }}'))["unit"]
    cadre = {
        "nationalId": BY_KEY["plans.md:FindByNationalId"].variables["nationalId"],
        "fullName": "Đặng Văn Thành",
        "sex": "MALE",
        "birthYear": 1985,
        "unit": commune["node"]["id"],
    }
    created = (await national.data(CREATE_PERSON, {"input": cadre}))["createPerson"]
    assert created["__typename"] == "PersonPayload", created

    found = (await run(admin, "plans.md:FindByNationalId", ids))["personByNationalId"]
    moved = (
        await run(
            admin,
            "plans.md:TransferPerson",
            ids,
            {"person": found["person"], "toUnit": quang_yen["id"]},
        )
    )["transferPerson"]
    again = (await run(admin, "plans.md:FindByNationalId", ids))["personByNationalId"]

    assert found["__typename"] == "PersonRegisteredElsewhere", found
    assert found["person"] == created["person"]["id"]
    assert found["province"] == {"name": "Thành phố Hà Nội"}
    assert moved["__typename"] == "PersonPayload", moved
    assert [(p["unit"]["name"], p["validTo"]) for p in moved["person"]["unitHistory"]] == [
        (commune["node"]["name"], "2026-11-21"),
        (quang_yen["name"], None),
    ]
    assert (again["__typename"], again["unit"]) == ("Person", {"name": quang_yen["name"]})


FIRST_COMMUNE = """
query ($parent: ID!) {
  units(parent: $parent, kind: COMMUNE, first: 1) { edges { node { id name } } }
}
"""
CREATE_PERSON = """
mutation ($input: CreatePersonInput!) {
  createPerson(input: $input) { __typename ... on PersonPayload { person { id } } }
}
"""
ENTRIES = "query ($id: ID!) { node(id: $id) { ... on Plan { version entries { id } } } }"
APPRAISE = """
mutation ($plan: ID!, $version: Int!) {
  appraisePlan(input: {plan: $plan, version: $version, report: "Hồ sơ đầy đủ"}) {
    ... on PlanPayload { plan { version status } }
  }
}
"""


async def between(appraiser: GraphQLClient, plan: str, ids: dict[str, str]) -> int:
    """Receive ``plan`` with the backlog example and appraise it; return its version after."""
    version = (await appraiser.data(ENTRIES, {"id": plan}))["node"]["version"]
    backlog = {"plans": [{"plan": plan, "version": version}]}
    answer = (await run(appraiser, "plans.md:ReceiveBacklog", ids, backlog))["receivePlans"]
    [received] = answer["results"]
    assert received["plan"] == plan
    assert received["result"]["plan"]["status"] == "UNDER_APPRAISAL", received
    assert received["result"]["plan"]["dueOn"] is not None
    appraised = (
        await appraiser.data(
            APPRAISE, {"plan": plan, "version": received["result"]["plan"]["version"]}
        )
    )["appraisePlan"]
    assert appraised["plan"]["status"] == "APPRAISED"
    return int(appraised["plan"]["version"])


Check = Callable[[dict[str, Any]], None]


def _edges(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


def _readme(data: dict[str, Any]) -> None:
    assert data["unit"]["name"] == "Tỉnh Quảng Ninh"
    assert len(data["unit"]["children"]["edges"]) == 5
    assert data["unit"]["children"]["pageInfo"]["hasNextPage"] is True


def _me(data: dict[str, Any]) -> None:
    assert data["viewer"]["user"]["username"] == "viewer.22"
    assert [g["role"] for g in data["viewer"]["grants"]] == ["VIEWER"]


def _district(data: dict[str, Any]) -> None:
    unit = data["unit"]
    assert (unit["code"], unit["kind"], unit["validTo"]) == ("206", "DISTRICT", "2025-06-30")
    assert unit["parent"]["code"] == "22"
    assert [a["code"] for a in unit["ancestors"]] == ["VN", "22"]  # the national root first


def _after_reform(data: dict[str, Any]) -> None:
    # 07132 was under district 206 before the reform, directly under the province after it.
    assert (data["unit"]["parent"]["code"], data["unit"]["validFrom"]) == ("22", "2025-07-01")


def _search(data: dict[str, Any]) -> None:
    assert {"code": "01", "name": "Thành phố Hà Nội"} in _edges(data["units"])


def _by_id(data: dict[str, Any]) -> None:
    assert (data["node"]["__typename"], data["node"]["code"]) == ("Unit", "22")


def _counts(data: dict[str, Any]) -> None:
    assert data["persons"]["totalCount"] > 0  # the demo's cadres of Quảng Ninh's communes
    assert data["planEvents"]["totalCount"] > 0  # the whole feed of the province's subtree


def _inbox(data: dict[str, Any]) -> None:
    items = _edges(data["inbox"])
    assert items, "the demo's submitted plans wait for the appraiser"
    assert all(any(item["viewerCan"].values()) for item in items)
    assert data["inbox"]["totalCount"] >= len(items)


def _audit_trail(data: dict[str, Any]) -> None:
    events = _edges(data["auditEvents"])
    assert events, "the demo's accounts of the province were created"
    assert all(e["action"] and e["subjectType"] and e["subject"] for e in events)
    assert data["auditEvents"]["totalCount"] >= len(events)


def _pages(data: dict[str, Any]) -> None:
    assert len(data["units"]["edges"]) == 100
    assert data["units"]["pageInfo"]["hasNextPage"] is True
    assert data["units"]["totalCount"] > 100


def _api_key(data: dict[str, Any]) -> None:
    created = data["createApiKey"]
    assert created["__typename"] == "ApiKeyCreated", created
    assert created["apiKey"]["unit"] == {"code": "22"}
    assert created["secret"].startswith("qh_")


def _statistics(data: dict[str, Any]) -> None:
    assert data["statistics"]["approvedOnly"] is True
    assert data["statistics"]["exact"] is False  # suppression applies to a key


def _indicators(data: dict[str, Any]) -> None:
    assert data["indicators"]["values"]


def _progress(data: dict[str, Any]) -> None:
    assert data["progress"]["children"]


def _export_links(data: dict[str, Any]) -> None:
    links = data["exportLinks"]
    assert links["statisticsCsv"] is not None
    assert links["planEntriesCsv"] is None  # personal data: not for a key


def _events(data: dict[str, Any]) -> None:
    assert {e["node"]["planningUnit"]["code"] for e in data["planEvents"]["edges"]}


# What each example shows, beyond running without an error.
def _holidays(data: dict[str, Any]) -> None:
    days = {d["day"]: d for d in data["holidays"]}
    assert days["2027-02-06"] == {
        "day": "2027-02-06",
        "kind": "OFF",
        "name": "Tết Nguyên Đán",
        "source": "STATUTORY",
    }


CHECKS: dict[str, Check] = {
    "README.md:unit": _readme,
    "api.md:Me": _me,
    "api.md:DistrictBeforeTheReform": _district,
    "api.md:SameCodeAfterTheReform": _after_reform,
    "api.md:Search": _search,
    "api.md:ById": _by_id,
    "api.md:Pages": _pages,
    "api.md:Counts": _counts,
    "api.md:Inbox": _inbox,
    "plans.md:AuditTrail": _audit_trail,
    "plans.md:Holidays": _holidays,
    "integrators.md:createApiKey": _api_key,
    "integrators.md:statistics": _statistics,
    "integrators.md:indicators": _indicators,
    "integrators.md:progress": _progress,
    "integrators.md:exportLinks": _export_links,
    "integrators.md:planEvents": _events,
}
ON_THEIR_OWN = [
    example
    for example in EXAMPLES
    if example.key not in [*WALKTHROUGH, *TRANSFER, *REORGANISATION]
    and not example.is_subscription  # over a WebSocket: tests/contract/streams/test_live_guide.py
]
# The login an example runs as, where it is not a viewer of Quảng Ninh.
LOGINS = {
    "integrators.md:createApiKey": "admin.22",  # an admin of the unit creates the key
    "plans.md:AuditTrail": "admin.22",  # the trail is for admins of the unit
    "api.md:Inbox": "appraiser.22",  # a viewer acts on nothing: their inbox is empty
}


@pytest.mark.parametrize("example", ON_THEIR_OWN, ids=[e.key for e in ON_THEIR_OWN])
async def test_example_runs_as_written(api: Api, example: Example) -> None:
    viewer = await api.login("viewer.22")
    ids = await answered_ids(viewer)
    client = viewer
    if example.key in LOGINS:
        client = await api.login(LOGINS[example.key])
    elif example.doc == "integrators.md":
        # The guide's other examples run with the key its first example creates.
        created = await run(await api.login("admin.22"), "integrators.md:createApiKey", ids)
        _api_key(created)
        client = await api.with_token(created["createApiKey"]["secret"])

    data = await run(client, example.key, ids)

    assert data
    check = CHECKS.get(example.key)
    if check is not None:
        check(data)
