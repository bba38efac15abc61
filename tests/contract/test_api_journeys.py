"""What a client of the API meets over HTTP beyond one plan's workflow: the titles it may plan,
``node`` for every type, counted connections, inboxes, a province's backlog decided in bulk, a
cadre found nationally and transferred, and what a plan's history and the audit trail say.

Each journey asserts only on what it made; every id comes from an answer, except the unknown
ids of ``node``, which no answer can give.
"""

from __future__ import annotations

import base64
from typing import Any

from tests.contract.client import Api, GraphQLClient
from tests.contract.desk import (
    ACCOUNT_PASSWORD,
    CYCLE,
    GOOD_BALLOT,
    PLAN,
    Demo,
    Desk,
    account,
    api_key,
)

TODAY = "2026-11-21"  # the suite's fixed clock
DECISION = {"decisionNumber": "125-QĐ/TU", "decisionDate": TODAY}
CHOICE = "position { id code seats rank committeeSeat } quota { least most rule }"
POSITIONS = f"""
query ($unit: ID!) {{ positions(unit: $unit, managedBy: PROVINCE) {{ {CHOICE} }} }}
"""
PLAN_POSITIONS = f"""
query ($id: ID!) {{
  node(id: $id) {{
    ... on Plan {{ positions {{ {CHOICE} planned }} entries {{ position {{ id seats rank }} }} }}
  }}
}}
"""
SET_SEATS = """
mutation ($input: SetPositionSeatsInput!) {
  setPositionSeats(input: $input) {
    __typename ... on PositionPayload { position { id seats rank } }
  }
}
"""
NODE = "query ($id: ID!) { node(id: $id) { __typename id } }"
NODE_TYPES = '{ __type(name: "Node") { possibleTypes { name } } }'
USERS = "query ($unit: ID!) { users(unit: $unit) { edges { node { id grants { id } } } } }"
PAGE = "totalCount edges { cursor node { %s } } pageInfo { hasNextPage endCursor }"
PLANS = (
    "query ($unit: ID!, $first: Int!, $after: String)"
    " { plans(unit: $unit, first: $first, after: $after) { %s } }" % (PAGE % "id status")
)
PERSONS = (
    "query ($unit: ID!, $first: Int!, $after: String)"
    " { persons(unit: $unit, first: $first, after: $after) { %s } }" % (PAGE % "id")
)
EVENTS = (
    "query ($unit: ID!, $first: Int!, $after: String)"
    " { planEvents(unit: $unit, first: $first, after: $after) { %s } }" % (PAGE % "plan action")
)
INBOX = "query ($first: Int!, $after: String) { inbox(first: $first, after: $after) { %s } }" % (
    PAGE % "id status viewerCan { edit submit withdraw receive return appraise approve reject }"
)
AUDIT = (
    "query ($unit: ID!, $first: Int!, $after: String)"
    " { auditEvents(unit: $unit, first: $first, after: $after) { %s } }"
    % (PAGE % "action subjectType subject before after actor unit { code }")
)
OUTCOME = """
  __typename
  ... on PlanPayload { plan { id status version decisionNumber } }
  ... on StaleVersion { currentVersion }
  ... on InvalidTransition { status action }
  ... on NotAllowed { code }
  ... on ValidationFailed { problems { code field } }
"""
BULK = f"""
  __typename
  ... on PlanActionsPayload {{ results {{ plan result {{ {OUTCOME} }} }} }}
  ... on ValidationFailed {{ problems {{ code field }} }}
  ... on IdempotencyKeyReused {{ message }}
"""
HISTORY = """
query ($id: ID!) {
  node(id: $id) {
    ... on Plan {
      status
      history {
        action fromStatus toStatus decisionNumber before after entry { id } person { id }
        entries { change fromStatus toStatus reason entry { id } person { id fullName } }
      }
    }
  }
}
"""
LOOKUP = """
query ($nationalId: String!) {
  personByNationalId(nationalId: $nationalId) {
    __typename
    ... on Person { id unit { code } unitHistory { unit { code } validFrom validTo reason } }
    ... on PersonRegisteredElsewhere { person province { code } message }
    ... on PersonNotRegistered { message }
  }
}
"""
TRANSFER = """
  __typename
  ... on PersonPayload { person { id version unit { code } } }
  ... on NotAllowed { code }
  ... on ValidationFailed { problems { code field } }
"""


