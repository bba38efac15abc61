"""The change feed: every committed event once, in order, across pages; never one that a
still-open transaction could precede. Runs on committed data (a database of its own)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from db import plan_lists
from planning.access import Grant, Principal, Role
from schema.context import Context
from schema.node import row_id_of
from schema.root import schema
from tests.conftest import NOW, RULE_SETS
from tests.factories import unit
from tests.schema.conftest import World, new_plan

FEED = """
query ($unit: ID!, $after: String, $first: Int) {
  planEvents(unit: $unit, after: $after, first: $first) {
    edges { cursor node { action toStatus reason plan planningUnit { code } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def read_feed(
    world: World, principal: Principal, province: str, after: str | None = None, first: int = 2
) -> Any:
    async with world.sessions() as session:
        context = Context(
            session=session, now=NOW, access=world.access, principal=principal, rule_sets=RULE_SETS
        )
        result = await schema.execute(
            FEED,
            variable_values={"unit": province, "after": after, "first": first},
            context_value=context,
        )
        assert result.errors is None, result.errors
        return result.data["planEvents"]  # type: ignore[index]


async def test_the_feed_pages_through_every_committed_event_once(world: World) -> None:
    plan = await new_plan(world)
    for person in world.persons[:3]:
        plan = (
            await world.call(
                "clerk",
                "addPlanEntry",
                "AddPlanEntryInput",
                plan=plan["id"],
                version=plan["version"],
                person=person,
                position=world.vice_chair,
                tier="T1",
                ballots=[{"step": "BTV", "summoned": 11, "present": 11, "votesFor": 9}],
            )
        )["plan"]
    await world.call(
        "head", "submitPlan", "PlanActionInput", plan=plan["id"], version=plan["version"]
    )
    async with world.sessions() as session:
        province = await unit(session, "22")
    integrator = Principal(
        user_id=None,
        api_key_id=9,
        name="feed",
        grants=(Grant(0, Role.INTEGRATOR, province.id, province.path),),
    )
    province_id = __import__("schema.node", fromlist=["to_global_id"]).to_global_id(
        "Unit", province.id
    )

    seen: list[str] = []
    after = None
    while True:
        page = await read_feed(world, integrator, province_id, after)
        seen += [edge["node"]["action"] for edge in page["edges"]]
        assert all(edge["node"]["reason"] is None for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert seen == ["CREATE", "ADD_ENTRY", "ADD_ENTRY", "ADD_ENTRY", "SUBMIT"]

    # While a transaction that wrote an event is open, nothing committed after it is served
    # (its event could precede them); once it commits, both come, in commit-safe order.
    cursor = page["pageInfo"]["endCursor"]
    note = text("INSERT INTO plan_event (plan_id, at, action) VALUES (:p, now(), :a)")
    plan_row = {"p": row_id_of(plan["id"], "Plan")}
    transaction = text("SELECT pg_current_xact_id()::text::bigint")
    async with world.sessions() as slow:
        await slow.execute(note, {**plan_row, "a": "SLOW_NOTE"})
        slow_txid = int(await slow.scalar(transaction) or 0)
        async with world.sessions() as fast:
            await fast.execute(note, {**plan_row, "a": "FAST_NOTE"})
            fast_txid = int(await fast.scalar(transaction) or 0)
            await fast.commit()
        while_open = await read_feed(world, integrator, province_id, cursor)
        async with world.sessions() as reader:
            held_at = await plan_lists.settled_below(reader)
        await slow.commit()
    after_commit = await read_feed(world, integrator, province_id, cursor, first=10)
    async with world.sessions() as reader:
        settled_at = await plan_lists.settled_below(reader)

    assert while_open["edges"] == []
    # The watermark tells a subscriber woken for the fast one that it is held back, then not.
    assert held_at <= slow_txid < fast_txid < settled_at
    assert [edge["node"]["action"] for edge in after_commit["edges"]] == ["SLOW_NOTE", "FAST_NOTE"]
