"""Bulk actions on plans (receivePlans, appraisePlans, approvePlans, returnPlans): one outcome per
plan in input order, each plan settled on its own, the batch idempotent as a whole, its cost
per plan constant, and each plan decided once when batches race."""

from __future__ import annotations

import asyncio
from collections import Counter
from itertools import count
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import persons as persons_db, rollups
from db.plan_models import PlanEvent
from planning.access import Principal
from schema.access.services import AccessServices
from schema.context import Context
from schema.node import row_id_of, to_global_id
from schema.root import schema
from tests.conftest import NOW, RULE_SETS, Runner, Statements
from tests.schema.conftest import World
from tests.schema.plan_helpers import call, communes, province_officials, with_someone

OUTCOME = """
  __typename
  ... on PlanPayload { plan { id status version appraisalReport decisionNumber } }
  ... on ValidationFailed { problems { code field } }
  ... on NotAllowed { code }
  ... on NotFound { id }
  ... on StaleVersion { currentVersion }
  ... on InvalidTransition { status action }
"""


def bulk(name: str, input_type: str) -> str:
    return f"""
mutation ($input: {input_type}!) {{
  {name}(input: $input) {{
    __typename
    ... on PlanActionsPayload {{ results {{ plan result {{ {OUTCOME} }} }} }}
    ... on ValidationFailed {{ problems {{ code field message }} }}
    ... on IdempotencyKeyReused {{ message }}
  }}
}}"""


RECEIVE = bulk("receivePlans", "ReceivePlansInput")
APPRAISE = bulk("appraisePlans", "AppraisePlansInput")
APPROVE = bulk("approvePlans", "ApprovePlansInput")
RETURN = bulk("returnPlans", "ReturnPlansInput")
STATE = "query ($id: ID!) { node(id: $id) { ... on Plan { status version } } }"


NUMBERS = count(1)  # national ids of the persons the backlog proposes


class Backlog:
    """Plans of the province's communes, brought to the province by its own officials."""

    def __init__(
        self,
        run: Runner,
        session: AsyncSession,
        people: dict[str, Principal],
        units: list[str],
    ) -> None:
        self.run, self.session, self.people, self.units = run, session, people, units

    def as_(self, who: str) -> Runner:
        return self.run.as_(self.people[who])

    async def plan(self, managed_by: str = "PROVINCE", *, submit: bool = True) -> dict[str, Any]:
        created = await call(
            self.as_("clerk"),
            "createPlan",
            "CreatePlanInput",
            unit=self.units.pop(),
            cycle="2030-2035",
            kind="NEXT_TERM",
            managedBy=managed_by,
        )
        plan = created["plan"]
        if submit:
            plan = await with_someone(
                self.as_("clerk"), self.session, plan, national_id=f"0229{next(NUMBERS):08d}"
            )
            plan = await self.single("head", "submitPlan", plan)
        return {"plan": plan["id"], "version": plan["version"]}

    async def single(self, who: str, name: str, plan: dict[str, Any], **extra: Any) -> Any:
        input_type = "AppraisePlanInput" if name == "appraisePlan" else "PlanActionInput"
        done = await call(
            self.as_(who), name, input_type, plan=plan["id"], version=plan["version"], **extra
        )
        assert done["__typename"] == "PlanPayload", done
        return done["plan"]

    async def submitted(self, count: int) -> list[dict[str, Any]]:
        return [await self.plan() for _ in range(count)]

    async def bulk(self, who: str, document: str, **input: Any) -> Any:
        data = await self.as_(who).data(document, {"input": input})
        return next(iter(data.values()))

    async def received(self, count: int) -> list[dict[str, Any]]:
        answer = await self.bulk("appraiser", RECEIVE, plans=await self.submitted(count))
        return [versioned(r) for r in answer["results"]]

    async def state(self, plan: str) -> dict[str, Any]:
        return dict((await self.as_("appraiser").data(STATE, {"id": plan}))["node"])


def versioned(outcome: dict[str, Any]) -> dict[str, Any]:
    """A plan of a bulk answer as the next bulk action names it."""
    plan = outcome["result"]["plan"]
    return {"plan": plan["id"], "version": plan["version"]}


def kinds(answer: dict[str, Any]) -> list[str]:
    return [outcome["result"]["__typename"] for outcome in answer["results"]]


