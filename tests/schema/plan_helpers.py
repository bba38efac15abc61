"""Building blocks of the plan tests: people, plans and workflow calls through GraphQL."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db import persons as persons_db
from db.models import Unit
from db.plan_models import Position
from planning.access import Principal, Role
from planning.theory import PoliticalTheory
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.node import row_id_of, to_global_id
from tests.conftest import Runner
from tests.factories import make_user, unit

PLAN_FIELDS = """
  __typename
  ... on PlanPayload {
    plan { id status version dueOn kind ruleSet
           managedBy approvingUnit { code } planningUnit { id code }
           entries { id status change resultReason person { fullName } position { code } }
           viewerCan { edit submit receive return appraise approve reject reopen withdraw } }
  }
  ... on ValidationFailed { problems { code message } }
  ... on NotAllowed { code }
  ... on NotFound { id }
  ... on StaleVersion { currentVersion }
  ... on InvalidTransition { status action }
  ... on IdempotencyKeyReused { message }
"""


def mutation(name: str, input_type: str) -> str:
    return f"mutation ($input: {input_type}!) {{ {name}(input: $input) {{ {PLAN_FIELDS} }} }}"


async def call(run: Runner, name: str, input_type: str, **input: Any) -> Any:
    return (await run.data(mutation(name, input_type), {"input": input}))[name]


async def person(
    session: AsyncSession,
    unit_code: str,
    national_id: str,
    name: str,
    *,
    at: date | None = None,
    birth_year: int = 1984,
    sex: str = "MALE",
    current_rank: int | None = 9,
) -> str:
    home = await unit(session, unit_code, at)
    row = await persons_db.add(
        session,
        national_id=national_id,
        full_name=name,
        sex=sex,
        birth_year=birth_year,
        birth_month=6,
        unit_id=home.id,
        current_rank=current_rank,
        political_standard_ok=True,
        political_theory=PoliticalTheory.TRUNG_CAP,
    )
    return to_global_id("Person", row.id)


async def position(
    session: AsyncSession,
    code: str,
    *,
    managed_by: UnitKind,
    unit_kind: UnitKind = UnitKind.COMMUNE,
) -> str:
    row = await session.scalar(
        select(Position).where(
            Position.code == code,
            Position.managed_by == managed_by,
            Position.unit_kind == unit_kind,
        )
    )
    assert row is not None
    return to_global_id("Position", row.id)


async def officials(
    session: AsyncSession,
    access: AccessServices,
    *,
    commune: str,
    approver: str,
    suffix: str,
    at: date | None = None,
) -> dict[str, Principal]:
    """A clerk and a head of the commune; an appraiser and an approver of the approving unit."""
    found = {}
    for role, code in (
        (Role.CLERK, commune),
        (Role.HEAD, commune),
        (Role.APPRAISER, approver),
        (Role.APPROVER, approver),
    ):
        _, principal = await make_user(
            session, access, f"{role.value.lower()}.{suffix}", unit_code=code, roles=[role], at=at
        )
        found[role.value.lower()] = principal
    return found


BALLOT = {"step": "BTV", "summoned": 11, "present": 11, "votesFor": 9}


async def with_someone(
    run: Runner, session: AsyncSession, plan: dict[str, Any], *, national_id: str
) -> dict[str, Any]:
    """The draft ``plan`` (an answer's ``plan``) with one eligible person of its planning unit
    proposed for one of its titles, ballot recorded: a plan that has something to submit."""
    home = await session.get(Unit, row_id_of(plan["planningUnit"]["id"], "Unit"))
    assert home is not None
    post = await session.scalar(  # a title the plan can hold, of one seat or more
        select(Position.id)
        .where(Position.managed_by == plan["managedBy"], Position.unit_kind == home.kind)
        .order_by(Position.committee_seat, Position.code)
        .limit(1)
    )
    assert post is not None
    who = await person(session, home.code, national_id, "Người Được Đề Cử", at=home.valid_from)
    added = await call(
        run,
        "addPlanEntry",
        "AddPlanEntryInput",
        plan=plan["id"],
        version=plan["version"],
        person=who,
        position=to_global_id("Position", post),
        tier="T1",
        ballots=[BALLOT],
    )
    assert added["__typename"] == "PlanPayload", added
    return dict(added["plan"])


async def communes(session: AsyncSession, count: int) -> list[str]:
    """``count`` communes of Quảng Ninh (22) on the two-tier tree, as global ids."""
    province = await unit(session, "22")
    ids = await session.scalars(
        select(Unit.id)
        .where(Unit.parent_id == province.id, Unit.kind == UnitKind.COMMUNE)
        .order_by(Unit.code)
        .limit(count)
    )
    return [to_global_id("Unit", i) for i in ids]


async def province_officials(
    session: AsyncSession, access: AccessServices, suffix: str
) -> dict[str, Principal]:
    """A clerk and a head over the whole province (its communes draft and submit), and its
    appraiser and approver."""
    found = {}
    for role in (Role.CLERK, Role.HEAD, Role.APPRAISER, Role.APPROVER):
        name = role.value.lower()
        _, found[name] = await make_user(
            session, access, f"{name}.{suffix}", unit_code="22", roles=[role]
        )
    return found
