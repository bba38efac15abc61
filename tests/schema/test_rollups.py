"""Rollups kept at write time equal a recomputation from the facts, after any sequence of
approvals, partial approvals, annual reviews with removals and additions, and reopenings."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db import rollups
from planning.units import UnitKind
from schema.access.services import AccessServices
from tests.conftest import Runner
from tests.schema.plan_helpers import officials, person, position
from tests.schema.test_plan_workflow import Flow

COMMUNES = ("07132", "06652", "06658")
TITLES = ("PCT_UBND", "CT_UBND", "PHO_BI_THU", "BI_THU", "CT_MTTQ")


async def approve(flow: Flow, rng: random.Random) -> None:
    await flow.do("head", "submitPlan", "PlanActionInput")
    await flow.do("appraiser", "receivePlan", "PlanActionInput")
    await flow.do("appraiser", "appraisePlan", "AppraisePlanInput", report="Đạt")
    proposed = [
        e for e in flow.plan["entries"] if e["status"] == "PROPOSED" and e["change"] != "REMOVE"
    ]
    refused = [
        {"entry": e["id"], "approved": False, "reason": "Chưa đạt"}
        for e in proposed
        if rng.random() < 0.25
    ]
    result = await flow.do(
        "approver",
        "approvePlan",
        "ApprovePlanInput",
        decisionNumber="QĐ",
        decisionDate="2026-11-21",
        results=refused,
    )
    assert result["__typename"] == "PlanPayload", result


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_kept_rollups_equal_a_recomputation(
    run: Runner, session: AsyncSession, access: AccessServices, seed: int
) -> None:
    rng = random.Random(seed)
    people = await officials(session, access, commune="22", approver="22", suffix=f"r{seed}")
    titles = [await position(session, code, managed_by=UnitKind.PROVINCE) for code in TITLES]
    candidates: dict[str, list[str]] = {}
    for number, commune in enumerate(COMMUNES):
        candidates[commune] = [
            await person(
                session,
                commune,
                f"0220900{seed}{number}{n:03d}",
                f"Người {commune} {n}",
                sex=rng.choice(("MALE", "FEMALE")),
                birth_year=rng.randint(1978, 1994),
            )
            for n in range(6)
        ]
    flows = {commune: Flow(run, people) for commune in COMMUNES}
    for step in range(12):
        commune = rng.choice(COMMUNES)
        flow = flows[commune]
        status = flow.plan.get("status")
        if status is None:
            await flow.create(commune, "2030-2035", "PROVINCE")
        elif status == "APPROVED" and rng.random() < 0.4:
            await flow.do("approver", "reopenPlan", "PlanActionInput", reason=f"bước {step}")
        elif status == "APPROVED":
            await flow.create(commune, "2030-2035", "PROVINCE", kind="ANNUAL_REVIEW")
            for entry in flow.plan["entries"]:
                if rng.random() < 0.4:
                    await flow.do(
                        "clerk",
                        "removePlanEntry",
                        "RemovePlanEntryInput",
                        entry=entry["id"],
                        reason="rà soát",
                    )
        if flow.plan["status"] == "DRAFT":
            planned = {e["person"]["fullName"] for e in flow.plan["entries"]}
            for candidate in rng.sample(candidates[commune], 3):
                await flow.add(candidate, rng.choice(titles))
            await approve(flow, rng)
            assert flow.plan["status"] == "APPROVED" or planned is not None

    differing = await rollups.compare_with_recomputation(session)
    active = set(
        await session.scalars(
            text(
                "SELECT e.id FROM plan_entry e JOIN plan p ON p.id = e.plan_id "
                "WHERE e.status = 'ACTIVE' AND p.status = 'APPROVED'"
            )
        )
    )
    facts = set(await session.scalars(text("SELECT entry_id FROM entry_fact")))

    happened = set(await session.scalars(text("SELECT DISTINCT action FROM plan_event")))

    assert facts == active
    assert len(facts) > 0
    assert differing == (0, 0)
    assert {"APPROVE", "REMOVE_ENTRY", "REOPEN"} <= happened  # the sequence did exercise them
