"""Who a live connection delivers to, as a client sees it (issue 15): the same scoping as the
queries (an integrator gets no reasons, nothing personal), a revoked grant narrowing the
subscriptions of an open connection, an API key logging in and its revocation ending the
connection. Ids and cursors only from answers."""

from __future__ import annotations

from typing import Any

from schema.node import to_global_id
from tests.contract.client import Api, GraphQLClient
from tests.contract.desk import ACCOUNT_PASSWORD, Demo, Desk, account, api_key
from tests.contract.live import (
    PLAN_CHANGED,
    PLAN_EVENTS,
    Stream,
    close_of,
    end_of_feed,
    feed,
    subscriber,
)

RETURN_REASON = "Thiếu biên bản kiểm phiếu"
ME = "{ viewer { user { id } grants { id role unit { code } } } }"
GRANT = "__typename ... on GrantPayload { grant { id role unit { code } revokedAt } }"


async def plan_edges(stream: Stream, plan: str, count: int) -> list[dict[str, Any]]:
    """The next ``count`` edges of ``plan`` a feed subscription delivers (others' are skipped:
    the province's feed is every commune's)."""
    edges: list[dict[str, Any]] = []
    while len(edges) < count:
        edge = (await stream.next())["planEvents"]
        if edge["node"]["plan"] == plan:
            edges.append(edge)
    return edges


async def test_an_integrator_receives_no_reasons_and_an_official_does(
    api: Api, demo: Demo, desk: Desk, base_url: str
) -> None:
    await api.login("integrator.22")
    await api.login("viewer.22")
    secret, _ = await api_key(api, demo.province)
    start = await end_of_feed(api, "viewer.22", demo.province)
    async with (
        subscriber(base_url, api.tokens["integrator.22"]) as integrator,
        subscriber(base_url, secret) as system,
        subscriber(base_url, api.tokens["viewer.22"]) as official,
    ):
        streams = [
            live.subscribe(PLAN_EVENTS, unit=demo.province, after=start)
            for live in (integrator, system, official)
        ]
        await desk.create()
        await desk.add(await desk.person("Vũ Văn Lý Do"), demo.position(0))
        await desk.do("head", "submitPlan")
        await desk.do("appraiser", "receivePlan")
        returned = await desk.do("appraiser", "returnPlan", reason=RETURN_REASON)
        assert returned["__typename"] == "PlanPayload", returned
        plan = desk.plan["id"]
        by_login, by_key, official_got = [await plan_edges(s, plan, 5) for s in streams]
    integrator_feed = await feed(api, "integrator.22", demo.province, start)
    official_feed = await feed(api, "viewer.22", demo.province, start)

    assert [edge["node"]["action"] for edge in official_got] == [
        "CREATE",
        "ADD_ENTRY",
        "SUBMIT",
        "RECEIVE",
        "RETURN",
    ]
    assert official_got[-1]["node"]["reason"] == RETURN_REASON
    # The same events and cursors, the reason alone withheld from the integrator.
    withheld = [{**e, "node": {**e["node"], "reason": None}} for e in official_got]
    assert by_login == withheld
    assert by_key == withheld
    # What the query answers each of them.
    assert by_login == [e for e in integrator_feed if e["node"]["plan"] == plan]
    assert official_got == [e for e in official_feed if e["node"]["plan"] == plan]


async def grant(admin: GraphQLClient, user: str, unit: dict[str, str]) -> dict[str, Any]:
    return await admin.mutate(
        "grantRole",
        "GrantRoleInput",
        GRANT,
        user=user,
        role="VIEWER",
        unit=unit["id"],
        reason="contract test",
    )


async def test_a_revoked_grant_narrows_the_open_connection(
    api: Api, demo: Demo, base_url: str
) -> None:
    kept, revoked = await Desk.open(api, demo), await Desk.open(api, demo)
    # A viewer of two communes: of ``revoked`` (its own unit), then also of ``kept``.
    username = await account(api, revoked.commune, "VIEWER", demo.number())
    viewer = await api.login(username, password=ACCOUNT_PASSWORD)
    me = (await viewer.data(ME))["viewer"]
    admin = await api.login("admin.22")
    assert (await grant(admin, me["user"]["id"], kept.commune))["__typename"] == "GrantPayload"
    start = await end_of_feed(api, "viewer.22", demo.province)
    async with subscriber(base_url, api.tokens[username]) as live:
        stream = live.subscribe(PLAN_EVENTS, unit=demo.province, after=start)
        await revoked.create()
        before = (await stream.next())["planEvents"]  # visible while the grant holds
        [revoked_grant] = me["grants"]
        ended = await admin.mutate(
            "revokeRole", "RevokeRoleInput", GRANT, grant=revoked_grant["id"], reason="moved"
        )
        # Committed after the revocation: the first in the revoked commune, then one in
        # the commune still granted. The first delivered after the revocation is the second.
        await revoked.add(await revoked.person("Hoàng Văn Thu Hồi"), demo.position(0))
        await kept.create()
        after = (await stream.next())["planEvents"]

    assert before["node"]["plan"] == revoked.plan["id"]
    assert ended["grant"]["revokedAt"] is not None, ended
    assert (after["node"]["action"], after["node"]["plan"]) == ("CREATE", kept.plan["id"])
    assert after["node"]["planningUnit"]["id"] == kept.commune["id"]
    # As the query answers the viewer now: the revoked commune's events are gone from its feed.
    now = await feed(api, username, demo.province, start)
    assert [edge["node"]["plan"] for edge in now] == [kept.plan["id"]]


async def test_an_api_key_logs_a_connection_in_until_it_is_revoked(
    api: Api, demo: Demo, desk: Desk, base_url: str
) -> None:
    secret, key_id = await api_key(api, demo.province)
    start = await end_of_feed(api, "viewer.22", demo.province)
    async with subscriber(base_url, secret) as live:
        stream = live.subscribe(PLAN_EVENTS, unit=demo.province, after=start)
        idle = live.subscribe(PLAN_CHANGED, plan=to_global_id("Plan", 10**9), after=None)
        await desk.create()
        first = (await stream.next())["planEvents"]
        revoked = await (await api.login("admin.22")).mutate(
            "revokeApiKey",
            "RevokeApiKeyInput",
            "__typename ... on ApiKeyPayload { apiKey { revokedAt } }",
            apiKey=key_id,
        )
        ended = await idle.error()

    assert (first["node"]["action"], first["node"]["plan"]) == ("CREATE", desk.plan["id"])
    assert first["node"]["reason"] is None
    assert revoked["apiKey"]["revokedAt"] is not None, revoked
    assert close_of(ended) == (4403, "SESSION_ENDED")
