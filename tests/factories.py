"""Plain builders of rows for tests, through the same db functions the application uses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from db import access as access_db, units as units_db
from db.models import AppUser, Unit
from planning.access import Grant, Principal, Role
from schema.access.services import AccessServices
from tests.conftest import NOW

PASSWORD = "một mật khẩu đủ dài 2026"


async def unit(session: AsyncSession, code: str, at: date | None = None) -> Unit:
    found = await units_db.by_code(session, code=code, at=at or NOW.date())
    assert found is not None, f"no unit {code} on {at or NOW.date()}"
    return found


async def make_user(
    session: AsyncSession,
    access: AccessServices,
    username: str,
    *,
    unit_code: str = "VN",
    roles: Sequence[Role] = (),
    at: date | None = None,
    password: str = PASSWORD,
) -> tuple[AppUser, Principal]:
    """A user working in ``unit_code`` holding ``roles`` there; returns it and its principal."""
    home = await unit(session, unit_code, at)
    user = await access_db.add_user(
        session,
        username=username,
        password_hash=await access.credentials.hash_password(password),
        full_name=f"Nguyễn Văn {username.title()}",
        unit_id=home.id,
        now=NOW,
    )
    for role in roles:
        await access_db.add_grant(
            session,
            user_id=user.id,
            role=role,
            unit_id=home.id,
            granted_by=None,
            reason=None,
            now=NOW,
        )
    principal = await access_db.principal_of_user(session, user_id=user.id)
    assert principal is not None
    return user, principal


def api_key_on(row: Unit) -> Principal:
    """The principal an integrator's API key on ``row`` authenticates as."""
    grant = Grant(grant_id=0, role=Role.INTEGRATOR, unit_id=row.id, unit_path=row.path)
    return Principal(user_id=None, api_key_id=1, name="dashboard", grants=(grant,))
