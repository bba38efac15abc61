"""The audit trail (DOMAIN.md A.9): every change to persons and reference data leaves an event
with who, when, before and after, in the change's own transaction; admins read it per unit; and
nothing, TRUNCATE included, takes an event away."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from planning.access import Role
from planning.units import UnitKind
from schema.access.services import AccessServices
from schema.node import to_global_id
from tests.conftest import Runner
from tests.factories import make_user, unit
from tests.schema.plan_helpers import position


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE audit_event",
        "TRUNCATE plan_event",
        "TRUNCATE plan CASCADE",  # reaches plan_event through its foreign key
    ],
)
async def test_the_append_only_tables_refuse_truncate(
    session: AsyncSession, statement: str
) -> None:
    with pytest.raises(DBAPIError, match="append-only"):
        async with session.begin_nested():
            await session.execute(text(statement))


TRAIL = """
query ($unit: ID!, $first: Int) {
  auditEvents(unit: $unit, first: $first) {
    totalCount
    edges { node { action subjectType subject actor before after reason unit { code } } }
  }
}
"""
CREATE_PERSON = """
mutation ($input: CreatePersonInput!) {
  createPerson(input: $input) { __typename ... on PersonPayload { person { id version } } }
}
"""
UPDATE_PERSON = """
mutation ($input: UpdatePersonInput!) {
  updatePerson(input: $input) { __typename ... on PersonPayload { person { version } } }
}
"""
REFERENCE = {
    "setPositionSeats": "SetPositionSeatsInput",
    "setHoliday": "SetHolidayInput",
    "setTarget": "SetTargetInput",
    "setCycle": "SetCycleInput",
    "setDeadline": "SetDeadlineInput",
}
MONTHS = [
    {"kind": kind, "month": month}
    for kind, month in (
        ("GRASSROOTS", "2035-04"),
        ("ABOVE_GRASSROOTS", "2035-06"),
        ("COMMUNE", "2035-07"),
        ("PROVINCE", "2035-09"),
        ("STATE", "2036-03"),
    )
]


@dataclass
class Officials:
    clerk: Runner  # of commune 07132 (province 22)
    admin: Runner  # of province 22
    national: Runner  # admin of the country
    other: Runner  # admin of province 01
    commune: str
    province: str
    root: str


@pytest.fixture
async def officials(run: Runner, session: AsyncSession, access: AccessServices) -> Officials:
    found = {}
    for name, code, role in (
        ("clerk", "07132", Role.CLERK),
        ("admin", "22", Role.ADMIN),
        ("national", "VN", Role.ADMIN),
        ("other", "01", Role.ADMIN),
    ):
        _, principal = await make_user(session, access, f"{name}.au", unit_code=code, roles=[role])
        found[name] = run.as_(principal)
    commune, province, root = [
        to_global_id("Unit", (await unit(session, code)).id) for code in ("07132", "22", "VN")
    ]
    return Officials(
        found["clerk"], found["admin"], found["national"], found["other"], commune, province, root
    )


async def trail(run: Runner, unit_id: str) -> dict[str, Any]:
    return dict((await run.data(TRAIL, {"unit": unit_id, "first": 100}))["auditEvents"])


async def only_event(run: Runner, unit_id: str, action: str) -> dict[str, Any]:
    events = [e["node"] for e in (await trail(run, unit_id))["edges"]]
    [found] = [e for e in events if e["action"] == action]
    return dict(found)


async def change(run: Runner, field: str, /, **input: Any) -> str:
    """Call a reference mutation; its answer's type name."""
    query = f"mutation ($input: {REFERENCE[field]}!) {{ {field}(input: $input) {{ __typename }} }}"
    return str((await run.data(query, {"input": input}))[field]["__typename"])


async def test_person_records_leave_who_changed_what_from_what(
    officials: Officials, session: AsyncSession
) -> None:
    created = await officials.clerk.data(
        CREATE_PERSON,
        {
            "input": {
                "nationalId": "022080009001",
                "fullName": "Lý Thị Thu",
                "sex": "FEMALE",
                "birthYear": 1985,
                "unit": officials.commune,
                "disciplines": [{"form": "REPRIMAND", "decidedOn": "2024-03-01"}],
            }
        },
    )
    person_id = created["createPerson"]["person"]["id"]
    # A rank of 500 is accepted by the record rules; the trail must show who typed it.
    await officials.clerk.data(
        UPDATE_PERSON,
        {
            "input": {
                "person": person_id,
                "version": 1,
                "currentRank": 500,
                "fullName": "Lý Thị Thu",  # unchanged: not in before/after
                "disciplines": [],
            }
        },
    )

    creation = await only_event(officials.admin, officials.province, "create_person")
    update = await only_event(officials.admin, officials.province, "update_person")

    assert creation["subject"] == person_id
    assert creation["actor"] == "clerk.au"
    assert creation["unit"] == {"code": "07132"}
    assert creation["before"] is None
    assert creation["after"]["full_name"] == "Lý Thị Thu"
    assert creation["after"]["disciplines"] == [{"form": "REPRIMAND", "decided_on": "2024-03-01"}]
    assert update["before"] == {
        "current_rank": None,
        "disciplines": [{"form": "REPRIMAND", "decided_on": "2024-03-01"}],
        "version": 1,
    }
    assert update["after"] == {"current_rank": 500, "disciplines": [], "version": 2}
    rows = await session.scalar(
        text("SELECT count(*) FROM audit_event WHERE subject_type = 'person'")
    )
    assert rows == 2


