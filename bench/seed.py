"""Seed bench/var at national scale: ~300,000 persons and ~600,000 approved entries.

Every real unit of the three-tier tree (63 provinces, 696 districts, 10,051 communes) gets its
next-term plans of cycle 2025–2030 (rule set QĐ 50): the cycle whose plans were drawn up on that
tree, and the only tree large enough for the national figures within the quotas (the two-tier
tree's 3,355 units hold at most ~350,000 entries). About 4% of commune and district plans are
still on their way (submitted, under appraisal, returned…) and every province set deadlines, so
that ``progress`` has something to show.

Rows are generated in Python (bench/seed_data.py), each plan walked through planning.workflow's
decisions, and loaded with COPY; the facts statistics count are built by db/facts.py, as an
approval builds them, and the rollups rebuilt from them with ``db.rollups.rebuild``.
One transaction: a failed run leaves nothing behind. Run ``python -m bench.seed``; a second run
only prints the counts.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

import db
from api import reference_data, unit_lists
from api.cli import open_database
from api.settings import Settings
from bench import seed_data
from bench.authz import migrate_and_demo
from bench.seed_data import Generated, Generator, PositionRow, UnitRow
from db import calendar as calendar_db, facts as facts_db, lineage, plans as plans_db, rollups
from planning.lifecycle import EntryStatus

BENCH_DIR = Path(__file__).resolve().parent
TREE_DAY = date(2025, 6, 30)  # the last day of the three-tier tree
CYCLE = "2025-2030"
RULE_SET = "QD50_2021"
DEADLINES = {"COMMUNE": date(2022, 4, 30), "DISTRICT": date(2022, 5, 31)}
FACT_BATCH = 500  # plans whose facts are built at a time

_VALID_ON = "(valid_from IS NULL OR valid_from <= :d) AND (valid_to IS NULL OR valid_to >= :d)"

COUNTS = {
    "units planned": "SELECT count(DISTINCT planning_unit_id) FROM plan WHERE cycle_id = :c",
    "plans": "SELECT count(*) FROM plan WHERE cycle_id = :c",
    "approved plans": "SELECT count(*) FROM plan WHERE cycle_id = :c AND status = 'APPROVED'",
    "persons": "SELECT count(*) FROM person",
    "entries": "SELECT count(*) FROM plan_entry e JOIN plan p ON p.id = e.plan_id "
    "WHERE p.cycle_id = :c",
    "approved entries (facts)": "SELECT count(*) FROM entry_fact WHERE cycle_id = :c",
    "rollup_entry rows": "SELECT count(*) FROM rollup_entry",
    "rollup_member rows": "SELECT count(*) FROM rollup_member",
    "rollup_person rows": "SELECT count(*) FROM rollup_person",
    "rollup_entry_total rows": "SELECT count(*) FROM rollup_entry_total",
    "rollup_person_total rows": "SELECT count(*) FROM rollup_person_total",
    "rollup_title rows": "SELECT count(*) FROM rollup_title",
}


def step(message: str, started: float) -> None:
    print(f"[{time.monotonic() - started:6.1f} s] {message}", file=sys.stderr, flush=True)


async def counts(session: AsyncSession, cycle_id: int) -> dict[str, int]:
    return {
        name: int(await session.scalar(text(sql), {"c": cycle_id}) or 0)
        for name, sql in COUNTS.items()
    }


async def already_seeded(session: AsyncSession) -> bool:
    found = await session.scalar(
        text("SELECT 1 FROM person WHERE national_id LIKE :p LIMIT 1"),
        {"p": seed_data.NATIONAL_ID_PREFIX + "%"},
    )
    return found is not None


@dataclass(frozen=True, slots=True)
class Sample:
    """A smaller seed for tests: every province, its first ``districts`` districts and their
    first ``communes`` communes (the tree order), planned as the national seed plans them."""

    districts: int
    communes: int

    def keep(self, units: Sequence[UnitRow]) -> list[UnitRow]:
        kept: set[int] = set()
        children: dict[int, int] = defaultdict(int)
        for unit in units:  # in path order: a parent comes before its children
            parent = unit.ancestors[-2] if len(unit.ancestors) > 1 else None
            if parent is not None and parent not in kept:
                continue
            if unit.kind in ("DISTRICT", "COMMUNE") and parent is not None:
                limit = self.districts if unit.kind == "DISTRICT" else self.communes
                if children[parent] >= limit:
                    continue
                children[parent] += 1
            kept.add(unit.id)
        return [unit for unit in units if unit.id in kept]


async def generator(
    session: AsyncSession, cycle_id: int, sample: Sample | None = None
) -> Generator:
    units = [
        UnitRow(id, kind, code, tuple(int(i) for i in path.split(".")))
        for id, kind, code, path in await session.execute(
            text(
                f"SELECT id, kind::text, code, path::text FROM unit WHERE {_VALID_ON} ORDER BY path"
            ),
            {"d": TREE_DAY},
        )
    ]
    if sample is not None:
        units = sample.keep(units)
    positions = [
        PositionRow(*row)
        for row in await session.execute(
            text(
                "SELECT id, unit_kind::text, code, seats, committee_seat, managed_by::text "
                f"FROM position WHERE {_VALID_ON} ORDER BY id"
            ),
            {"d": TREE_DAY},
        )
    ]
    rules = reference_data.rule_sets()[RULE_SET]
    return Generator(
        units,
        positions,
        cycle_id=cycle_id,
        rule_set=RULE_SET,
        reference_year=int(CYCLE[:4]),
        approval_working_days=rules.approval_working_days,
        # The seed's plans are received in 2022 (bench/seed_data.py).
        calendar=await calendar_db.work_calendar(session, since=date(2022, 1, 1)),
        # The demo's old-tree plans of the cycle (api/demo_plans.py) keep their place.
        planned=frozenset(
            (unit_id, managed_by)
            for unit_id, managed_by in await session.execute(
                text("SELECT planning_unit_id, managed_by::text FROM plan WHERE cycle_id = :c"),
                {"c": cycle_id},
            )
        ),
    )


async def next_id(session: AsyncSession, table: str) -> int:
    """The first id after both the table's rows and its sequence (the table is locked)."""
    found = await session.scalar(
        text(
            f"SELECT greatest((SELECT coalesce(max(id), 0) FROM {table}), "
            f"(SELECT last_value FROM {table}_id_seq)) + 1"
        )
    )
    return int(found or 1)


