"""The demo data: plans in every state, loaded once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.demo_plans import OLD_TREE_PLANS, STATES, load_demo_plans
from db import rollups
from db.plan_models import Plan
from schema.access.services import AccessServices
from tests.conftest import NOW


async def test_demo_plans_cover_every_state_once(
    session: AsyncSession, access: AccessServices
) -> None:
    created = await load_demo_plans(session, access, now=NOW)
    again = await load_demo_plans(session, access, now=NOW)

    statuses = set(await session.scalars(select(Plan.status)))
    assert created == 3 * 7 + len(OLD_TREE_PLANS)
    assert again == 0
    assert statuses == set(STATES)
    assert await rollups.compare_with_recomputation(session) == (0, 0)
    # Approved: one 2030–2035 plan per demo province, and the old tree's 2025–2030 plans.
    assert await session.scalar(text("SELECT count(*) FROM entry_fact")) == (3 + 5) * 4


async def test_the_old_quang_ninh_approved_its_plans_before_the_reform(
    session: AsyncSession, access: AccessServices
) -> None:
    await load_demo_plans(session, access, now=NOW)
    approved = (
        await session.execute(
            text(
                """
                SELECT u.code, a.code, p.rule_set, p.decided_at::date
                FROM plan p JOIN cycle c ON c.id = p.cycle_id
                JOIN unit u ON u.id = p.planning_unit_id JOIN unit a ON a.id = p.approving_unit_id
                WHERE c.code = '2025-2030' AND p.status = 'APPROVED' ORDER BY u.code
                """
            )
        )
    ).all()
    assert [(unit, approver) for unit, approver, _, _ in approved] == [
        ("06655", "193"),
        ("07132", "206"),
        ("07153", "206"),
        ("07162", "206"),
        ("206", "22"),
    ]
    assert {rule_set for _, _, rule_set, _ in approved} == {"QD50_2021"}
    assert all(decided < date(2025, 7, 1) for _, _, _, decided in approved)
