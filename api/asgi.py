"""What uvicorn runs (``api.asgi:app``): settings from the environment, one engine per process."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette

import db
from api.app import create_app
from api.auth import build_access
from api.database_role import check_role
from api.live import Live
from api.settings import Settings
from db.access_cache import AccessListener, PrincipalCache
from db.reader import Deferred, PoolReads


def settle_garbage_collector() -> None:
    """Once everything long-lived exists (the schema, the policy, the mappers, the pools),
    freeze it out of the collector's sight.

    Without it, every full collection walked the whole heap of the process, a hundred
    megabytes of objects that live as long as it does: the slowest 1% of small requests took
    20–60 ms. Frozen, they are never walked again, and the default thresholds keep each
    collection small (measured: a larger young generation, 20,000 or 50,000, made fewer
    collections of up to 70 ms each, since every request leaves a few reference cycles)."""
    gc.collect()
    gc.freeze()


def build() -> Starlette:
    settings = Settings.from_environ()
    if settings.database_url is None:
        raise SystemExit("DATABASE_URL is not set: start the server with `quyhoach serve`")
    url = settings.database_url
    engine = db.create_engine(url, pool_size=settings.db_pool_size)
    principals = PrincipalCache()
    listener = AccessListener(db.plain_url(url), principals)
    access = build_access(settings)
    live = Live.of(settings, access, principals)
    live.follow(listener)  # one listening connection per process, for both
    reads = Deferred[PoolReads]()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await check_role(engine, settings)
        await listener.start()
        # The pool of the ORM-free reads (db/reader.py), as large as the engine's.
        pool = await PoolReads.open(url, size=settings.db_pool_size)
        reads.set(pool)
        settle_garbage_collector()
        yield
        await live.close()  # their reads end before the pools close
        await pool.close()
        await listener.stop()
        await engine.dispose()

    return create_app(
        settings=settings,
        sessionmaker=db.create_sessionmaker(engine),
        access=access,
        live=live,
        principals=principals,
        lifespan=lifespan,
        reads=reads,
    )


app = build()
