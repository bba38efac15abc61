"""docs/integrators.md over HTTP: an API key, the sync loop over ``planEvents``, exports."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.contract.client import Api, GraphQLClient
from tests.contract.desk import CYCLE, Demo, Desk, api_key

EVENTS = """
query ($unit: ID!, $after: String, $first: Int!) {
  planEvents(unit: $unit, after: $after, first: $first) {
    edges { cursor node { at plan action fromStatus toStatus reason planningUnit { code } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
TOTAL = """
query ($unit: ID!) {
  statistics(input: {unit: $unit, cycle: "2030-2035"}) {
    exact total { entries persons suppressed }
  }
}
"""


async def feed(
    client: GraphQLClient, unit: str, *, after: str | None = None, first: int = 100
) -> tuple[list[dict[str, Any]], str | None]:
    """Every event after ``after``, page by page until ``hasNextPage`` is false; and the cursor
    to keep (unchanged by an empty page)."""
    events: list[dict[str, Any]] = []
    while True:
        page = (await client.data(EVENTS, {"unit": unit, "after": after, "first": first}))[
            "planEvents"
        ]
        events += page["edges"]
        if page["edges"]:
            assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
            after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            return events, after


async def test_an_api_key_reads_aggregates_of_its_subtree_and_nothing_personal(
    api: Api, demo: Demo
) -> None:
    secret, key_id = await api_key(api, demo.province)
    key = await api.with_token(secret)

    me = await key.data("{ viewer { user { id } apiKey { id unit { code } } grants { role } } }")
    persons = await key.answer("{ persons(first: 1) { edges { node { fullName } } } }")
    national = await key.answer(TOTAL, {"unit": demo.root})
    own = await key.data(TOTAL, {"unit": demo.province})
    revoked = await (await api.login("admin.22")).mutate(
        "revokeApiKey",
        "RevokeApiKeyInput",
        "__typename ... on ApiKeyPayload { apiKey { revokedAt } }",
        apiKey=key_id,
    )
    after = await key.answer("{ viewer { grants { role } } }")

    # The key acts as INTEGRATOR on its unit: it holds no grant rows of its own.
    assert me["viewer"] == {
        "user": None,
        "apiKey": {"id": key_id, "unit": {"code": "22"}},
        "grants": [],
    }
    assert (persons.status, persons.codes) == (400, ["OFFICIALS_ONLY"])
    assert (national.status, national.codes) == (400, ["NOT_ALLOWED"])
    assert own["statistics"]["exact"] is False
    assert revoked["apiKey"]["revokedAt"] is not None
    assert (after.status, after.codes) == (401, ["INVALID_TOKEN"])


async def test_the_sync_loop_sees_every_event_once_and_in_order(
    api: Api, demo: Demo, desk: Desk
) -> None:
    secret, _ = await api_key(api, demo.province)
    key = await api.with_token(secret)
    in_pages, cursor = await feed(key, demo.province, first=7)
    at_once, same_cursor = await feed(key, demo.province)
    assert in_pages == at_once  # pages of 7 neither repeat nor skip an event
    assert len({e["cursor"] for e in in_pages}) == len(in_pages)
    assert same_cursor == cursor
    assert await feed(key, demo.province, after=cursor) == ([], cursor)  # nothing new yet

    hai = await desk.person("Đặng Văn Hải")
    hoa = await desk.person("Đặng Thị Hoa", sex="FEMALE")
    await desk.create()
    await desk.add(hai, demo.position(0))
    await desk.add(hoa, demo.position(1))
    await desk.do("head", "submitPlan")
    await desk.do("appraiser", "receivePlan")
    await desk.do("appraiser", "returnPlan", reason="Thiếu biên bản kiểm phiếu")
    await desk.approve_all()
    news, cursor = await feed(key, demo.province, after=cursor, first=3)
    official, _ = await feed(desk.people["viewer"], desk.commune["id"])

    assert [(e["node"]["action"], e["node"]["toStatus"]) for e in news] == [
        ("CREATE", None),
        ("ADD_ENTRY", None),
        ("ADD_ENTRY", None),
        ("SUBMIT", "SUBMITTED"),
        ("RECEIVE", "UNDER_APPRAISAL"),
        ("RETURN", "RETURNED"),
        ("SUBMIT", "SUBMITTED"),
        ("RECEIVE", "UNDER_APPRAISAL"),
        ("APPRAISE", "APPRAISED"),
        ("APPROVE", "APPROVED"),
    ]
    assert {(e["node"]["plan"], e["node"]["planningUnit"]["code"]) for e in news} == {
        (desk.plan["id"], desk.commune["code"])
    }
    assert {e["node"]["reason"] for e in news} == {None}  # integrators never get reasons
    assert [e["node"]["reason"] for e in official if e["node"]["action"] == "RETURN"] == [
        "Thiếu biên bản kiểm phiếu"
    ]
    assert [e["node"] for e in official] == [
        {**e["node"], "reason": o["node"]["reason"]} for e, o in zip(news, official, strict=True)
    ]
    assert await feed(key, demo.province, after=cursor) == ([], cursor)

    # An APPROVE changes the approved figures: read them again. Two persons are a small cell.
    for_key = await key.data(TOTAL, {"unit": desk.commune["id"]})
    for_official = await desk.people["viewer"].data(TOTAL, {"unit": desk.commune["id"]})
    assert for_key["statistics"] == {
        "exact": False,
        "total": {"entries": None, "persons": None, "suppressed": True},
    }
    assert for_official["statistics"] == {
        "exact": True,
        "total": {"entries": 2, "persons": 2, "suppressed": False},
    }


def rows(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode()), "a byte-order mark, for Excel"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


async def test_exports_are_authorized_like_the_queries_they_mirror(
    api: Api, demo: Demo, desk: Desk
) -> None:
    lan = await desk.person("Phan Thị Lan", sex="FEMALE")
    await desk.create()
    await desk.add(lan, demo.position(0))
    await desk.approve_all()
    secret, _ = await api_key(api, demo.province)
    key = await api.with_token(secret)
    links = (
        await key.data(
            "query ($unit: ID!, $cycle: String!) { exportLinks(unit: $unit, cycle: $cycle)"
            " { statisticsCsv indicatorsCsv planEntriesCsv } }",
            {"unit": desk.commune["id"], "cycle": CYCLE},
        )
    )["exportLinks"]
    statistics = {"unit": demo.province, "cycle": CYCLE, "groupBy": "GENDER"}

    async with api.http(secret) as http:
        by_gender = await http.get("/exports/statistics.csv", params=statistics)
        national = await http.get(
            "/exports/statistics.csv", params={**statistics, "unit": demo.root}
        )
        personal = await http.get(
            "/exports/plan-entries.csv", params={"unit": desk.commune["id"], "cycle": CYCLE}
        )
        misspelt = await http.get(
            "/exports/statistics.csv", params={**statistics, "groupby": "GENDER"}
        )
        linked = [await http.get(links[name]) for name in ("statisticsCsv", "indicatorsCsv")]
    async with api.http() as http:
        anonymous = await http.get("/exports/statistics.csv", params=statistics)
    async with api.http(api.tokens["viewer.22"]) as http:
        entries = await http.get(
            "/exports/plan-entries.csv", params={"unit": desk.commune["id"], "cycle": CYCLE}
        )

    assert by_gender.status_code == 200
    assert by_gender.headers["content-type"].startswith("text/csv")
    table = rows(by_gender.content)
    assert "approvedOnly" in table[0]
    assert len(table) > 1
    assert [r.status_code for r in linked] == [200, 200]
    assert links["planEntriesCsv"] is None  # not for an API key
    refusals = [
        (r.status_code, r.json()["errors"][0]["extensions"]["code"])
        for r in (national, personal, misspelt, anonymous)
    ]
    assert refusals == [
        (403, "NOT_ALLOWED"),
        (403, "OFFICIALS_ONLY"),
        (400, "BAD_ARGUMENTS"),
        (401, "UNAUTHENTICATED"),
    ]
    assert entries.status_code == 200
    plan_list = rows(entries.content)
    assert [line for line in plan_list[1:] if "Phan Thị Lan" in line] != []
    assert not any("0229" in cell for line in plan_list for cell in line), "never a national id"
