"""Queries over logins, grants, refresh tokens and API keys."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, delete, func, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.access_cache import Account
from db.lineage import inherited_roots
from db.models import ApiKey, AppUser, LoginSource, LoginThrottle, RefreshToken, RoleGrant, Unit
from db.reach import within
from db.uniques import USERNAME, guarded
from planning.access import Grant, Principal, Reach, Role


async def account_of_user(session: AsyncSession, *, user_id: int, now: datetime) -> Account | None:
    """The principal of an active user and its live sessions; None if inactive or unknown."""
    principal = await principal_of_user(session, user_id=user_id)
    if principal is None:
        return None
    return Account(
        principal=principal, sessions=await live_sessions(session, user_id=user_id, now=now)
    )


async def live_sessions(
    session: AsyncSession, *, user_id: int, now: datetime
) -> frozenset[uuid.UUID]:
    """The login sessions of a user that have not ended: a refresh token of the family is
    neither revoked (logout, reuse, deactivation, password reset) nor expired. An access token
    never outlives the refresh token issued with it, so a session that expires while cached
    has no access token left to check."""
    rows = await session.scalars(
        select(RefreshToken.family)
        .where(
            RefreshToken.user_id == user_id,
            RefreshToken.revoked_at.is_(None),
            RefreshToken.expires_at > now,
        )
        .distinct()
    )
    return frozenset(rows)


async def principal_of_user(session: AsyncSession, *, user_id: int) -> Principal | None:
    """The principal of an active user, with its live grants and the predecessor subtrees each
    granted unit reads through lineage; None if inactive or unknown."""
    user = await session.scalar(select(AppUser).where(AppUser.id == user_id, AppUser.active))
    if user is None:
        return None
    rows = await session.execute(
        select(RoleGrant.id, RoleGrant.role, Unit.id, Unit.path)
        .join(Unit, Unit.id == RoleGrant.unit_id)
        .where(RoleGrant.user_id == user_id, RoleGrant.revoked_at.is_(None))
        .order_by(RoleGrant.id)
    )
    found = rows.all()
    units = sorted({unit_id for _, _, unit_id, _ in found})
    inherited = await inherited_roots(session, units) if units else {}
    grants = tuple(
        Grant(
            grant_id=grant_id,
            role=role,
            unit_id=unit_id,
            unit_path=path,
            inherited=inherited[unit_id],
        )
        for grant_id, role, unit_id, path in found
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
    inherited = (await inherited_roots(session, [key.unit_id]))[key.unit_id]
    grant = Grant(
        grant_id=0,
        role=Role.INTEGRATOR,
        unit_id=key.unit_id,
        unit_path=path,
        inherited=inherited,
    )
    return Principal(
        user_id=None, api_key_id=key.id, name=key.name, grants=(grant,), expires_at=key.expires_at
    )


async def user_by_username(session: AsyncSession, *, username: str) -> AppUser | None:
    """The user with this username (case-insensitive)."""
    return await session.scalar(select(AppUser).where(AppUser.username == username))


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


async def api_key(session: AsyncSession, *, key_id: int) -> ApiKey | None:
    return await session.scalar(select(ApiKey).where(ApiKey.id == key_id))


async def api_key_for_update(session: AsyncSession, *, key_id: int) -> ApiKey | None:
    return await session.scalar(select(ApiKey).where(ApiKey.id == key_id).with_for_update())


def _users_within(reaches: Sequence[Reach], unit_path: str | None) -> Select[AppUser]:
    """Users whose unit a reach covers (and inside ``unit_path`` if given)."""
    statement = (
        select(AppUser).join(Unit, Unit.id == AppUser.unit_id).where(within(Unit.path, reaches))
    )
    if unit_path is not None:
        statement = statement.where(Unit.path.bool_op("<@")(func.text2ltree(unit_path)))
    return statement


async def users_page(
    session: AsyncSession,
    *,
    reaches: Sequence[Reach],
    unit_path: str | None,
    after: tuple[str, int] | None,
    limit: int,
) -> list[AppUser]:
    """Users whose unit a reach covers (and inside ``unit_path`` if given), by username."""
    statement = _users_within(reaches, unit_path)
    if after is not None:
        statement = statement.where(tuple_(AppUser.username, AppUser.id) > tuple_(*after))
    statement = statement.order_by(AppUser.username, AppUser.id).limit(limit)
    return list((await session.scalars(statement)).all())


async def users_count(
    session: AsyncSession, *, reaches: Sequence[Reach], unit_path: str | None
) -> int:
    """How many users ``users_page`` would show over all its pages."""
    within_reach = _users_within(reaches, unit_path).subquery()
    return (await session.scalar(select(func.count()).select_from(within_reach))) or 0


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


async def grants_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> dict[int, tuple[RoleGrant, str, str]]:
    """Grants, live or revoked, with the path of their holder's unit and of the granted unit:
    the two places that decide who may see a grant."""
    holder_unit = aliased(Unit)
    rows = await session.execute(
        select(RoleGrant, holder_unit.path, Unit.path)
        .join(AppUser, AppUser.id == RoleGrant.user_id)
        .join(holder_unit, holder_unit.id == AppUser.unit_id)
        .join(Unit, Unit.id == RoleGrant.unit_id)
        .where(RoleGrant.id.in_(ids))
    )
    return {grant.id: (grant, holder, granted) for grant, holder, granted in rows}


async def throttle_for_update(session: AsyncSession, *, username: str) -> LoginThrottle:
    """The failed-login counter of a username (over all addresses), created on first use and
    locked for update: attempts on one account are counted one after another."""
    await session.execute(
        insert(LoginThrottle)
        .values(username=username, failures=0)
        .on_conflict_do_nothing(index_elements=["username"])
    )
    throttle = await session.scalar(
        select(LoginThrottle).where(LoginThrottle.username == username).with_for_update()
    )
    assert throttle is not None
    return throttle


async def login_source(session: AsyncSession, *, username: str, address: str) -> LoginSource:
    """What ``address`` did on the account ``username``; a new (unsaved-until-flush) row if it
    never tried. Read under the account's lock (``throttle_for_update``), so not locked again."""
    found = await session.scalar(
        select(LoginSource).where(LoginSource.username == username, LoginSource.address == address)
    )
    if found is not None:
        return found
    source = LoginSource(username=username, address=address, failures=0)
    session.add(source)
    return source


