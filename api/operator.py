"""Operator tasks behind the CLI: creating accounts, and the demo logins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from db import Session, access as access_db, units as units_db
from db.models import AppUser
from planning.access import Role
from planning.problems import Problem, problem
from schema.access.accounts import create_account
from schema.access.services import AccessServices
from schema.messages import Language, render

DEMO_PASSWORD = "quyhoach-demo-2026"


class AccountRefused(Exception):
    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(render(p, Language.EN) for p in problems))
        self.problems = list(problems)


async def create_user(
    session: Session,
    access: AccessServices,
    *,
    username: str,
    password: str,
    full_name: str,
    unit_code: str,
    at: date,
    roles: Sequence[Role],
    now: datetime,
) -> int:
    """Create an account with roles on its unit (no granter: the operator bootstraps it).

    The checks and the writes are the ``createUser`` mutation's (schema/access/accounts.py);
    only the unit is named differently, by GSO code on a date.

    :raises AccountRefused: for an unknown unit, a taken username or a weak password
    """
    home = await units_db.by_code(session, code=unit_code, at=at)
    user = await create_account(
        session,
        access,
        username=username,
        password=password,
        full_name=full_name,
        home=home.id if home else problem("UNKNOWN_UNIT", "unit", code=unit_code, at=f"{at}"),
        roles=roles,
        granted_by=None,
        reason="quyhoach create-user",
        now=now,
    )
    if not isinstance(user, AppUser):
        raise AccountRefused(user)
    return user.id


@dataclass(frozen=True, slots=True)
class DemoLogin:
    username: str
    unit_code: str
    at: date
    roles: tuple[Role, ...]
    tier: str


THREE_TIER_DAY = date(2025, 6, 30)
TWO_TIER_DAY = date(2025, 7, 1)
# Quảng Ninh: the province, Thị xã Quảng Yên and its Phường Quảng Yên in the three-tier tree;
# the province and Phường Quảng Yên directly under it in the two-tier tree.
DEMO_UNITS = (
    ("22", TWO_TIER_DAY, "", "two-tier province"),
    ("07132", TWO_TIER_DAY, "", "two-tier commune"),
    ("22", THREE_TIER_DAY, ".old", "three-tier province"),
    ("206", THREE_TIER_DAY, ".old", "three-tier district"),
    ("07132", THREE_TIER_DAY, ".old", "three-tier commune"),
)


def demo_logins() -> list[DemoLogin]:
    logins = [DemoLogin("admin", "VN", TWO_TIER_DAY, tuple(Role), "national root")]
    for code, day, suffix, tier in DEMO_UNITS:
        for role in Role:
            # Admins hand out only roles they hold: the demo admins hold them all.
            roles = tuple(Role) if role is Role.ADMIN else (role,)
            logins.append(DemoLogin(f"{role.value.lower()}.{code}{suffix}", code, day, roles, tier))
    return logins


async def load_demo_logins(session: Session, access: AccessServices, *, now: datetime) -> int:
    """Create the demo logins that do not exist yet; return how many were created."""
    created = 0
    for login in demo_logins():
        if await access_db.username_taken(session, username=login.username):
            continue
        unit = await units_db.by_code(session, code=login.unit_code, at=login.at)
        name = f"Demo {login.username} ({unit.name if unit else login.unit_code})"
        await create_user(
            session,
            access,
            username=login.username,
            password=DEMO_PASSWORD,
            full_name=name,
            unit_code=login.unit_code,
            at=login.at,
            roles=login.roles,
            now=now,
        )
        created += 1
    return created
