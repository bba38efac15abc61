"""Who may act where: roles, the scope of a grant over the hierarchy, and login rules.

A role is granted on a unit. What it allows reaches, depending on the permission, the unit's
whole subtree (``SUBTREE``: read, draft, submit), the unit itself only (``EXACT``: approve and
appraise plans addressed to it) or its direct children (``CHILDREN``). Where a target stands
relative to the granted unit is a ``Relation`` computed from the two materialised paths.

Scope follows lineage (DOMAIN.md A.11): a grant that reads its unit's whole subtree also reads
the predecessor subtrees that unit inherits (``Grant.inherited``, the rows of
``unit_inherited``), for reading only (``LINEAGE_ACTIONS``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from planning.problems import Problem, problem


class Role(StrEnum):
    """The roles an official can hold on a unit (vai trò)."""

    CLERK = "CLERK"  # chuyên viên: drafts plans and person records
    HEAD = "HEAD"  # lãnh đạo đơn vị: submits and withdraws the unit's plans
    APPRAISER = "APPRAISER"  # ban tổ chức: receives, returns and appraises plans addressed here
    APPROVER = "APPROVER"  # ban thường vụ: approves, rejects and reopens plans addressed here
    VIEWER = "VIEWER"  # reads the subtree, personal data included
    INTEGRATOR = "INTEGRATOR"  # aggregates only, never personal data
    ADMIN = "ADMIN"  # users, grants and API keys inside its subtree


class Scope(StrEnum):
    """How far a permission reaches from the unit a role is granted on."""

    SUBTREE = "subtree"
    EXACT = "exact"
    CHILDREN = "children"


class Relation(StrEnum):
    """Where a target unit stands relative to a granted unit."""

    SELF = "self"
    CHILD = "child"
    DESCENDANT = "descendant"  # below, deeper than a child
    OUTSIDE = "outside"  # above, beside, or in another branch


def relation(*, granted: str, target: str) -> Relation:
    """Relate two ltree paths of unit ids ("1.12.345")."""
    if target == granted:
        return Relation.SELF
    if not target.startswith(granted + "."):
        return Relation.OUTSIDE
    depth = target.count(".") - granted.count(".")
    return Relation.CHILD if depth == 1 else Relation.DESCENDANT


COVERS: dict[Scope, frozenset[Relation]] = {
    Scope.SUBTREE: frozenset({Relation.SELF, Relation.CHILD, Relation.DESCENDANT}),
    Scope.EXACT: frozenset({Relation.SELF}),
    Scope.CHILDREN: frozenset({Relation.CHILD}),
}


def covers(scope: Scope, target: Relation) -> bool:
    """Whether a permission of ``scope`` reaches a target in ``target`` relation."""
    return target in COVERS[scope]


# DOMAIN.md A.11 "Scope follows lineage": the actions a grant may do in the predecessor
# subtrees its unit inherits. Reading only: drafting, submitting, approving, editing a person,
# granting... stay on the units in force, so nothing new starts on a closed unit this way.
LINEAGE_ACTIONS: frozenset[str] = frozenset({"read"})
_SUBTREE = COVERS[Scope.SUBTREE]


def reads_through_lineage(
    action: str, allowed: frozenset[Relation], *, reading: bool = False
) -> bool:
    """Whether a permission that reaches ``allowed`` relations (of ``action``) also reaches the
    granted unit's inherited predecessor subtrees: a read of the whole subtree does. A caller
    that uses another permission only to gate a read (``reading``: the audit trail, read by whoever
    administers the accounts there) reads through lineage with it too, and writes nothing."""
    return (reading or action in LINEAGE_ACTIONS) and allowed >= _SUBTREE


def inherited_covers(inherited: Sequence[str], target: str) -> bool:
    """Whether ``target`` lies in (or is the root of) one of the ``inherited`` subtrees."""
    return any(target == root or target.startswith(root + ".") for root in inherited)


# --- Passwords and login throttling ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PasswordRules:
    min_length: int = 12
    max_length: int = 256  # argon2 hashes anything, but a megabyte password is an attack


def password_problems(
    password: str, *, username: str, common: frozenset[str], rules: PasswordRules
) -> list[Problem]:
    """Return why a password is too weak; an empty list accepts it."""
    problems = []
    if len(password) < rules.min_length:
        problems.append(problem("PASSWORD_TOO_SHORT", "password", least=rules.min_length))
    if len(password) > rules.max_length:
        problems.append(problem("PASSWORD_TOO_LONG", "password", most=rules.max_length))
    lowered = password.casefold()
    if username and username.casefold() in lowered:
        problems.append(problem("PASSWORD_CONTAINS_USERNAME", "password"))
    if lowered in common or len(set(password)) < 4:
        problems.append(problem("PASSWORD_TOO_COMMON", "password"))
    return problems


USERNAME = re.compile(r"[A-Za-z0-9._-]{3,64}")


def account_problems(
    *, username: str, full_name: str, password: str, common: frozenset[str], rules: PasswordRules
) -> list[Problem]:
    """Return why a new account cannot be created as given; an empty list accepts it."""
    problems = []
    if not USERNAME.fullmatch(username):
        problems.append(problem("BAD_USERNAME", "username"))
    if not full_name.strip():
        problems.append(problem("MISSING_NAME", "fullName"))
    return problems + password_problems(password, username=username, common=common, rules=rules)


# Throttling, as OWASP's Authentication Cheat Sheet recommends instead of locking an account
# (which lets anyone lock anyone out): each client address that fails on an account waits
# twice as long after each failure before it may try that account again, and an account that
# fails too often overall is slowed (one attempt per ``ceiling_delay``) for addresses that have
# not logged in to it before, never locked. Unknown usernames are throttled exactly alike, so
# the answer never tells whether an account exists.


@dataclass(frozen=True, slots=True)
class ThrottleRules:
    first_delay: timedelta = timedelta(seconds=1)  # after one failure; doubled by each next one
    max_delay: timedelta = timedelta(minutes=15)  # the back-off of one address stops growing here
    forget_after: timedelta = timedelta(days=1)  # an address quiet this long starts over
    ceiling: int = 20  # failures on one account, from all addresses, within ``ceiling_window``
    ceiling_window: timedelta = timedelta(minutes=15)
    ceiling_delay: timedelta = timedelta(seconds=10)  # spacing of attempts past the ceiling
    # An address that logged in to the account this recently is its owner's: not slowed.
    known_for: timedelta = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class SourceAttempts:
    """What one client address did on one account (username typed, known or not)."""

    failures: int = 0  # in a row, since the last success or the last quiet ``forget_after``
    last_failure_at: datetime | None = None
    last_success_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AccountAttempts:
    """Failures on one account from every address, counted over a fixed window."""

    failures: int = 0
    window_started_at: datetime | None = None
    slowed_until: datetime | None = None  # past the ceiling: the next attempt not before this


def backoff(failures: int, *, rules: ThrottleRules) -> timedelta:
    """How long an address waits after ``failures`` failures in a row: 1, 2, 4, 8… × first."""
    if failures <= 0:
        return timedelta(0)
    delay = rules.first_delay
    for _ in range(failures - 1):  # stops doubling at the cap: no overflow, a few steps
        if delay >= rules.max_delay:
            break
        delay *= 2
    return min(delay, rules.max_delay)


def _counted(source: SourceAttempts, *, now: datetime, rules: ThrottleRules) -> int:
    quiet = source.last_failure_at is None or now - source.last_failure_at >= rules.forget_after
    return 0 if quiet else source.failures


def is_known(source: SourceAttempts, *, now: datetime, rules: ThrottleRules) -> bool:
    """Whether the address logged in to the account recently (its owner's, most likely)."""
    return source.last_success_at is not None and now - source.last_success_at < rules.known_for


def wait_before_attempt(
    source: SourceAttempts, account: AccountAttempts, *, now: datetime, rules: ThrottleRules
) -> timedelta | None:
    """How long this address must still wait before trying this account; None: try now."""
    failures = _counted(source, now=now, rules=rules)
    waits = []
    if failures and source.last_failure_at is not None:
        waits.append(source.last_failure_at + backoff(failures, rules=rules) - now)
    if account.slowed_until is not None and not is_known(source, now=now, rules=rules):
        waits.append(account.slowed_until - now)
    longest = max(waits, default=timedelta(0))
    return longest if longest > timedelta(0) else None


def after_failed_attempt(
    source: SourceAttempts, account: AccountAttempts, *, now: datetime, rules: ThrottleRules
) -> tuple[SourceAttempts, AccountAttempts]:
    """Count a wrong password (or unknown username) from this address on this account."""
    source = SourceAttempts(
        failures=_counted(source, now=now, rules=rules) + 1,
        last_failure_at=now,
        last_success_at=source.last_success_at,
    )
    window_over = (
        account.window_started_at is None or now - account.window_started_at >= rules.ceiling_window
    )
    failures = 1 if window_over else account.failures + 1
    started = now if window_over else account.window_started_at
    slowed_until = now + rules.ceiling_delay if failures >= rules.ceiling else None
    return source, AccountAttempts(
        failures=failures, window_started_at=started, slowed_until=slowed_until
    )


def after_login(source: SourceAttempts, *, now: datetime) -> SourceAttempts:
    """A right password from this address: its failures are forgotten, the address is known.
    The account's overall count stays: other addresses may still be guessing."""
    return SourceAttempts(failures=0, last_failure_at=None, last_success_at=now)


# --- Principals -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Grant:
    """A role held on a unit (a row of role_grant, as a plain value)."""

    grant_id: int
    role: Role
    unit_id: int
    unit_path: str
    # The roots of the predecessor subtrees the unit reads through lineage (unit_inherited).
    inherited: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: an official's login, or an integrator's API key."""

    user_id: int | None
    api_key_id: int | None
    name: str
    grants: tuple[Grant, ...]
    # When an API key stops authenticating (None: until revoked). A connection held open past it
    # is closed then (api/live.py); a request is refused from then on.
    expires_at: datetime | None = None

    @property
    def is_official(self) -> bool:
        return self.user_id is not None


@dataclass(frozen=True, slots=True)
class Reach:
    """The units a grant reaches for one permission: relations to the granted unit's path, and
    the predecessor subtrees it reads through lineage (``inherited`` roots, reads only)."""

    path: str
    relations: frozenset[Relation]
    inherited: tuple[str, ...] = ()


_DOWNWARD = frozenset({Relation.SELF, Relation.CHILD, Relation.DESCENDANT})


def grant_refusal(
    *, granter: Principal, grantee_user_id: int, role: Role, target_path: str
) -> str | None:
    """Why ``granter`` may not give (or take) ``role`` at ``target_path``; None if it may.

    As in DHIS2, an administrator hands out only roles it holds itself, over units inside where
    it holds them; and nobody changes their own grants. (That the granter administers the
    target unit at all is the policy's ``grant manage`` permission, checked before this.)
    """
    if granter.user_id == grantee_user_id:
        return "SELF_GRANT"
    holds = any(
        grant.role is role and relation(granted=grant.unit_path, target=target_path) in _DOWNWARD
        for grant in granter.grants
    )
    return None if holds else "ROLE_NOT_HELD"