async def copy(
    session: AsyncSession, table: str, rows: list[tuple[Any, ...]], columns: tuple[str, ...]
) -> None:
    """COPY rows in binary through the session's own asyncpg connection (same transaction)."""
    raw = (await (await session.connection()).get_raw_connection()).driver_connection
    assert raw is not None
    await raw.copy_records_to_table(table, records=rows, columns=list(columns))


async def load(session: AsyncSession, data: Generated, started: float) -> None:
    for table, rows, columns in (
        ("plan", data.plans, seed_data.PLAN_COLUMNS),
        ("person", data.persons, seed_data.PERSON_COLUMNS),
        ("plan_entry", data.entries, seed_data.ENTRY_COLUMNS),
        ("plan_event", data.events, seed_data.EVENT_COLUMNS),
    ):
        await copy(session, table, rows, columns)
        step(f"copied {len(rows):,} rows into {table}", started)
    for table in ("plan", "person"):
        await session.execute(
            text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
        )


async def insert_facts(session: AsyncSession, plan_ids: tuple[int, int]) -> int:
    """The facts of the approved entries, built by db/facts.py as an approval builds them
    (a batch of plans at a time, to keep memory flat), counted by the rebuild that follows."""
    approved = list(
        await session.scalars(
            text(
                "SELECT id FROM plan WHERE status = 'APPROVED' AND id BETWEEN :a AND :b ORDER BY id"
            ),
            {"a": plan_ids[0], "b": plan_ids[1]},
        )
    )
    written = 0
    for start in range(0, len(approved), FACT_BATCH):
        batch = approved[start : start + FACT_BATCH]
        plans = await plans_db.by_ids(session, batch)
        entries = await plans_db.entries_of(session, batch)
        facts = await facts_db.facts_of(
            session,
            [(plans[i], [e for e in entries[i] if e.status is EntryStatus.ACTIVE]) for i in batch],
            rule_sets=reference_data.rule_sets(),
            today=TREE_DAY,
        )
        await rollups.insert_facts(session, facts)
        session.expunge_all()
        written += len(facts)
    return written


