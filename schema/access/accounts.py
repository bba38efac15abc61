"""Creating an official's account: the one implementation behind both the ``createUser``
mutation and the operator's ``quyhoach create-user`` command."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from db import Session, access as access_db, audit, rls
from db.models import AppUser
from db.uniques import Taken
from planning.access import Role, account_problems
from planning.problems import Problem, problem
from schema.access.services import AccessServices


async def create_account(
    session: Session,
    access: AccessServices,
    *,
    username: str,
    password: str,
    full_name: str,
    home: int | Problem,
    roles: Sequence[Role] = (),
    granted_by: int | None,
    reason: str | None = None,
    now: datetime,
) -> AppUser | list[Problem]:
    """Create an account working in unit ``home`` and grant it ``roles`` there; or say why not.

    ``home`` is the unit's id, or the problem its caller met naming it (the CLI names a unit
    by GSO code and date): every problem is reported at once, so an operator fixes them in one
    go. ``granted_by`` is the acting admin, None for the operator bootstrapping an install.
    The caller commits.
    """
    username, full_name = username.strip(), full_name.strip()
    problems = account_problems(
        username=username,
        full_name=full_name,
        password=password,
        common=access.common_passwords,
        rules=access.passwords,
    )
    if isinstance(home, Problem):
        problems.insert(0, home)
    elif await access_db.unit_path(session, unit_id=home) is None:
        problems.insert(0, problem("UNKNOWN_UNIT_ID", "unit", unit=home))
    well_formed = not any(p.code == "BAD_USERNAME" for p in problems)
    # Usernames are unique nationally: taken wherever the login works.
    taken = rls.across(rls.IDENTITY, access_db.username_taken)
    if well_formed and await taken(session, username=username):
        problems.append(problem("USERNAME_TAKEN", "username"))
    if problems:
        return problems
    assert isinstance(home, int)
    try:
        user = await access_db.add_user(
            session,
            username=username,
            password_hash=await access.credentials.hash_password(password),
            full_name=full_name,
            unit_id=home,
            now=now,
        )
    except Taken:  # created by a concurrent request since the check above
        return [problem("USERNAME_TAKEN", "username")]
    await audit.record(
        session,
        at=now,
        actor_user_id=granted_by,
        action="create_user",
        subject_type="user",
        subject_id=user.id,
        unit_id=home,
        after={
            "username": username,
            "full_name": full_name,
            "unit_id": home,
            "roles": [role.value for role in roles],
        },
        reason=reason,
    )
    for role in roles:
        await access_db.add_grant(
            session,
            user_id=user.id,
            role=role,
            unit_id=home,
            granted_by=granted_by,
            reason=reason,
            now=now,
        )
    return user
