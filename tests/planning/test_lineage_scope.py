"""Scope follows lineage (DOMAIN.md A.11): which permissions reach the inherited predecessor
subtrees, and which paths lie inside them."""

from __future__ import annotations

import pytest

from planning.access import (
    COVERS,
    LINEAGE_ACTIONS,
    Relation,
    Scope,
    inherited_covers,
    reads_through_lineage,
)

SUBTREE = COVERS[Scope.SUBTREE]


@pytest.mark.parametrize(
    ("action", "allowed", "widened"),
    [
        ("read", SUBTREE, True),  # a viewer of the unit's whole subtree reads its predecessors
        ("read", COVERS[Scope.EXACT], False),  # a read of the unit alone does not
        ("read", COVERS[Scope.CHILDREN], False),
        ("read", frozenset(), False),  # a role without the permission gains nothing
        ("draft", SUBTREE, False),  # writes stay on the units in force
        ("submit", SUBTREE, False),
        ("edit", SUBTREE, False),
        ("manage", SUBTREE, False),
        ("transfer", SUBTREE, False),
        ("approve", COVERS[Scope.EXACT], False),
    ],
)
def test_only_reading_the_whole_subtree_reaches_the_predecessors(
    action: str, allowed: frozenset[Relation], widened: bool
) -> None:
    assert reads_through_lineage(action, allowed) is widened


def test_lineage_widens_reading_and_nothing_else() -> None:
    assert {"read"} == LINEAGE_ACTIONS


# The old Quảng Ninh (path 1.30) and its Thị xã Quảng Yên (1.30.206); the old Hà Nội (1.2).
INHERITED = ("1.30", "1.77.9000")


@pytest.mark.parametrize(
    ("target", "inside"),
    [
        ("1.30", True),  # the root of an inherited subtree
        ("1.30.206", True),  # below it
        ("1.30.206.7132", True),
        ("1.77.9000", True),
        ("1", False),  # above it: the national root is nobody's predecessor
        ("1.300", False),  # a label that merely starts alike is another unit
        ("1.3", False),
        ("1.77", False),  # the parent of an inherited commune is not inherited
        ("1.77.9001", False),  # nor its sibling
        ("1.2", False),
    ],
)
def test_inherited_covers_the_subtrees_of_the_roots_only(target: str, inside: bool) -> None:
    assert inherited_covers(INHERITED, target) is inside


def test_no_lineage_covers_nothing() -> None:
    assert not inherited_covers((), "1.30")


def test_a_permission_that_only_gates_a_read_follows_lineage_as_a_read() -> None:
    # The audit trail is read by whoever administers the accounts there ("manage user").
    assert reads_through_lineage("manage", SUBTREE, reading=True)
    assert not reads_through_lineage("manage", SUBTREE)
    assert not reads_through_lineage("approve", COVERS[Scope.EXACT], reading=True)