async def test_reference_edits_leave_their_before_and_after(officials: Officials) -> None:
    seats = {
        "position": await position(
            officials.admin.session, "PCT_UBND", managed_by=UnitKind.PROVINCE
        ),
        "province": officials.province,
        "reason": "Đề án vị trí việc làm",
    }
    target = {
        "province": officials.province,
        "ruleSet": "QD377_2025",
        "indicator": "WOMEN",
    }
    cycle = {
        "code": "2035-2040",
        "partyTermStart": 2035,
        "partyTermEnd": 2040,
        "stateTermStart": 2036,
        "stateTermEnd": 2041,
    }
    deadline = {"province": officials.province, "cycle": "2030-2035", "unitKind": "COMMUNE"}
    # Each is set twice: the second change's `before` is the first one's `after`.
    for n in (1, 2):
        assert (
            await change(officials.admin, "setPositionSeats", **seats, seats=n) == "PositionPayload"
        )
        assert await change(officials.admin, "setTarget", **target, atLeast=0.3 + n / 10) == (
            "TargetPayload"
        )
        assert (
            await change(officials.admin, "setDeadline", **deadline, dueOn=f"2026-07-1{n}")
            == "DeadlinePayload"
        )
        assert (
            await change(officials.national, "setHoliday", day="2026-12-31", name=f"Nghỉ bù {n}")
            == "HolidayPayload"
        )
        months = [{**m, "month": m["month"][:-1] + str(n)} for m in MONTHS]
        assert (
            await change(officials.national, "setCycle", **cycle, referenceMonths=months)
            == "CyclePayload"
        )

    events = [e["node"] for e in (await trail(officials.national, officials.root))["edges"]]
    by_action: dict[str, list[dict[str, Any]]] = {}
    for event in reversed(events):  # the trail is newest first
        by_action.setdefault(event["action"], []).append(event)

    # The 2025 reform the test database was loaded with (tests/conftest.py) left one event.
    assert [e["after"]["links_added"] for e in by_action.pop("reorganize")] == [10_662]
    assert set(by_action) == {
        "set_position_seats",
        "set_target",
        "set_deadline",
        "set_holiday",
        "set_cycle",
    }
    for action, (first, second) in by_action.items():
        assert first["before"] is None, action  # none of them was set before
        assert second["before"] == first["after"], action
        assert second["before"] != second["after"], action
        assert second["actor"] in ("admin.au", "national.au"), action
    assert [e["after"]["seats"] for e in by_action["set_position_seats"]] == [1, 2]
    assert by_action["set_position_seats"][0]["reason"] == "Đề án vị trí việc làm"
    assert by_action["set_target"][1]["after"]["at_least"] == "0.5"
    assert by_action["set_deadline"][1]["after"]["due_on"] == "2026-07-12"
    assert by_action["set_holiday"][1]["after"]["name"] == "Nghỉ bù 2"
    assert by_action["set_holiday"][1]["subject"] == "20261231"
    assert by_action["set_cycle"][1]["after"]["reference_months"]["COMMUNE"] == "2035-02"
    assert {e["unit"]["code"] for e in by_action["set_target"]} == {"22"}
    assert {e["unit"]["code"] for e in by_action["set_holiday"]} == {"VN"}


async def test_a_refused_change_leaves_no_event(officials: Officials) -> None:
    refused = await change(
        officials.other,
        "setTarget",
        province=officials.province,
        ruleSet="QD377_2025",
        indicator="WOMEN",
        atLeast=0.5,
    )

    assert refused == "NotAllowed"
    # Only the event of the 2025 reform the test database was loaded with (tests/conftest.py).
    assert [
        e["node"]["action"] for e in (await trail(officials.national, officials.root))["edges"]
    ] == ["reorganize"]


async def test_only_administrators_of_the_subtree_read_its_trail(officials: Officials) -> None:
    await change(
        officials.admin,
        "setTarget",
        province=officials.province,
        ruleSet="QD377_2025",
        indicator="WOMEN",
        atLeast=0.5,
    )

    assert (await trail(officials.admin, officials.province))["totalCount"] == 1
    # and the 2025 reform's, at the root (the test database was loaded with it)
    assert (await trail(officials.national, officials.root))["totalCount"] == 2
    # A clerk of the commune, and the admin of another province, administer none of it.
    assert await trail(officials.clerk, officials.province) == {"totalCount": 0, "edges": []}
    assert await trail(officials.other, officials.root) == {"totalCount": 0, "edges": []}
