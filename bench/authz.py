"""Authorization at national scale: decision time, principal loading and scoped lists.

Seeds (once) 50,000 accounts holding 60,000 grants on real units of the bench database, then
measures, in process:
- ``Policy.allows`` for a principal with three grants (the per-object check of every resolver);
- building a ``Policy`` from the files (what a process does at start);
- loading a principal (user + live grants) from PostgreSQL, as on a principal-cache miss;
- the scoped ``users`` list of a province admin (the SQL reach filter), first page of 50.

Run: ``python -m bench.authz`` (after ``python -m bench.run`` created bench/var, or on its own).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, text

import db
from api.cli import load_demo, open_database
from api.settings import Settings
from db import access as access_db, migrate
from db.models import AppUser
from planning.access import Grant, Principal, Role
from policies import Policy

BENCH_DIR = Path(__file__).resolve().parent
USERS = 50_000

SEED_USERS = text(
    """
    INSERT INTO app_user (username, password_hash, full_name, unit_id, created_at,
                          password_changed_at)
    SELECT 'bench.' || n, 'not-a-hash', 'Bench User ' || n,
           units.ids[1 + (hashint4(n) & 2147483647) % cardinality(units.ids)], now(), now()
    FROM generate_series(1, CAST(:users AS integer)) AS n,
         (SELECT array_agg(id) AS ids FROM unit
          WHERE kind IN ('COMMUNE', 'PROVINCE') AND valid_to IS NULL) AS units
    """
)
# One role per account on its own unit, and a second (VIEWER) grant for one account in five.
SEED_GRANTS = text(
    """
    INSERT INTO role_grant (user_id, role, unit_id, granted_at)
    SELECT id, (ARRAY['CLERK','HEAD','VIEWER','APPRAISER','APPROVER']::role[])[1 + id % 5],
           unit_id, now()
    FROM app_user WHERE username LIKE 'bench.%'
    UNION ALL
    SELECT id, 'VIEWER', unit_id, now() FROM app_user WHERE username LIKE 'bench.%' AND id % 5 = 0
    """
)


def per_call_us(work: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        work()
    return (time.perf_counter() - start) / calls * 1e6


async def median_ms(work: Callable[[], Awaitable[object]], runs: int) -> tuple[float, float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        await work()
        timings.append((time.perf_counter() - start) * 1e3)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.99) - 1]


async def measure(url: str) -> str:
    engine = db.create_engine(url, pool_size=2)
    await migrate.upgrade(engine)
    sessions = db.create_sessionmaker(engine)
    async with sessions() as session:
        existing = await session.scalar(
            select(func.count()).select_from(AppUser).where(AppUser.username.like("bench.%"))
        )
        if not existing:
            print("Seeding 50,000 accounts and 60,000 grants …", file=sys.stderr)
            await session.execute(SEED_USERS, {"users": USERS})
            await session.execute(SEED_GRANTS)
            await session.commit()
        users = await session.scalar(select(func.count()).select_from(AppUser)) or 0
        grants = await session.scalar(text("SELECT count(*) FROM role_grant")) or 0
        sample = list(
            await session.scalars(
                select(AppUser.id).where(AppUser.username.like("bench.%")).limit(200)
            )
        )
        province = await session.scalar(
            text("SELECT path::text FROM unit WHERE code = '01' AND valid_to IS NULL")
        )
        commune = await session.scalar(
            text("SELECT path::text FROM unit WHERE code = '00004' AND valid_to IS NULL")
        )
    assert province
    assert commune

    build_ms = per_call_us(Policy.from_files, 5) / 1e3
    policy = Policy.from_files()
    principal = Principal(
        user_id=1,
        api_key_id=None,
        name="bench",
        grants=(
            Grant(1, Role.CLERK, 1, commune),
            Grant(2, Role.HEAD, 1, commune),
            Grant(3, Role.VIEWER, 1, province),
        ),
    )
    allows_us = per_call_us(lambda: policy.allows(principal, "read", "plan", commune), 200_000)
    denies_us = per_call_us(lambda: policy.allows(principal, "approve", "plan", commune), 200_000)
    admin = Principal(1, None, "admin", (Grant(1, Role.ADMIN, 1, province),))
    sample_iter = iter(sample * 2)

    async def load_principal() -> object:
        async with sessions() as session:
            return await access_db.principal_of_user(session, user_id=next(sample_iter))

    async def list_users() -> object:
        async with sessions() as session:
            return await access_db.users_page(
                session,
                reaches=policy.reaches(admin, "read", "user"),
                unit_path=None,
                after=None,
                limit=51,
            )

    load_p50, load_p99 = await median_ms(load_principal, 200)
    list_p50, list_p99 = await median_ms(list_users, 100)
    async with sessions() as session:
        in_province = await session.scalar(
            text(
                "SELECT count(*) FROM app_user a JOIN unit u ON u.id = a.unit_id "
                "WHERE u.path <@ text2ltree(:p)"
            ),
            {"p": province},
        )
    await engine.dispose()
    return (
        f"`python -m bench.authz` on {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}: "
        f"{users:,} accounts, {grants:,} grants in the database.\n\n"
        "| measurement | result |\n|---|---|\n"
        f"| `Policy.allows`, 3 grants, allowed | {allows_us:.2f} µs per check |\n"
        f"| `Policy.allows`, 3 grants, denied | {denies_us:.2f} µs per check |\n"
        f"| building a `Policy` (Casbin enforcer + decision table) | {build_ms:.1f} ms |\n"
        f"| loading a principal from PostgreSQL (cache miss) | p50 {load_p50:.2f} ms, "
        f"p99 {load_p99:.2f} ms |\n"
        f"| `users` first page for an admin of Hà Nội ({in_province:,} accounts inside) | "
        f"p50 {list_p50:.2f} ms, p99 {list_p99:.2f} ms |\n"
    )


def main() -> int:
    settings = Settings(data_dir=BENCH_DIR / "var")
    with open_database(settings) as url:
        asyncio.run(migrate_and_demo(url, settings))
        report = asyncio.run(measure(url))
    print(report)
    results = BENCH_DIR / "results"
    results.mkdir(exist_ok=True)
    (results / f"authz-{datetime.now():%Y%m%d-%H%M%S}.md").write_text(report)
    return 0


async def migrate_and_demo(url: str, settings: Settings) -> None:
    engine = db.create_engine(url, pool_size=1)
    await migrate.upgrade(engine)
    await engine.dispose()
    await asyncio.to_thread(load_demo, url, settings)


if __name__ == "__main__":
    sys.exit(main())
