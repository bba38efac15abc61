"""The database as the second wall (issue 13): the application's role, and the scope its
request sessions carry into PostgreSQL's row-level security (migration 0023).

The application connects as ``APP_ROLE``: not a superuser, not the owner of any table, so the
policies of migration 0023 apply to every statement it sends. Each transaction of a request's
session starts with one statement that sets, for that transaction only, the unit paths the
caller reaches (``quyhoach.paths``) and its user id (``quyhoach.user``); a resolver that forgets
its scope filter then still reads nothing outside them. The owner (migrations, operator
commands, most tests) is not subject to the policies.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session as SyncSession, SessionTransaction

from planning.access import Principal, inherited_covers

logger = logging.getLogger(__name__)

APP_ROLE = "quyhoach_app"
_SCOPE = "quyhoach.scope"  # the key of a session's ``info`` holding its ``Scope``

# One statement per transaction: both settings are transaction-local (``is_local``), so they
# end with the transaction that set them and never leak to the next user of the connection.
_SET_SCOPE = text(
    "SELECT set_config('quyhoach.paths', :paths, true), set_config('quyhoach.user', :user, true)"
)


@dataclass(frozen=True, slots=True)
class Scope:
    """What a request's transactions tell the policies: ltree paths, and the caller's id."""

    paths: tuple[str, ...]
    user_id: int | None

    def parameters(self) -> dict[str, str]:
        # An ltree[] literal; paths are dotted digits (unit ids), never quoted.
        return {
            "paths": "{" + ",".join(self.paths) + "}",
            "user": "" if self.user_id is None else str(self.user_id),
        }


NOBODY = Scope(paths=(), user_id=None)


def scope_of(principal: Principal | None) -> Scope:
    """The wall around ``principal``: every unit under one of its grants, and every predecessor
    subtree those units read through lineage. Coarser than the policy (which action, which
    relation, is Casbin's to decide above it), never wider than what any of its grants reads."""
    if principal is None:
        return NOBODY
    roots: set[str] = set()
    for grant in principal.grants:
        roots.add(grant.unit_path)
        roots.update(grant.inherited)
    return Scope(paths=_outermost(roots), user_id=principal.user_id)


def _outermost(paths: Iterable[str]) -> tuple[str, ...]:
    """Drop the paths another one already covers (a province and one of its communes)."""
    kept: list[str] = []
    for path in sorted(paths, key=lambda p: (p.count("."), p)):
        if not inherited_covers(kept, path):  # the one "lies in that subtree" rule
            kept.append(path)
    return tuple(sorted(kept))


async def enter(session: AsyncSession, scope: Scope) -> None:
    """Make ``scope`` the scope of every transaction of ``session``, the current one included
    (a mutation commits, then presents in a new transaction: that one is scoped as well)."""
    session.info[_SCOPE] = scope
    if session.in_transaction():
        await session.execute(_SET_SCOPE, scope.parameters())


@event.listens_for(SyncSession, "after_begin")
def _scope_transaction(
    session: SyncSession, transaction: SessionTransaction, connection: Connection
) -> None:
    """Every transaction a scoped session begins starts by setting its scope."""
    scope = session.info.get(_SCOPE)
    if scope is not None:
        connection.execute(_SET_SCOPE, scope.parameters())


def app_url(owner_url: str) -> str:
    """The URL of ``owner_url``'s server and database, logged in as the application's role
    (the embedded server trusts local connections: no password)."""
    url = make_url(owner_url).set(username=APP_ROLE, password=None)
    return url.render_as_string(hide_password=False)


@dataclass(frozen=True, slots=True)
class ServingRole:
    name: str
    superuser: bool
    bypasses_rls: bool
    owns_tables: bool

    @property
    def is_walled(self) -> bool:
        """Whether row-level security and the grants of migration 0023 hold for this role."""
        return not (self.superuser or self.bypasses_rls or self.owns_tables)


async def serving_role(session: AsyncSession) -> ServingRole:
    """Who this session is in PostgreSQL, and whether the second wall holds for it."""
    row = (
        await session.execute(
            text(
                "SELECT r.rolname, r.rolsuper, r.rolbypassrls,"
                " EXISTS (SELECT FROM pg_tables t WHERE t.schemaname = 'public'"
                # A member of the owner's role acts as the owner: it is not walled either.
                "         AND pg_has_role(r.rolname, t.tableowner, 'USAGE')) AS owns"
                " FROM pg_roles r WHERE r.rolname = current_user"
            )
        )
    ).one()
    return ServingRole(
        name=row.rolname,
        superuser=row.rolsuper,
        bypasses_rls=row.rolbypassrls,
        owns_tables=row.owns,
    )


# The reads that legitimately cross the caller's scope inside a request, each named for what it
# needs (migration 0023 lists, per table, the reasons it admits, for SELECT only):
IDENTITY = "identity"  # who holds a national id or a username, wherever (uniqueness, lookup)
PLACEMENTS = "placements"  # a person's places in every live plan (the 3-positions cap, kept
# elsewhere in a consolidation): counted across the tree, never shown
TRANSFER = "transfer"  # a transfer (điều động) locks and moves a record in from outside
AUTHENTICATION = "authentication"  # the login being authenticated, before any scope exists
ACTORS = "actors"  # the usernames of who acted on a record in scope (a plan's history)

_SET_BEYOND = text("SELECT set_config('quyhoach.beyond', :reason, true)")

P = ParamSpec("P")
T = TypeVar("T")


def across(
    reason: str, query: Callable[Concatenate[AsyncSession, P], Awaitable[T]]
) -> Callable[Concatenate[AsyncSession, P], Awaitable[T]]:
    """``query``, run past the caller's scope for ``reason`` only, and for that one call: the
    setting is cleared after it, whatever happens (a failed statement ends the transaction)."""

    @functools.wraps(query)
    async def crossing(session: AsyncSession, /, *args: P.args, **kwargs: P.kwargs) -> T:
        await session.execute(_SET_BEYOND, {"reason": reason})
        try:
            result = await query(session, *args, **kwargs)
        except BaseException:
            # A failed statement aborted the transaction (the rollback clears the setting).
            with contextlib.suppress(SQLAlchemyError):
                await session.execute(_SET_BEYOND, {"reason": ""})
            raise
        await session.execute(_SET_BEYOND, {"reason": ""})
        return result

    return crossing


def reads_beyond_scope(
    reason: str,
) -> Callable[
    [Callable[Concatenate[AsyncSession, P], Awaitable[T]]],
    Callable[Concatenate[AsyncSession, P], Awaitable[T]],
]:
    """Mark a ``db`` function whose every call crosses the scope for ``reason`` (``across``)."""
    return functools.partial(across, reason)
