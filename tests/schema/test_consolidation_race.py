"""Two successors of a split commune approving the same person at the same time (DOMAIN.md
A.11): on separate connections, committed, in a database of its own. Neither validation sees
the other's uncommitted approval; the primary key of ``consolidation_keep`` makes the second
wait for the first and answer PERSON_TAKEN, naming it. One round per split commune of Quảng
Ninh used here, each a real race."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import db
from api import reference_data
from api.unit_lists import datasets, read_lineage, read_rows, reforms
from db import consolidation as consolidation_db, lineage, migrate, plans as plans_db
from db.plan_models import ConsolidationKeep
from db.reference import load_reference
from db.unit_import import import_units
from schema.access.services import AccessServices
from schema.node import row_id
from tests.conftest import NOW, Runner, fresh_database
from tests.schema.consolidation_helpers import THREE_TIER, Desk, call, new_desk, old_plan
from tests.schema.plan_helpers import person

# Split communes of old Quảng Ninh (old code, its district) and two of their successors.
SPLIT = (
    ("07180", "206", ("07168", "07180")),
    ("06655", "193", ("06661", "06706")),
    ("07042", "193", ("07030", "07060")),
    ("07093", "205", ("07090", "07093")),
)


@pytest.fixture
async def sessions(
    server_url: str, access: AccessServices
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Both trees, the 2025 lineage and the reference data, committed in a database of its own."""
    async with fresh_database(server_url, "quyhoach_consolidation_race") as url:
        engine = db.create_engine(url, pool_size=6)
        await migrate.upgrade(engine)
        made = db.create_sessionmaker(engine)
        async with made() as session:
            for dataset in datasets().values():
                await import_units(
                    session,
                    read_rows(dataset.path),
                    valid_from=dataset.valid_from,
                    valid_to=dataset.valid_to,
                )
            for reform in reforms().values():
                await lineage.link(
                    session, read_lineage(reform.lineage), effective=reform.effective
                )
            await load_reference(
                session,
                positions=reference_data.read("positions"),
                cycles=reference_data.read("cycles"),
                holidays=reference_data.read("holidays"),
            )
            await session.commit()
        try:
            yield made
        finally:
            await engine.dispose()


async def approve(
    sessions: async_sessionmaker[AsyncSession], access: AccessServices, desk: Desk, number: str
) -> Any:
    """The approval of the desk's plan on a connection of its own (committed if it passes)."""
    async with sessions() as session:
        return await call(
            Runner(session, access),
            desk.people["approver"],
            "approvePlan",
            "ApprovePlanInput",
            plan=desk.plan["id"],
            version=desk.plan["version"],
            decisionNumber=number,
            decisionDate="2026-11-21",
        )


async def split_rounds(
    sessions: async_sessionmaker[AsyncSession], access: AccessServices
) -> list[list[Desk]]:
    """For each split commune: its approved plan of three people (June 2025), and the two
    successors' consolidations of it, appraised and waiting for approval (all committed)."""
    rounds = []
    async with sessions() as session:
        run = Runner(session, access)  # each mutation commits on this session
        for n, (old, district, successors) in enumerate(SPLIT):
            people = [
                await person(
                    session, old, f"0220842{n:03d}{i:02d}", f"Người {n}-{i}", at=THREE_TIER
                )
                for i in range(3)
            ]
            planned = list(zip(people, ("CT_MTTQ", "PCT_UBND", "PCT_UBND"), strict=True))
            await old_plan(run, session, access, old, planned, approver=district)
            desks = []
            for code in successors:
                desk = await new_desk(session, access, run, code)
                await desk.create(code, "PROVINCE", kind="CONSOLIDATION", at=None)
                assert len(desk.plan["entries"]) == 3
                await desk.do("head", "submitPlan", "PlanActionInput")
                await desk.do("appraiser", "receivePlan", "PlanActionInput")
                await desk.do("appraiser", "appraisePlan", "AppraisePlanInput", report="Đạt")
                assert desk.plan["status"] == "APPRAISED"
                desks.append(desk)
            rounds.append(desks)
    return rounds


async def test_one_successor_keeps_a_person_when_two_approve_at_once(
    sessions: async_sessionmaker[AsyncSession], access: AccessServices
) -> None:
    for desks in await split_rounds(sessions, access):
        answers = await asyncio.gather(
            *(approve(sessions, access, desk, f"{i}") for i, desk in enumerate(desks))
        )

        kinds = sorted(a["__typename"] for a in answers)
        assert kinds == ["PlanPayload", "ValidationFailed"], answers
        won = next(i for i, a in enumerate(answers) if a["__typename"] == "PlanPayload")
        lost = answers[1 - won]
        winner = desks[won].plan["planningUnit"]["name"]
        assert [p["code"] for p in lost["problems"]] == ["PERSON_TAKEN"] * 3
        assert all(winner in p["message"] for p in lost["problems"])
    async with sessions() as session:
        kept = (
            await session.execute(
                select(
                    ConsolidationKeep.origin_unit_id,
                    func.count(),
                    func.count(func.distinct(ConsolidationKeep.unit_id)),
                ).group_by(ConsolidationKeep.origin_unit_id)
            )
        ).all()
    # Each split commune's three people are kept, all by one successor.
    assert sorted((n, units) for _, n, units in kept) == [(3, 1)] * len(SPLIT)


async def test_the_second_keep_waits_for_the_first_and_finds_it(
    sessions: async_sessionmaker[AsyncSession], access: AccessServices
) -> None:
    """The guard itself, step by step: the second successor's keep blocks on the first's
    uncommitted rows, and once they are committed it raises, writing nothing."""
    first, second = (await split_rounds(sessions, access))[0]
    id_a, id_b = (row_id(d.plan["id"], "Plan") for d in (first, second))
    assert id_a is not None
    assert id_b is not None
    async with sessions() as a, sessions() as b:
        plan_a = (await plans_db.by_ids(a, [id_a]))[id_a]
        plan_b = (await plans_db.by_ids(b, [id_b]))[id_b]
        entries_a = (await plans_db.entries_of(a, [plan_a.id]))[plan_a.id]
        entries_b = (await plans_db.entries_of(b, [plan_b.id]))[plan_b.id]
        await consolidation_db.keep(a, plan=plan_a, entries=entries_a, now=NOW)
        waiting = asyncio.create_task(
            consolidation_db.keep(b, plan=plan_b, entries=entries_b, now=NOW)
        )
        await asyncio.sleep(1.0)
        assert not waiting.done()  # blocked on the first's rows
        await a.commit()
        with pytest.raises(consolidation_db.PersonTaken) as lost:
            await waiting
        assert {t.unit.name for t in lost.value.taken} == {first.plan["planningUnit"]["name"]}
        assert sorted(t.entry_id for t in lost.value.taken) == sorted(e.id for e in entries_b)
        await b.commit()  # the savepoint was rolled back: nothing of b's is there
    async with sessions() as session:
        holders = await session.scalars(select(ConsolidationKeep.plan_id).distinct())
        assert list(holders) == [plan_a.id]