@pytest.fixture
async def backlog(run: Runner, session: AsyncSession, access: AccessServices) -> Backlog:
    people = await province_officials(session, access, "bulk")
    return Backlog(run, session, people, await communes(session, 12))


async def test_a_batch_answers_each_plan_in_order_and_refusals_never_undo_the_others(
    backlog: Backlog,
) -> None:
    p1, p2, p3, p4 = await backlog.received(4)
    draft = await backlog.plan(submit=False)
    unknown = {"plan": to_global_id("Plan", 10**12), "version": 1}

    answer = await backlog.bulk(
        "appraiser",
        APPRAISE,
        plans=[
            {**p1, "report": "Đạt yêu cầu"},
            {**p2, "version": p2["version"] - 1, "report": "Đạt"},
            {**p3, "report": "   "},
            {**unknown, "report": "Đạt"},
            {**draft, "report": "Đạt"},
            {**p4, "report": "Đạt, đủ hồ sơ"},
        ],
    )

    assert answer["__typename"] == "PlanActionsPayload"
    assert kinds(answer) == [
        "PlanPayload",
        "StaleVersion",
        "ValidationFailed",
        "NotFound",
        "InvalidTransition",
        "PlanPayload",
    ]
    first, stale, empty, missing, drafted, last = (o["result"] for o in answer["results"])
    assert [o["plan"] for o in answer["results"]] == [
        p["plan"] for p in (p1, p2, p3, unknown, draft, p4)
    ]
    assert first["plan"]["status"] == last["plan"]["status"] == "APPRAISED"
    assert first["plan"]["appraisalReport"] == "Đạt yêu cầu"
    assert stale == {"__typename": "StaleVersion", "currentVersion": p2["version"]}
    assert empty["problems"] == [{"code": "REPORT_REQUIRED", "field": "report"}]
    assert missing["id"] == unknown["plan"]
    assert (drafted["status"], drafted["action"]) == ("DRAFT", "APPRAISE")
    # The refused plans are as they were.
    assert await backlog.state(p2["plan"]) == {"status": "UNDER_APPRAISAL", **version(p2)}
    assert await backlog.state(p3["plan"]) == {"status": "UNDER_APPRAISAL", **version(p3)}
    assert await backlog.state(draft["plan"]) == {"status": "DRAFT", **version(draft)}


def version(plan: dict[str, Any]) -> dict[str, int]:
    return {"version": plan["version"]}


async def test_approvals_and_returns_in_bulk_decide_each_plan_as_the_single_mutation_does(
    backlog: Backlog,
) -> None:
    received = await backlog.received(4)
    appraised = await backlog.bulk(
        "appraiser", APPRAISE, plans=[{**p, "report": "Đạt"} for p in received[:3]]
    )
    a1, a2, a3 = (versioned(o) for o in appraised["results"])
    decision = {"decisionNumber": "125-QĐ/TU", "decisionDate": "2026-11-21"}

    approved = await backlog.bulk(
        "approver",
        APPROVE,
        plans=[
            {**a1, **decision},
            {**a2, **decision, "results": [{"entry": "not-an-entry", "approved": False}]},
            {**a3, "decisionNumber": " ", "decisionDate": "2026-11-21"},
        ],
    )
    returned = await backlog.bulk(
        "appraiser", RETURN, plans=[{**received[3]}, {**received[3], "reason": "Thiếu hồ sơ"}]
    )
    returned_once = await backlog.bulk(
        "appraiser", RETURN, plans=[{**received[3], "reason": "Thiếu hồ sơ"}]
    )

    assert kinds(approved) == ["PlanPayload", "NotFound", "ValidationFailed"]
    assert approved["results"][0]["result"]["plan"]["decisionNumber"] == "125-QĐ/TU"
    assert approved["results"][1]["result"]["id"] == "not-an-entry"
    assert approved["results"][2]["result"]["problems"] == [
        {"code": "DECISION_REQUIRED", "field": "decisionNumber"}
    ]
    assert returned["__typename"] == "ValidationFailed"  # listed twice: nothing done
    assert [p["code"] for p in returned["problems"]] == ["DUPLICATE_PLAN"]
    [outcome] = returned_once["results"]
    assert outcome["result"]["plan"]["status"] == "RETURNED"
    reasonless = await backlog.bulk("appraiser", RETURN, plans=[versioned(outcome)])
    assert kinds(reasonless) == ["InvalidTransition"]  # already returned


