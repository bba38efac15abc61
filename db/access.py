"""Queries over logins, grants, refresh tokens and API keys."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ApiKey, AppUser, RefreshToken, RoleGrant, Unit
from db.reach import within
from planning.access import Grant, Principal, Reach, Role


async def principal_of_user(session: AsyncSession, *, user_id: int) -> Principal | None:
    """The principal of an active user, with its live grants; None if inactive or unknown."""
    user = await session.scalar(select(AppUser).where(AppUser.id == user_id, AppUser.active))
    if user is None:
        return None
    rows = await session.execute(
        select(RoleGrant.id, RoleGrant.role, Unit.id, Unit.path)
        .join(Unit, Unit.id == RoleGrant.unit_id)
        .where(RoleGrant.user_id == user_id, RoleGrant.revoked_at.is_(None))
        .order_by(RoleGrant.id)
    )
    grants = tuple(
        Grant(grant_id=grant_id, role=role, unit_id=unit_id, unit_path=path)
        for grant_id, role, unit_id, path in rows
    )
    return Principal(user_id=user.id, api_key_id=None, name=user.username, grants=grants)


async def principal_of_api_key(
    session: AsyncSession, *, key_id: int, secret_hash: bytes, now: datetime
) -> Principal | None:
    """The integrator principal of a live API key whose secret hashes to ``secret_hash``."""
    row = (
        await session.execute(
            select(ApiKey, Unit.path)
            .join(Unit, Unit.id == ApiKey.unit_id)
            .where(
                ApiKey.id == key_id,
                ApiKey.secret_hash == secret_hash,
                ApiKey.revoked_at.is_(None),
            )
        )
    ).first()
    if row is None:
        return None
    key, path = row
    if key.expires_at is not None and key.expires_at <= now:
        return None
    grant = Grant(grant_id=0, role=Role.INTEGRATOR, unit_id=key.unit_id, unit_path=path)
    return Principal(user_id=None, api_key_id=key.id, name=key.name, grants=(grant,))


async def user_by_username(session: AsyncSession, *, username: str) -> AppUser | None:
    """The user with this username (case-insensitive), locked for the login's update."""
    return await session.scalar(
        select(AppUser).where(AppUser.username == username).with_for_update()
    )


async def user_for_update(session: AsyncSession, *, user_id: int) -> AppUser | None:
    return await session.scalar(select(AppUser).where(AppUser.id == user_id).with_for_update())


async def refresh_token_for_update(
    session: AsyncSession, *, token_hash: bytes
) -> RefreshToken | None:
    return await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == token_hash).with_for_update()
    )


async def revoke_family(session: AsyncSession, *, family: uuid.UUID, now: datetime) -> None:
    """Revoke every token of a login session (on logout, or when a used token comes back)."""
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family == family, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def grant_for_update(session: AsyncSession, *, grant_id: int) -> RoleGrant | None:
    return await session.scalar(select(RoleGrant).where(RoleGrant.id == grant_id).with_for_update())


async def live_grant(
    session: AsyncSession, *, user_id: int, role: Role, unit_id: int
) -> RoleGrant | None:
    return await session.scalar(
        select(RoleGrant).where(
            RoleGrant.user_id == user_id,
            RoleGrant.role == role,
            RoleGrant.unit_id == unit_id,
            RoleGrant.revoked_at.is_(None),
        )
    )


async def api_key_for_update(session: AsyncSession, *, key_id: int) -> ApiKey | None:
    return await session.scalar(select(ApiKey).where(ApiKey.id == key_id).with_for_update())


async def users_page(
    session: AsyncSession,
    *,
    reaches: Sequence[Reach],
    unit_path: str | None,
    after: tuple[str, int] | None,
    limit: int,
) -> list[AppUser]:
    """Users whose unit a reach covers (and inside ``unit_path`` if given), by username."""
    statement = (
        select(AppUser).join(Unit, Unit.id == AppUser.unit_id).where(within(Unit.path, reaches))
    )
    if unit_path is not None:
        statement = statement.where(Unit.path.bool_op("<@")(func.text2ltree(unit_path)))
    if after is not None:
        statement = statement.where(tuple_(AppUser.username, AppUser.id) > tuple_(*after))
    statement = statement.order_by(AppUser.username, AppUser.id).limit(limit)
    return list((await session.scalars(statement)).all())


async def grants_of(session: AsyncSession, user_ids: Sequence[int]) -> dict[int, list[RoleGrant]]:
    """The live grants of each user, oldest first (for the `grants` field, batched)."""
    rows = await session.scalars(
        select(RoleGrant)
        .where(RoleGrant.user_id.in_(user_ids), RoleGrant.revoked_at.is_(None))
        .order_by(RoleGrant.id)
    )
    found: dict[int, list[RoleGrant]] = {user_id: [] for user_id in user_ids}
    for grant in rows:
        found[grant.user_id].append(grant)
    return found