async def forget_quiet_sources(
    session: AsyncSession, *, username: str, quiet_since: datetime, known_since: datetime
) -> None:
    """Drop the addresses of an account that neither failed since ``quiet_since`` nor logged in
    since ``known_since``: they no longer change any answer."""
    await session.execute(
        delete(LoginSource).where(
            LoginSource.username == username,
            or_(LoginSource.last_failure_at.is_(None), LoginSource.last_failure_at < quiet_since),
            or_(LoginSource.last_success_at.is_(None), LoginSource.last_success_at < known_since),
        )
    )


async def revoke_tokens_of(session: AsyncSession, *, user_id: int, now: datetime) -> None:
    """Revoke every refresh token of a user (when the account is deactivated)."""
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def add_refresh_token(
    session: AsyncSession,
    *,
    family: uuid.UUID,
    user_id: int,
    token_hash: bytes,
    issued_at: datetime,
    expires_at: datetime,
) -> None:
    session.add(
        RefreshToken(
            family=family,
            user_id=user_id,
            token_hash=token_hash,
            issued_at=issued_at,
            expires_at=expires_at,
        )
    )
    await session.flush()


async def add_user(
    session: AsyncSession,
    *,
    username: str,
    password_hash: str,
    full_name: str,
    unit_id: int,
    now: datetime,
) -> AppUser:
    user = AppUser(
        username=username,
        password_hash=password_hash,
        full_name=full_name,
        unit_id=unit_id,
        active=True,
        created_at=now,
        password_changed_at=now,
    )
    async with guarded(session, USERNAME):  # :raises Taken: another account has the username
        session.add(user)
    return user


async def add_grant(
    session: AsyncSession,
    *,
    user_id: int,
    role: Role,
    unit_id: int,
    granted_by: int | None,
    reason: str | None,
    now: datetime,
) -> RoleGrant:
    grant = RoleGrant(
        user_id=user_id,
        role=role,
        unit_id=unit_id,
        granted_by=granted_by,
        granted_at=now,
        reason=reason,
    )
    session.add(grant)
    await session.flush()
    return grant


async def add_api_key(
    session: AsyncSession,
    *,
    name: str,
    unit_id: int,
    created_by: int,
    expires_at: datetime | None,
    now: datetime,
) -> ApiKey:
    """Add a key with a placeholder hash; the caller sets the real one once the id is known."""
    key = ApiKey(
        name=name,
        unit_id=unit_id,
        secret_hash=b"",
        created_by=created_by,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(key)
    await session.flush()
    return key


async def username_taken(session: AsyncSession, *, username: str) -> bool:
    return await session.scalar(select(AppUser.id).where(AppUser.username == username)) is not None


async def users_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, AppUser]:
    rows = await session.scalars(select(AppUser).where(AppUser.id.in_(ids)))
    return {row.id: row for row in rows}


async def unit_path(session: AsyncSession, *, unit_id: int) -> str | None:
    return await session.scalar(select(Unit.path).where(Unit.id == unit_id))