async def test_a_return_without_its_reason_is_refused_for_that_plan_only(
    backlog: Backlog,
) -> None:
    p1, p2 = await backlog.received(2)

    answer = await backlog.bulk("appraiser", RETURN, plans=[p1, {**p2, "reason": "Bổ sung"}])

    assert kinds(answer) == ["ValidationFailed", "PlanPayload"]
    assert answer["results"][0]["result"]["problems"] == [
        {"code": "REASON_REQUIRED", "field": "reason"}
    ]
    assert await backlog.state(p1["plan"]) == {"status": "UNDER_APPRAISAL", **version(p1)}


async def test_a_retry_with_the_same_key_answers_the_first_answer_without_acting_again(
    backlog: Backlog, session: AsyncSession
) -> None:
    p1, p2, p3 = await backlog.submitted(3)
    batch = {
        "plans": [p1, {**p2, "version": p2["version"] + 5}, p3],
        "idempotencyKey": "inbox-21-11",
    }

    first = await backlog.bulk("appraiser", RECEIVE, **batch)
    # Meanwhile the stale plan is received by its single mutation: a retry must not change
    # its answer to the one it would get now (InvalidTransition), nor receive p1 twice.
    await backlog.single("appraiser", "receivePlan", {"id": p2["plan"], **version(p2)})
    retried = await backlog.bulk("appraiser", RECEIVE, **batch)
    other = await backlog.bulk("appraiser", RECEIVE, **{**batch, "plans": [p1, p3]})

    assert kinds(first) == ["PlanPayload", "StaleVersion", "PlanPayload"]
    assert retried == first
    assert other["__typename"] == "IdempotencyKeyReused"
    received = await session.scalar(
        select(func.count())
        .select_from(PlanEvent)
        .where(
            PlanEvent.action == "RECEIVE",
            PlanEvent.plan_id.in_([row_id_of(p["plan"], "Plan") for p in (p1, p3)]),
        )
    )
    assert received == 2


async def test_a_batch_is_bounded(backlog: Backlog) -> None:
    [plan] = await backlog.submitted(1)
    too_many = [{"plan": to_global_id("Plan", n), "version": 1} for n in range(1, 101)] + [plan]

    answer = await backlog.bulk("appraiser", RECEIVE, plans=too_many)

    assert answer["__typename"] == "ValidationFailed"
    assert [(p["code"], p["field"]) for p in answer["problems"]] == [("TOO_MANY_PLANS", "plans")]
    assert "at most 100 plans" in answer["problems"][0]["message"]
    assert await backlog.state(plan["plan"]) == {"status": "SUBMITTED", **version(plan)}


async def test_each_plan_of_a_batch_costs_the_same_statements(
    backlog: Backlog, statements: Statements
) -> None:
    plans = await backlog.submitted(8)
    counted = {}
    # The first batch is a warm-up: it finds the test's transaction already opened.
    for size, batch in ((0, plans[:1]), (1, plans[1:2]), (2, plans[2:4]), (4, plans[4:])):
        statements.count = 0
        answer = await backlog.bulk("appraiser", RECEIVE, plans=batch, idempotencyKey=f"k{size}")
        assert kinds(answer) == ["PlanPayload"] * len(batch)
        counted[size] = statements.count

    per_plan = counted[2] - counted[1]
    assert per_plan > 0
    assert counted[4] - counted[2] == 2 * per_plan, counted


# --- Racing batches, each request on its own connection (a database of their own) ----------


async def bulk_call(world: World, who: str, document: str, **input: Any) -> dict[str, Any]:
    async with world.sessions() as session:
        context = Context(
            session=session,
            now=NOW,
            access=world.access,
            principal=world.people[who],
            rule_sets=RULE_SETS,
            request_id="race",
        )
        result = await schema.execute(
            document, variable_values={"input": input}, context_value=context
        )
        assert result.errors is None, result.errors
        assert result.data is not None
        return dict(next(iter(result.data.values())))


