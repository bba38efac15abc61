"""Plans approved on the old tree in June 2025 and consolidated today by their successors, as
the consolidation tests drive them (GraphQL only, ids from answers)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from planning.access import Principal
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import NOW, Runner
from tests.factories import unit
from tests.schema.plan_helpers import BALLOT, officials, position

THREE_TIER = date(2025, 6, 30)
JUNE = datetime(2025, 6, 20, 9, 0, tzinfo=NOW.tzinfo)

PLAN = """
  __typename
  ... on PlanPayload { plan {
    id status version kind managedBy
    approvingUnit { code } planningUnit { code name }
    entries { id status change person { fullName } position { code managedBy }
              origin { unit { code name validTo } plan entry } }
    consolidationLeftovers { origin { unit { code } plan entry } person { fullName }
                             position { code } }
    validation { errors { rule entry message } warnings { rule message } }
  } }
  ... on ValidationFailed { problems { code message } }
  ... on NotAllowed { code }
  ... on InvalidTransition { status action }
"""
STATUS = """
query ($id: ID!) { node(id: $id) { ... on Plan {
  status entries { status } history { action after } } } }
"""


async def call(run: Runner, who: Principal, name: str, input_type: str, **input: Any) -> Any:
    query = f"mutation ($input: {input_type}!) {{ {name}(input: $input) {{ {PLAN} }} }}"
    return (await run.as_(who).data(query, {"input": input}))[name]


class Desk:
    """The officials of one planning unit and its approving unit, and the plan at hand."""

    def __init__(self, run: Runner, people: dict[str, Principal]) -> None:
        self.run, self.people = run, people
        self.plan: dict[str, Any] = {}

    async def do(self, who: str, name: str, input_type: str, **input: Any) -> Any:
        if "entry" in input:
            input = {"version": self.plan["version"], **input}
        elif self.plan and "plan" not in input and name != "createPlan":
            input = {"plan": self.plan["id"], "version": self.plan["version"], **input}
        if name == "addPlanEntry":
            input = {"plan": self.plan["id"], "version": self.plan["version"], **input}
        result = await call(self.run, self.people[who], name, input_type, **input)
        if result["__typename"] == "PlanPayload":
            self.plan = result["plan"]
        return result

    async def create(self, code: str, managed_by: str, *, kind: str, at: date | None) -> Any:
        row = await unit(self.run.session, code, at)
        self.plan = {}
        return await self.do(
            "clerk",
            "createPlan",
            "CreatePlanInput",
            unit=to_global_id("Unit", row.id),
            cycle="2025-2030",
            kind=kind,
            managedBy=managed_by,
        )

    async def through(self, *, decided: str, **approval: Any) -> Any:
        """Submit, receive, appraise and approve the plan at hand."""
        assert (await self.do("head", "submitPlan", "PlanActionInput"))["__typename"] == (
            "PlanPayload"
        ), self.plan["validation"]
        await self.do("appraiser", "receivePlan", "PlanActionInput")
        await self.do("appraiser", "appraisePlan", "AppraisePlanInput", report="Đạt")
        return await self.do(
            "approver",
            "approvePlan",
            "ApprovePlanInput",
            decisionNumber="1-QĐ",
            decisionDate=decided,
            **approval,
        )


async def old_plan(
    run: Runner,
    session: AsyncSession,
    access: AccessServices,
    code: str,
    planned: list[tuple[str, str]],
    *,
    approver: str = "206",
    managed_by: str = "DISTRICT",
    unit_kind: UnitKind = UnitKind.COMMUNE,
) -> dict[str, Any]:
    """A plan of the old unit ``code`` for 2025–2030, approved in June 2025: each (person,
    title code) planned."""
    people = await officials(
        session, access, commune=code, approver=approver, suffix=f"old{code}", at=THREE_TIER
    )
    desk = Desk(run.on(JUNE), people)
    created = await desk.create(code, managed_by, kind="NEXT_TERM", at=THREE_TIER)
    assert created["__typename"] == "PlanPayload", created
    for who, title in planned:
        post = await position(session, title, managed_by=UnitKind(managed_by), unit_kind=unit_kind)
        added = await desk.do(
            "clerk",
            "addPlanEntry",
            "AddPlanEntryInput",
            person=who,
            position=post,
            tier="T1",
            ballots=[BALLOT],
        )
        assert added["__typename"] == "PlanPayload", added
    approved = await desk.through(decided="2025-06-20")
    assert approved["plan"]["status"] == "APPROVED", approved
    return {**approved["plan"], "reader": people["approver"]}


async def new_desk(session: AsyncSession, access: AccessServices, run: Runner, code: str) -> Desk:
    return Desk(
        run, await officials(session, access, commune=code, approver="22", suffix=f"n{code}")
    )


async def status_of(run: Runner, plan: dict[str, Any]) -> dict[str, Any]:
    """The old plan now, as its approving unit's official reads it."""
    node: dict[str, Any] = (await run.as_(plan["reader"]).data(STATUS, {"id": plan["id"]}))["node"]
    return node