async def walk(
    client: GraphQLClient, query: str, field: str, first: int, **variables: Any
) -> tuple[list[dict[str, Any]], int]:
    """Every node of a connection, page by page; and the ``totalCount`` each page gave."""
    nodes: list[dict[str, Any]] = []
    cursors: list[str] = []
    counts = set()
    after = None
    while True:
        page = (await client.data(query, {**variables, "first": first, "after": after}))[field]
        counts.add(page["totalCount"])
        assert len(page["edges"]) <= first
        nodes += [edge["node"] for edge in page["edges"]]
        cursors += [edge["cursor"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(set(cursors)) == len(cursors), "a page repeated an item"
    [count] = counts  # the same count on every page
    return nodes, count


async def unit_of(client: GraphQLClient, code: str) -> dict[str, str]:
    data = await client.data("query ($c: String!) { unit(code: $c) { id code name } }", {"c": code})
    return dict(data["unit"])


async def plan_positions(desk: Desk) -> dict[str, Any]:
    data = await desk.people["clerk"].data(PLAN_POSITIONS, {"id": desk.plan["id"]})
    return dict(data["node"])


def by_id(choices: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {choice["position"]["id"]: choice for choice in choices}


async def test_the_titles_a_clerk_may_plan_before_and_in_the_plan_with_the_provinces_seats(
    api: Api, desk: Desk, demo: Demo
) -> None:
    clerk = desk.people["clerk"]
    before = (await clerk.data(POSITIONS, {"unit": desk.commune["id"]}))["positions"]
    title = demo.position(0)
    offered = by_id(before)
    seats, rank = offered[title]["position"]["seats"], offered[title]["position"]["rank"]
    assert offered[title]["quota"] == {"least": 0, "most": 3 * seats, "rule": "Q2"}

    await desk.create()
    empty = await plan_positions(desk)
    await desk.add(await desk.person("Đinh Văn Tài"), title)
    planned = await plan_positions(desk)

    # The plan offers what `positions` offered before it existed, none planned yet.
    assert [{k: v for k, v in p.items() if k != "planned"} for p in empty["positions"]] == before
    assert {p["planned"] for p in empty["positions"]} == {0}
    assert {i: p["planned"] for i, p in by_id(planned["positions"]).items()} == {
        **dict.fromkeys(offered, 0),
        title: 1,
    }

    # The province gives the title one more seat: every read of it in the province says so.
    admin = await api.login("admin.22")
    seat = {"position": title, "province": demo.province, "rank": rank}
    try:
        changed = (
            await admin.data(
                SET_SEATS, {"input": {**seat, "seats": seats + 1, "reason": "Đề án 2026"}}
            )
        )["setPositionSeats"]
        listed = by_id((await clerk.data(POSITIONS, {"unit": desk.commune["id"]}))["positions"])
        read = await plan_positions(desk)
    finally:  # the other journeys count against the catalogue's seats
        restored = await admin.data(SET_SEATS, {"input": {**seat, "seats": seats}})
    in_plan = by_id(read["positions"])

    widened = {"least": 0, "most": 3 * (seats + 1), "rule": "Q2"}
    assert changed["position"] == {"id": title, "seats": seats + 1, "rank": rank}
    assert (listed[title]["position"]["seats"], listed[title]["quota"]) == (seats + 1, widened)
    assert (in_plan[title]["position"]["seats"], in_plan[title]["quota"]) == (seats + 1, widened)
    assert read["entries"] == [{"position": {"id": title, "seats": seats + 1, "rank": rank}}]
    assert restored["setPositionSeats"]["position"]["seats"] == seats


def forged(type_name: str) -> str:
    """A well-formed id of no object, as a client holding a stale or mistyped id sends it."""
    return base64.urlsafe_b64encode(f"{type_name}:{2**62}".encode()).decode()


async def test_node_gives_back_every_type_in_scope_and_null_elsewhere(
    api: Api, desk: Desk, demo: Demo
) -> None:
    await desk.create()
    plan = (await desk.add(await desk.person("Cao Văn Nam"), demo.position(0)))["plan"]
    [entry] = plan["entries"]
    admin = await api.login("admin.22")  # reads and administers all of Quảng Ninh
    users = (await admin.data(USERS, {"unit": desk.commune["id"]}))["users"]["edges"]
    user = users[0]["node"]
    _, key = await api_key(api, desk.commune["id"])
    ids = {
        "Unit": desk.commune["id"],
        "Plan": plan["id"],
        "PlanEntry": entry["id"],
        "Person": entry["person"]["id"],
        "Position": entry["position"]["id"],
        "User": user["id"],
        "RoleGrant": user["grants"][0]["id"],
        "ApiKey": key,
    }
    # Hà Nội's admin: reads and administers all of Hà Nội, nothing of Quảng Ninh.
    ha_noi = await unit_of(admin, "01")
    outsider = await api.login(
        await account(api, ha_noi, "ADMIN", demo.number(), admin="admin"),
        password=ACCOUNT_PASSWORD,
    )

    types = (await admin.data(NODE_TYPES))["__type"]["possibleTypes"]
    found = {t: (await admin.data(NODE, {"id": i}))["node"] for t, i in ids.items()}
    elsewhere = {t: (await outsider.data(NODE, {"id": i}))["node"] for t, i in ids.items()}
    unknown = {t: (await admin.data(NODE, {"id": forged(t)}))["node"] for t in ids}

    assert {t["name"] for t in types} == set(ids)  # every Node type is tried
    assert found == {t: {"__typename": t, "id": i} for t, i in ids.items()}
    # The unit tree and the catalogue's titles are public to officials; the rest is Quảng Ninh's.
    assert {t for t, node in elsewhere.items() if node is not None} == {"Unit", "Position"}
    assert unknown == dict.fromkeys(ids)


async def test_total_count_agrees_with_walking_every_page(api: Api, desk: Desk, demo: Demo) -> None:
    people = [await desk.person(name) for name in ("Lò Văn Bằng", "Hà Thị Mai", "Vi Văn Đức")]
    await desk.create()
    for person in people:
        await desk.add(person, demo.position(0))
    sent = (await desk.do("head", "submitPlan"))["plan"]["id"]
    own = await desk.do(
        "clerk",
        "createPlan",
        unit=desk.commune["id"],
        cycle="2025-2030",
        kind="NEXT_TERM",
        managedBy="PROVINCE",
    )  # a second plan of the commune: for the other cycle
    viewer, appraiser = desk.people["viewer"], desk.people["appraiser"]
    commune, province = desk.commune["id"], demo.province

    plans, plans_count = await walk(viewer, PLANS, "plans", 1, unit=commune)
    persons, persons_count = await walk(viewer, PERSONS, "persons", 2, unit=commune)
    everyone, everyone_count = await walk(viewer, PERSONS, "persons", 40, unit=province)
    inbox, inbox_count = await walk(appraiser, INBOX, "inbox", 3)
    events, events_count = await walk(viewer, EVENTS, "planEvents", 2, unit=commune)
    feed, feed_count = await walk(viewer, EVENTS, "planEvents", 100, unit=province)

    assert (plans_count, len(plans)) == (2, 2)
    assert [p["id"] for p in plans] == [own["plan"]["id"], sent]  # newest first
    assert (persons_count, sorted(p["id"] for p in persons)) == (3, sorted(people))
    assert everyone_count == len(everyone) > persons_count
    assert inbox_count == len(inbox)
    assert sent in {p["id"] for p in inbox}
    assert own["plan"]["id"] not in {p["id"] for p in inbox}  # a draft waits for no appraiser
    # CREATE, three ADD_ENTRY, SUBMIT of the first plan, CREATE of the second.
    assert (events_count, len(events)) == (6, 6)
    assert feed_count == len(feed) > events_count


async def actionable(client: GraphQLClient) -> dict[str, dict[str, Any]]:
    """The whole inbox of ``client``, by plan id, each item checked to be actionable now."""
    items, _ = await walk(client, INBOX, "inbox", 100)
    idle = [item for item in items if not any(item["viewerCan"].values())]
    assert idle == [], "an inbox item nobody may act on"
    return {item["id"]: item for item in items}


async def test_a_plan_moves_from_the_appraisers_inbox_to_the_approvers(
    desk: Desk, demo: Demo
) -> None:
    await desk.create()
    await desk.add(await desk.person("Mã Văn Sơn"), demo.position(0))
    appraiser, approver = desk.people["appraiser"], desk.people["approver"]
    plan = desk.plan["id"]

    drafted = (await actionable(appraiser), await actionable(approver))
    await desk.do("head", "submitPlan")
    submitted = (await actionable(appraiser), await actionable(approver))
    await desk.do("appraiser", "receivePlan")
    received = (await actionable(appraiser), await actionable(approver))
    await desk.do("appraiser", "appraisePlan", report="Đủ điều kiện")
    appraised = (await actionable(appraiser), await actionable(approver))
    await desk.do("approver", "approvePlan", **DECISION)
    approved = (await actionable(appraiser), await actionable(approver))

    assert [
        (plan in a, plan in b) for a, b in (drafted, submitted, received, appraised, approved)
    ] == [
        (False, False),
        (True, False),
        (True, False),
        (False, True),
        (False, False),
    ]
    assert submitted[0][plan]["viewerCan"]["receive"] is True
    assert received[0][plan]["viewerCan"]["appraise"] is received[0][plan]["viewerCan"]["return"]
    assert received[0][plan]["viewerCan"]["appraise"] is True
    assert appraised[1][plan]["viewerCan"]["approve"] is appraised[1][plan]["viewerCan"]["reject"]
    assert appraised[1][plan]["viewerCan"]["approve"] is True


async def bulk(client: GraphQLClient, name: str, **input: Any) -> dict[str, Any]:
    input_type = f"{name[0].upper()}{name[1:]}Input"
    return await client.mutate(name, input_type, BULK, **input)


def at_version(outcome: dict[str, Any]) -> dict[str, Any]:
    """A plan of a bulk answer as the next bulk action names it."""
    plan = outcome["result"]["plan"]
    return {"plan": plan["id"], "version": plan["version"]}


def kinds(answer: dict[str, Any]) -> list[str]:
    return [outcome["result"]["__typename"] for outcome in answer["results"]]


async def test_a_province_decides_its_backlog_in_bulk_and_a_retry_does_nothing_again(
    api: Api, demo: Demo
) -> None:
    # The province's clerk and head draft and submit for its communes (their grants reach them).
    clerk, head = await api.login("clerk.22"), await api.login("head.22")
    appraiser, approver = await api.login("appraiser.22"), await api.login("approver.22")
    submitted = []
    for _ in range(5):
        created = await clerk.mutate(
            "createPlan",
            "CreatePlanInput",
            PLAN,
            unit=demo.commune()["id"],
            cycle=CYCLE,
            kind="NEXT_TERM",
            managedBy="PROVINCE",
        )
        someone = await clerk.mutate(
            "createPerson",
            "CreatePersonInput",
            "__typename ... on PersonPayload { person { id } }",
            nationalId=f"0229{demo.number():08d}",
            fullName="Trần Văn Nguồn",
            sex="MALE",
            birthYear=1984,
            unit=created["plan"]["planningUnit"]["id"],
            politicalTheory="CAO_CAP",
            currentRank=9,
            politicalStandardOk=True,
        )
        added = await clerk.mutate(
            "addPlanEntry",
            "AddPlanEntryInput",
            PLAN,
            plan=created["plan"]["id"],
            version=created["plan"]["version"],
            person=someone["person"]["id"],
            position=demo.position(0),
            tier="T1",
            ballots=[GOOD_BALLOT],
        )
        sent = await head.mutate(
            "submitPlan",
            "PlanActionInput",
            PLAN,
            plan=added["plan"]["id"],
            version=added["plan"]["version"],
        )
        submitted.append({"plan": sent["plan"]["id"], "version": sent["plan"]["version"]})

    received = await bulk(appraiser, "receivePlans", plans=submitted)
    p = [at_version(outcome) for outcome in received["results"]]
    appraised = await bulk(
        appraiser, "appraisePlans", plans=[{**x, "report": "Đạt"} for x in p[:4]]
    )
    a = [at_version(outcome) for outcome in appraised["results"]]
    plans = [
        {**a[0], **DECISION},
        {**a[1], "version": a[1]["version"] - 1, **DECISION},  # read before the appraisal
        {**a[2], **DECISION},
        {**p[4], **DECISION},  # still under appraisal
        {**a[3], **DECISION},
    ]
    key = f"approve-backlog-{demo.number()}"
    first = await bulk(approver, "approvePlans", plans=plans, idempotencyKey=key)
    histories = [await approver.data(HISTORY, {"id": x["plan"]}) for x in a + p[4:]]
    retried = await bulk(approver, "approvePlans", plans=plans, idempotencyKey=key)  # "lost"
    again = [await approver.data(HISTORY, {"id": x["plan"]}) for x in a + p[4:]]
    reused = await bulk(approver, "approvePlans", plans=plans[:1], idempotencyKey=key)
    twice = await bulk(approver, "approvePlans", plans=[plans[3]] * 2)

    assert kinds(received) == ["PlanPayload"] * 5
    assert {o["result"]["plan"]["status"] for o in received["results"]} == {"UNDER_APPRAISAL"}
    assert kinds(appraised) == ["PlanPayload"] * 4
    assert [o["plan"] for o in first["results"]] == [x["plan"] for x in plans]
    assert kinds(first) == [
        "PlanPayload",
        "StaleVersion",
        "PlanPayload",
        "InvalidTransition",
        "PlanPayload",
    ]
    approved = [first["results"][i]["result"]["plan"] for i in (0, 2, 4)]
    assert {(x["status"], x["decisionNumber"]) for x in approved} == {("APPROVED", "125-QĐ/TU")}
    assert first["results"][1]["result"] == {
        "__typename": "StaleVersion",
        "currentVersion": a[1]["version"],
    }
    assert first["results"][3]["result"] == {
        "__typename": "InvalidTransition",
        "status": "UNDER_APPRAISAL",
        "action": "APPROVE",
    }
    assert retried == first
    assert again == histories  # nothing was done twice
    assert [h["node"]["status"] for h in again] == [
        "APPROVED",
        "APPRAISED",
        "APPROVED",
        "APPROVED",
        "UNDER_APPRAISAL",
    ]
    assert [[e["action"] for e in h["node"]["history"]].count("APPROVE") for h in again] == [
        1,
        0,
        1,
        1,
        0,
    ]
    assert reused["__typename"] == "IdempotencyKeyReused"
    assert twice["__typename"] == "ValidationFailed"
    assert [p["code"] for p in twice["problems"]] == ["DUPLICATE_PLAN"]


async def test_a_cadre_found_nationally_is_transferred_by_the_receiving_province(
    api: Api, desk: Desk, demo: Demo
) -> None:
    person = await desk.person("Nông Văn Hưng")
    national_id = desk.national_ids[person]
    national = await api.login("admin")
    ha_noi = await unit_of(national, "01")
    communes = await national.data(
        "query ($p: ID!)"
        " { units(parent: $p, kind: COMMUNE, first: 1) { edges { node { id code name } } } }",
        {"p": ha_noi["id"]},
    )
    commune = communes["units"]["edges"][0]["node"]
    # The receiving commune's clerk and its province's admin (accounts the national admin makes).
    clerk = await api.login(
        await account(api, commune, "CLERK", demo.number(), admin="admin"),
        password=ACCOUNT_PASSWORD,
    )
    admin = await api.login(
        await account(api, ha_noi, "ADMIN", demo.number(), admin="admin"),
        password=ACCOUNT_PASSWORD,
    )
    transfer = {"toUnit": commune["id"], "reason": "QĐ 45-QĐ/TU điều động"}

    nobody = await clerk.data(LOOKUP, {"nationalId": f"0229{demo.number():08d}"})
    found = (await clerk.data(LOOKUP, {"nationalId": national_id}))["personByNationalId"]
    by_clerk = await clerk.mutate(
        "transferPerson", "TransferPersonInput", TRANSFER, person=found["person"], **transfer
    )
    moved = await admin.mutate(
        "transferPerson", "TransferPersonInput", TRANSFER, person=found["person"], **transfer
    )
    after = (await clerk.data(LOOKUP, {"nationalId": national_id}))["personByNationalId"]
    left = (await desk.people["clerk"].data(LOOKUP, {"nationalId": national_id}))[
        "personByNationalId"
    ]

    assert nobody["personByNationalId"]["__typename"] == "PersonNotRegistered"
    assert (found["__typename"], found["province"]) == ("PersonRegisteredElsewhere", {"code": "22"})
    assert found["person"] == person
    assert by_clerk["__typename"] == "NotAllowed"  # an admin of the receiving unit transfers
    assert moved["__typename"] == "PersonPayload", moved
    assert moved["person"]["unit"] == {"code": commune["code"]}
    assert (after["__typename"], after["id"], after["unit"]) == (
        "Person",
        person,
        {"code": commune["code"]},
    )
    assert after["unitHistory"] == [
        {
            "unit": {"code": desk.commune["code"]},
            "validFrom": None,
            "validTo": TODAY,
            "reason": "QĐ 45-QĐ/TU điều động",
        },
        {"unit": {"code": commune["code"]}, "validFrom": TODAY, "validTo": None, "reason": None},
    ]
    # The commune the person left now learns only where to ask.
    assert (left["__typename"], left["province"]) == ("PersonRegisteredElsewhere", {"code": "01"})


async def test_history_and_the_audit_trail_say_what_changed(
    api: Api, desk: Desk, demo: Demo
) -> None:
    lan = await desk.person("Trương Văn Lân")
    minh = await desk.person("Quách Đức Minh")
    await desk.create()
    await desk.add(lan, demo.position(0))
    await desk.add(minh, demo.position(0))
    minh_entry = desk.plan["entries"][1]["id"]
    for who, name, extra in (
        ("head", "submitPlan", {}),
        ("appraiser", "receivePlan", {}),
        ("appraiser", "appraisePlan", {"report": "Đủ điều kiện"}),
    ):
        await desk.do(who, name, **extra)
    refused = {"entry": minh_entry, "approved": False, "reason": "Chưa đủ thời gian công tác"}
    approved = await desk.do("approver", "approvePlan", **DECISION, results=[refused])
    assert approved["plan"]["status"] == "APPROVED", approved
    clerk = desk.people["clerk"]
    version = (
        await clerk.data(
            "query ($id: ID!) { node(id: $id) { ... on Person { version } } }", {"id": lan}
        )
    )["node"]["version"]
    updated = await clerk.mutate(
        "updatePerson",
        "UpdatePersonInput",
        "__typename",
        person=lan,
        version=version,
        currentRank=8,
    )

    history = (await desk.people["viewer"].data(HISTORY, {"id": desk.plan["id"]}))["node"][
        "history"
    ]
    [approval] = [event for event in history if event["action"] == "APPROVE"]
    added = [event for event in history if event["action"] == "ADD_ENTRY"]
    trail, total = await walk(
        await api.login("admin.22"), AUDIT, "auditEvents", 100, unit=desk.commune["id"]
    )

    assert approval["decisionNumber"] == "125-QĐ/TU"
    assert (approval["fromStatus"], approval["toStatus"], approval["entry"]) == (
        "APPRAISED",
        "APPROVED",
        None,  # a decision touches several entries: see `entries`
    )
    assert [
        (e["person"]["id"], e["fromStatus"], e["toStatus"], e["reason"])
        for e in approval["entries"]
    ] == [
        (lan, "PROPOSED", "ACTIVE", None),
        (minh, "PROPOSED", "NOT_APPROVED", "Chưa đủ thời gian công tác"),
    ]
    assert approval["entries"][1]["entry"] == {"id": minh_entry}
    assert approval["entries"][1]["person"]["fullName"] == "Quách Đức Minh"
    assert [(e["person"]["id"], e["entries"][0]["change"]) for e in added] == [
        (lan, "ADD"),
        (minh, "ADD"),
    ]
    assert added[1]["entry"] == {"id": minh_entry}

    assert updated["__typename"] == "PersonPayload"
    assert total == len(trail)
    change = trail[0]  # newest first
    assert (change["action"], change["subjectType"], change["subject"]) == (
        "update_person",
        "person",
        lan,
    )
    assert change["before"] == {"current_rank": 9, "version": version}
    assert change["after"] == {"current_rank": 8, "version": version + 1}
    assert (change["actor"], change["unit"]) == (
        desk.usernames["clerk"],
        {"code": desk.commune["code"]},
    )
    created = {e["subject"] for e in trail if e["action"] == "create_person"}
    assert created == {lan, minh}