async def plans_at(world: World, count: int, *, appraised: bool) -> list[dict[str, Any]]:
    """``count`` plans of communes of province 22, each with one proposed entry, received (and
    appraised) in bulk."""
    async with world.sessions() as session:
        people = await province_officials(session, world.access, "province")
        world.people.update({f"province_{k}": v for k, v in people.items()})
        units = await communes(session, count)
        persons = []
        for n, commune in enumerate(units):
            row = await persons_db.add(
                session,
                national_id=f"0220860002{n:02d}",
                full_name=f"Người Xã {n}",
                sex="FEMALE",
                birth_year=1986,
                birth_month=3,
                unit_id=row_id_of(commune, "Unit"),
                current_rank=9,
                political_standard_ok=True,
            )
            persons.append(to_global_id("Person", row.id))
        await session.commit()
    plans = []
    for commune, person in zip(units, persons, strict=True):
        plan = await world.call(
            "province_clerk",
            "createPlan",
            "CreatePlanInput",
            unit=commune,
            cycle="2030-2035",
            kind="NEXT_TERM",
            managedBy="PROVINCE",
        )
        plan = await world.call(
            "province_clerk",
            "addPlanEntry",
            "AddPlanEntryInput",
            plan=plan["plan"]["id"],
            version=plan["plan"]["version"],
            person=person,
            position=world.vice_chair,
            tier="T1",
            ballots=[{"step": "BTV", "summoned": 11, "present": 11, "votesFor": 9}],
        )
        plan = await world.call(
            "province_head",
            "submitPlan",
            "PlanActionInput",
            plan=plan["plan"]["id"],
            version=plan["plan"]["version"],
        )
        plans.append({"plan": plan["plan"]["id"], "version": plan["plan"]["version"]})
    received = await bulk_call(world, "appraiser", RECEIVE, plans=plans)
    assert kinds(received) == ["PlanPayload"] * count
    if not appraised:
        return [versioned(o) for o in received["results"]]
    done = await bulk_call(
        world,
        "appraiser",
        APPRAISE,
        plans=[{**versioned(o), "report": "Đạt"} for o in received["results"]],
    )
    assert kinds(done) == ["PlanPayload"] * count
    return [versioned(o) for o in done["results"]]


async def count_events(world: World, action: str) -> int:
    async with world.sessions() as session:
        found = await session.scalar(
            select(func.count()).select_from(PlanEvent).where(PlanEvent.action == action)
        )
    return int(found or 0)


async def test_racing_batches_over_the_same_plans_decide_each_plan_exactly_once(
    world: World,
) -> None:
    plans = await plans_at(world, 6, appraised=True)
    decision = {"decisionNumber": "7-QĐ/TU", "decisionDate": "2026-11-21"}
    # Overlapping, in opposite orders: batches holding their plans to the end would deadlock.
    orders = [plans, plans[::-1], plans[2:] + plans[:2], plans[3:] + plans[:3][::-1]]

    answers = await asyncio.gather(
        *(
            bulk_call(world, "approver", APPROVE, plans=[{**p, **decision} for p in order])
            for order in orders
        )
    )

    won: Counter[str] = Counter()
    for answer in answers:
        assert answer["__typename"] == "PlanActionsPayload"
        for outcome in answer["results"]:
            kind = outcome["result"]["__typename"]
            assert kind in {"PlanPayload", "StaleVersion", "InvalidTransition"}, outcome
            won[outcome["plan"]] += kind == "PlanPayload"
    assert won == {p["plan"]: 1 for p in plans}
    assert await count_events(world, "APPROVE") == len(plans)
    async with world.sessions() as session:
        # The statistics count each approved entry once.
        assert await rollups.compare_with_recomputation(session) == (0, 0)


async def test_a_batch_retried_while_it_runs_answers_the_same_and_acts_once(world: World) -> None:
    plans = await plans_at(world, 4, appraised=False)
    batch = {
        "plans": [{**p, "reason": "Bổ sung hồ sơ"} for p in plans],
        "idempotencyKey": "slow-network",
    }

    first, retried = await asyncio.gather(
        bulk_call(world, "appraiser", RETURN, **batch),
        bulk_call(world, "appraiser", RETURN, **batch),
    )

    assert kinds(first) == ["PlanPayload"] * 4
    assert retried == first
    assert await count_events(world, "RETURN") == 4
