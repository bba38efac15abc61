"""A unique constraint a client can hit answers its typed error under real concurrency.

Each request runs on its own connection and commits, so the check before the insert ("is it
taken?") races the others' inserts; the loser must get the check's own answer, never an
INTERNAL_ERROR. Runs on a database of its own (the ``world`` fixture drops it afterwards).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from db.models import AppUser
from db.plan_models import Person, Plan
from planning.access import Role
from schema.context import Context
from schema.root import schema
from tests.conftest import NOW, RULE_SETS
from tests.factories import make_user
from tests.schema.conftest import World

RACERS = 12
ROUNDS = 3  # the race is lost in some rounds only: several give it the chance to show

# What each mutation's success carries, and the refusals every one of them can give.
_PAYLOADS = {
    "createPerson": "... on PersonPayload { person { id } }",
    "createUser": "... on UserPayload { user { id } }",
    "createPlan": "... on PlanPayload { plan { id } }",
}
_REFUSALS = "... on ValidationFailed { problems { code field } } ... on NotAllowed { code }"


def document(name: str, input_type: str) -> str:
    return (
        f"mutation ($input: {input_type}!) {{ {name}(input: $input) {{"
        f" __typename {_PAYLOADS[name]} {_REFUSALS} }} }}"
    )


async def answer(world: World, who: str, name: str, input_type: str, **input: Any) -> str:
    """What the client is told, reduced to a word: the payload's type, the problem's code, or
    the error's code when the mutation failed as a whole."""
    async with world.sessions() as session:
        context = Context(
            session=session,
            now=NOW,
            access=world.access,
            principal=world.people[who],
            rule_sets=RULE_SETS,
            request_id="race",
        )
        result = await schema.execute(
            document(name, input_type),
            variable_values={"input": input},
            context_value=context,
        )
    if result.errors:
        return str((result.errors[0].extensions or {}).get("code"))
    assert result.data is not None
    outcome = result.data[name]
    if outcome["__typename"] == "ValidationFailed":
        return ",".join(p["code"] for p in outcome["problems"])
    return str(outcome["__typename"])


def person_input(world: World, national_id: str, **more: Any) -> dict[str, Any]:
    return {
        "nationalId": national_id,
        "fullName": "Trần Thị Trùng",
        "sex": "FEMALE",
        "birthYear": 1988,
        "unit": world.commune,
        **more,
    }


async def count(world: World, model: Any, *where: Any) -> int:
    async with world.sessions() as session:
        return (await session.scalar(select(func.count()).select_from(model).where(*where))) or 0


async def test_racing_records_of_one_national_id_create_one_and_refuse_the_rest(
    world: World,
) -> None:
    for round_ in range(ROUNDS):
        national_id = f"03708800{round_:04d}"
        outcomes = Counter(
            await asyncio.gather(
                *(
                    answer(
                        world,
                        "clerk",
                        "createPerson",
                        "CreatePersonInput",
                        **person_input(world, national_id),
                    )
                    for _ in range(RACERS)
                )
            )
        )

        assert outcomes == {"PersonPayload": 1, "NATIONAL_ID_TAKEN": RACERS - 1}, round_
        assert await count(world, Person, Person.national_id == national_id) == 1


async def test_racing_accounts_of_one_username_create_one_and_refuse_the_rest(
    world: World,
) -> None:
    async with world.sessions() as session:
        _, world.people["admin"] = await make_user(
            session, world.access, "admin.race", unit_code="07132", roles=[Role.ADMIN]
        )
        await session.commit()
    for round_ in range(ROUNDS):
        username = f"trung.ten.{round_}"
        outcomes = Counter(
            await asyncio.gather(
                *(
                    answer(
                        world,
                        "admin",
                        "createUser",
                        "CreateUserInput",
                        username=username,
                        password="một mật khẩu đủ dài",
                        fullName="Lê Văn Trùng",
                        unit=world.commune,
                    )
                    for _ in range(RACERS)
                )
            )
        )

        assert outcomes == {"UserPayload": 1, "USERNAME_TAKEN": RACERS - 1}, round_
        assert await count(world, AppUser, AppUser.username == username) == 1


async def test_racing_plans_of_one_unit_cycle_and_tier_create_one_and_refuse_the_rest(
    world: World,
) -> None:
    # One round per cycle: each is its own key (unit, cycle, tier).
    for cycle in ("2030-2035", "2025-2030"):
        outcomes = Counter(
            await asyncio.gather(
                *(
                    answer(
                        world,
                        "clerk",
                        "createPlan",
                        "CreatePlanInput",
                        unit=world.commune,
                        cycle=cycle,
                        kind="NEXT_TERM",
                        managedBy="PROVINCE",
                    )
                    for _ in range(RACERS)
                )
            )
        )

        assert outcomes == {"PlanPayload": 1, "PLAN_EXISTS": RACERS - 1}, cycle
    assert await count(world, Plan) == 2


async def test_racing_retries_with_one_key_all_get_the_first_answer(world: World) -> None:
    for round_ in range(ROUNDS):
        national_id = f"03708801{round_:04d}"
        given = person_input(world, national_id, idempotencyKey=f"mobile-{round_}")

        async def create(given: dict[str, Any] = given) -> str:
            async with world.sessions() as session:
                context = Context(
                    session=session,
                    now=NOW,
                    access=world.access,
                    principal=world.people["clerk"],
                    rule_sets=RULE_SETS,
                    request_id="race",
                )
                result = await schema.execute(
                    document("createPerson", "CreatePersonInput"),
                    variable_values={"input": given},
                    context_value=context,
                )
            assert result.errors is None, result.errors
            assert result.data is not None
            created = result.data["createPerson"]
            assert created["__typename"] == "PersonPayload", created
            return str(created["person"]["id"])

        ids = set(await asyncio.gather(*(create() for _ in range(RACERS))))

        assert len(ids) == 1, round_  # every retry is told of the one record the first made
        assert await count(world, Person, Person.national_id == national_id) == 1


async def test_racing_keyed_and_unkeyed_requests_for_one_national_id(world: World) -> None:
    """Retries of one keyed request race requests without a key for the same person: the key's
    holders share one answer, and nobody is told anything but a record or NATIONAL_ID_TAKEN."""
    for round_ in range(ROUNDS):
        national_id = f"03708802{round_:04d}"
        keyed = person_input(world, national_id, idempotencyKey=f"tablet-{round_}")
        plain = person_input(world, national_id)
        outcomes = await asyncio.gather(
            *(
                answer(world, "clerk", "createPerson", "CreatePersonInput", **given)
                for given in [keyed if n % 2 else plain for n in range(RACERS)]
            )
        )

        assert set(outcomes) <= {"PersonPayload", "NATIONAL_ID_TAKEN"}, outcomes
        keyed_answers = {outcome for n, outcome in enumerate(outcomes) if n % 2}
        assert len(keyed_answers) == 1, outcomes  # retries of one request: one answer
        assert await count(world, Person, Person.national_id == national_id) == 1
