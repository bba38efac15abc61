"""The generated access matrix: the enforcer and the SQL list filter both equal the table.

For every role x permission x relation of a target to the granted unit, on the three-tier and
the two-tier tree, "may I act on this one?" (Casbin through ``Policy.allows``) and "which may I
act on?" (the SQL predicate from ``Policy.reaches``) must give the answer written in
``access_matrix.txt``. Grants carry the predecessor subtrees their unit reads through the real
2025 lineage (``unit_inherited``), as a login's principal does: a predecessor is read, never
written, and the predecessor of a sibling stays out of reach (DOMAIN.md A.11).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db import lineage, units as units_db
from db.models import Unit
from db.reach import within
from planning.access import Grant, Principal, Role
from policies import Policy

MATRIX = Path(__file__).with_name("access_matrix.txt")


def expected_matrix() -> dict[tuple[Role, str, str], set[str]]:
    table: dict[tuple[Role, str, str], set[str]] = {}
    for line in MATRIX.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        role, resource, action, *reaches = line.split()
        table[(Role(role), resource, action)] = set(reaches)
    return table


THREE_TIER = date(2025, 6, 30)
TWO_TIER = date(2025, 7, 1)
Target = str | tuple[str, date]  # a GSO code in the position's tree, or (code, a day of the other)


@dataclass(frozen=True)
class Position:
    """A granted unit and, by relation, a target unit (GSO codes), in the tree valid on ``at``."""

    name: str
    at: date
    granted: str
    targets: dict[str, Target]


POSITIONS = [
    # Tỉnh Quảng Ninh, three-tier: Thị xã Quảng Yên below it, Phường Quảng Yên below that.
    Position(
        "three-tier province",
        THREE_TIER,
        "22",
        {
            "self": "22",
            "child": "206",
            "grandchild": "07132",
            "parent": "VN",
            "sibling": "01",
            "other": "00001",
            # The old tree does not read forward: the new Quảng Ninh is not its subtree.
            "successor": ("22", TWO_TIER),
        },
    ),
    # Thị xã Quảng Yên: a district, with Huyện Hải Hà (its sibling in Quảng Ninh).
    Position(
        "three-tier district",
        THREE_TIER,
        "206",
        {
            "self": "206",
            "child": "07132",
            "parent": "22",
            "sibling": "201",
            "other": "001",
        },
    ),
    # Tỉnh Quảng Ninh of the two-tier tree: communes directly below the province.
    Position(
        "two-tier province",
        TWO_TIER,
        "22",
        {
            "self": "22",
            "child": "07132",
            "parent": "VN",
            "sibling": "01",
            "other": "00004",
            # Lineage: the old Quảng Ninh (its predecessor), its old districts and communes.
            "predecessor": ("22", THREE_TIER),
            "predecessor-child": ("206", THREE_TIER),
            "predecessor-grandchild": ("07132", THREE_TIER),
            # The old Hà Nội is the predecessor of a sibling (the new Hà Nội) only.
            "sibling-predecessor": ("01", THREE_TIER),
        },
    ),
    # Phường Hà An of the two-tier tree took in Phường Tân An whole, and part of Xã Liên Hòa,
    # which was split between it and Phường Liên Hòa (lineage-2025.csv).
    Position(
        "two-tier commune",
        TWO_TIER,
        "07168",
        {
            "self": "07168",
            "parent": "22",
            "sibling": "07180",
            "predecessor": ("07159", THREE_TIER),
            "split-predecessor": ("07180", THREE_TIER),
            # Xã Phong Hải went to Phường Liên Hòa only; Thị xã Quảng Yên, the old district
            # above Phường Hà An's predecessors, is nobody's predecessor.
            "sibling-predecessor": ("07174", THREE_TIER),
            "predecessor-parent": ("206", THREE_TIER),
        },
    ),
    # Phường Liên Hòa, the other successor of Xã Liên Hòa: it reads the split commune too, not
    # the predecessors of Phường Hà An.
    Position(
        "two-tier commune of a split",
        TWO_TIER,
        "07180",
        {
            "self": "07180",
            "sibling": "07168",
            "predecessor": ("07174", THREE_TIER),
            "split-predecessor": ("07180", THREE_TIER),
            "sibling-predecessor": ("07159", THREE_TIER),
        },
    ),
    # The national root: provinces are children, communes grandchildren.
    Position("national root", TWO_TIER, "VN", {"self": "VN", "child": "22", "grandchild": "07132"}),
]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return Policy.from_files()


async def resolve(session: AsyncSession, position: Position) -> tuple[Unit, dict[str, Unit]]:
    async def unit(target: Target) -> Unit:
        code, at = target if isinstance(target, tuple) else (target, position.at)
        found = await units_db.by_code(session, code=code, at=at)
        assert found is not None, f"{code} missing on {at}"
        return found

    return await unit(position.granted), {
        relation: await unit(target) for relation, target in position.targets.items()
    }


@pytest.mark.parametrize("position", POSITIONS, ids=lambda p: p.name)
async def test_enforcer_and_sql_filter_equal_the_table(
    session: AsyncSession, policy: Policy, position: Position
) -> None:
    table = expected_matrix()
    granted, targets = await resolve(session, position)
    inherited = (await lineage.inherited_roots(session, [granted.id]))[granted.id]
    checked = 0
    for role in Role:
        principal = Principal(
            user_id=1,
            api_key_id=None,
            name="matrix",
            grants=(
                Grant(
                    grant_id=1,
                    role=role,
                    unit_id=granted.id,
                    unit_path=granted.path,
                    inherited=inherited,
                ),
            ),
        )
        for resource, action in policy.permissions:
            expected = {r for r in targets if r in table.get((role, resource, action), set())}

            decided = {
                r
                for r, target in targets.items()
                if policy.allows(principal, action, resource, target.path)
            }
            reaches = policy.reaches(principal, action, resource)
            listed_ids = set(
                await session.scalars(
                    select(Unit.id).where(
                        Unit.id.in_([t.id for t in targets.values()]), within(Unit.path, reaches)
                    )
                )
            )
            listed = {r for r, target in targets.items() if target.id in listed_ids}

            assert decided == expected, (role, resource, action, position.name)
            assert listed == expected, (role, resource, action, position.name)
            checked += 1
    assert checked == len(Role) * len(policy.permissions)


def test_every_permission_of_the_table_exists_in_the_policy(policy: Policy) -> None:
    assert {(r, a) for _, r, a in expected_matrix()} <= set(policy.permissions)
