"""What uvicorn runs (``api.asgi:app``): settings from the environment, one engine per process."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette

import db
from api.app import create_app
from api.auth import build_access
from api.settings import Settings
from db import rls
from db.access_cache import AccessListener, PrincipalCache

logger = logging.getLogger(__name__)


async def check_role(engine: db.Engine, settings: Settings) -> None:
    """Say which PostgreSQL role serves; refuse, in production, one the second wall does not
    hold for (a superuser, an owner of the tables, a role that bypasses row-level security)."""
    async with db.create_sessionmaker(engine)() as session:
        role = await rls.serving_role(session)
    if role.is_walled:
        logger.info("serving as the PostgreSQL role %s (row-level security applies)", role.name)
        return
    why = "a superuser" if role.superuser else "the owner" if role.owns_tables else "BYPASSRLS"
    message = (
        f"the PostgreSQL role {role.name} is {why}: row-level security does not hold for it;"
        f" set DATABASE_URL to the role {rls.APP_ROLE} and QUYHOACH_OWNER_DATABASE_URL to the"
        " owner (docs/operators.md, Database roles and row-level security)"
    )
    if settings.production:
        raise SystemExit(message)
    logger.warning(message)


def build() -> Starlette:
    settings = Settings.from_environ()
    if settings.database_url is None:
        raise SystemExit("DATABASE_URL is not set: start the server with `quyhoach serve`")
    engine = db.create_engine(settings.database_url, pool_size=settings.db_pool_size)
    principals = PrincipalCache()
    listener = AccessListener(db.plain_url(settings.database_url), principals)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await check_role(engine, settings)
        await listener.start()
        yield
        await listener.stop()
        await engine.dispose()

    return create_app(
        settings=settings,
        sessionmaker=db.create_sessionmaker(engine),
        access=build_access(settings),
        principals=principals,
        lifespan=lifespan,
    )


app = build()
