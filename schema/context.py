"""The per-request context every resolver receives."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Concatenate, ParamSpec, TypeVar

from db import Session
from db.reader import Reader, SessionReader
from planning.access import Principal, Reach
from planning.reorganisation import ShippedReform
from planning.rulesets import RuleSet
from schema.access.services import AccessServices
from schema.errors import ClientError
from schema.loaders import Loaders
from schema.messages import Language

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Context:
    """What one request knows: its session, its clock reading, its language."""

    session: Session
    now: datetime  # the one clock reading of the request, in Vietnam's time zone
    access: AccessServices
    principal: Principal | None = None  # None: nobody logged in
    rule_sets: Mapping[str, RuleSet] = field(default_factory=dict)
    # The reforms that ship, by name (api.unit_lists reads data/units; the schema reads no file).
    shipped_reform: Callable[[str], ShippedReform | None] = lambda name: None
    language: Language = Language.VI
    request_id: str = "-"
    # Where the request comes from (api.middleware.client_address): what login throttles.
    client_address: str = "unknown"
    # Sibling fields resolve concurrently, and an AsyncSession refuses concurrent use
    # ("concurrent operations are not permitted"): every database call takes this lock.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Where the ORM-free reads run (db/reader.py): a served query's is the process's read pool;
    # None: the session itself, inside its transaction (tests, and mutations, whose reads must
    # see their own writes).
    reader: Reader | None = None
    # Whether a field may answer JSON composed by PostgreSQL (schema/plans/shaped.py): a query
    # served over HTTP, whose answer is only ever encoded (the executor puts it in as it is).
    composed_json: bool = False
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        if self.reader is None:
            object.__setattr__(self, "reader", SessionReader(self.session, self.lock))
        # Loaders are per request (a shared one would leak rows between callers) and read
        # through `db`, under the context's lock, so they are built here rather than passed in.
        object.__setattr__(self, "loaders", Loaders(self.db, self.reads))

    @property
    def reads(self) -> Reader:
        """The request's ``Reader`` (set in ``__post_init__``)."""
        assert self.reader is not None
        return self.reader

    @property
    def today(self) -> date:
        return self.now.date()

    def allows(self, action: str, resource: str, unit_path: str) -> bool:
        """Whether the caller may do ``action`` on ``resource`` at the unit ``unit_path``."""
        return self.access.policy.allows(self.principal, action, resource, unit_path)

    def authorize(self, action: str, resource: str, unit_path: str) -> None:
        """:raises ClientError: NOT_ALLOWED unless ``allows``"""
        if not self.allows(action, resource, unit_path):
            raise ClientError("NOT_ALLOWED", action=action, resource=resource)

    def reaches(self, action: str, resource: str, *, reading: bool = False) -> list[Reach]:
        """Where the caller may do ``action`` on ``resource``: the filter of list queries.
        ``reading``: the permission only gates a read, which follows lineage (DOMAIN.md A.11)."""
        return self.access.policy.reaches(self.principal, action, resource, reading=reading)

    async def db(
        self,
        query: Callable[Concatenate[Session, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run one ``db`` function (a read or a write) on the request's session, one at a time."""
        async with self.lock:
            return await query(self.session, *args, **kwargs)
