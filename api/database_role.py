"""Which PostgreSQL role serves (issue 13, problem 10): said at start, refused in production
when the second wall would not hold for it."""

from __future__ import annotations

import logging

import db
from api.settings import Settings
from db import rls

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