async def set_deadlines(session: AsyncSession, cycle_id: int) -> None:
    await session.execute(
        text(
            "INSERT INTO deadline (province_id, cycle_id, unit_kind, due_on, set_at) "
            "SELECT u.id, :c, CAST(k.kind AS unit_kind), k.due, now() FROM unit u, "
            "unnest(CAST(:kinds AS text[]), CAST(:dues AS date[])) AS k (kind, due) "
            f"WHERE u.kind = 'PROVINCE' AND {_VALID_ON} ON CONFLICT DO NOTHING"
        ),
        {"c": cycle_id, "kinds": list(DEADLINES), "dues": list(DEADLINES.values()), "d": TREE_DAY},
    )


async def seed(url: str) -> dict[str, int]:
    started = time.monotonic()
    engine = db.create_engine(url, pool_size=1)
    try:
        async with db.create_sessionmaker(engine)() as session:
            cycle = await plans_db.cycle_by_code(session, code=CYCLE)
            assert cycle is not None, "the reference data is loaded with the demo"
            if await already_seeded(session):
                print("bench/var is already seeded.", file=sys.stderr)
            else:
                await seed_once(session, cycle.id, started)
        # Also after a migration that derived rows (0009): plans must see the real sizes.
        async with engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.execute(text("VACUUM (ANALYZE)"))
            step("vacuumed and analysed", started)
        async with db.create_sessionmaker(engine)() as session:
            return await counts(session, cycle.id)
    finally:
        await engine.dispose()


async def link_reforms(session: AsyncSession) -> int:
    """The lineage of the reforms the demo's trees span (loading it twice adds nothing), so
    that the successors of the two-tier tree read the plans seeded on the three-tier one."""
    added = 0
    for reform in unit_lists.reforms().values():
        rows = unit_lists.read_lineage(reform.lineage)
        added += await lineage.link(session, rows, effective=reform.effective)
    return added


async def seed_once(
    session: AsyncSession, cycle_id: int, started: float, sample: Sample | None = None
) -> None:
    """Generate, load, derive and count everything, in the session's one transaction."""
    # Ids are taken past the tables' rows and sequences: nobody may insert meanwhile.
    await session.execute(text("LOCK TABLE plan, person IN SHARE ROW EXCLUSIVE MODE"))
    linked = await link_reforms(session)
    step(f"linked {linked:,} lineage rows (2025 reform)", started)
    made = await generator(session, cycle_id, sample)
    first_plan = await next_id(session, "plan")
    data = made.generate(first_plan_id=first_plan, first_person_id=await next_id(session, "person"))
    plan_ids = (first_plan, first_plan + len(data.plans) - 1)
    step(
        f"generated {len(data.plans):,} plans, {len(data.persons):,} persons, "
        f"{len(data.entries):,} entries",
        started,
    )
    await load(session, data, started)
    await set_deadlines(session, cycle_id)
    facts = await insert_facts(session, plan_ids)
    step(f"built {facts:,} facts of approved entries with db/facts.py", started)
    await rollups.rebuild(session)
    step("rebuilt the rollups from the facts", started)
    await session.commit()


def main() -> int:
    settings = Settings(data_dir=BENCH_DIR / "var")
    started = time.monotonic()
    with open_database(settings) as url:
        asyncio.run(migrate_and_demo(url, settings))
        found = asyncio.run(seed(url))
    width = max(map(len, found))
    for name, value in found.items():
        print(f"{name:<{width}}  {value:>10,}")
    print(f"({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
