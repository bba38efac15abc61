"""The facts of approved entries and the rollups counted from them (migrations 0006, 0009, 0010,
0021).

These are tables, not mapped classes: nothing loads a fact or a rollup cell as an object, they
are inserted, summed and compared in bulk (db/rollups.py, db/rollup_sql.py). A fact's columns
are the fields of ``planning.facts.Fact`` and its planning unit's path; tests/db/test_metadata.py
holds them to it and to the migrations.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Enum as SqlEnum,
    ForeignKey,
    Identity,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    Table,
    Text,
    text,
)

from db.base import Base, LTree
from planning.units import UnitKind


def _unit_kind(name: str) -> Column[Any]:
    # The type is created with the unit table (migration 0001), never with these.
    kind = SqlEnum(
        UnitKind,
        name="unit_kind",
        values_callable=lambda e: [m.value for m in e],
        create_type=False,
    )
    return Column(name, kind, nullable=False)


def _person_key() -> list[Column[Any]]:
    """The person's attributes a statistic groups by (``planning.facts.PERSON_KEY``), as they
    stood at approval: the cells persons are counted in."""
    return [
        Column("sex", Text, nullable=False),
        Column("age_band", SmallInteger, nullable=False),
        Column("education", Text, nullable=False),
        Column("theory", Text, nullable=False),
        Column("grade", Text, nullable=False),
        Column("ethnicity", Text, nullable=False),
        Column("minority", Boolean, nullable=False),
        Column("non_local", Boolean, nullable=False),
    ]


def _sci_tech() -> Column[Any]:
    """The person's last attribute (migration 0014): added after the tables were made, so it
    stands last in each table, and last in the keys that hold the person's attributes."""
    return Column("sci_tech", Boolean, nullable=False, server_default=text("false"))


def _fact() -> list[Column[Any]]:
    """The columns of a fact: ``planning.facts.Fact`` and the planning unit's path."""
    return [
        # The plan entry's id: never generated here (a lone bigint key would be a serial).
        Column("entry_id", BigInteger, nullable=False, autoincrement=False),
        Column("plan_id", BigInteger, nullable=False),
        Column("cycle_id", BigInteger, nullable=False),
        Column("person_id", BigInteger, nullable=False),
        Column("unit_id", BigInteger, nullable=False),
        # Copied from the unit at approval, so that subtree filters need no join.
        Column("unit_path", LTree, nullable=False),
        _unit_kind("unit_kind"),
        Column("position_id", BigInteger, nullable=False),
        Column("body", Text, nullable=False),
        _unit_kind("managed_by"),
        Column("head", Boolean, nullable=False),
        Column("age_months", Integer, nullable=False),
        *_person_key(),
    ]


def _ancestor() -> list[Column[Any]]:
    """Every rollup counts per ancestor unit (each unit on a fact's path) and cycle."""
    return [
        Column("ancestor_id", BigInteger, nullable=False),
        Column("cycle_id", BigInteger, nullable=False),
    ]


def _entry_cell() -> list[Column[Any]]:
    """The cell of an entry: where it is planned, for which title, and the person's key."""
    return [
        _unit_kind("unit_kind"),
        Column("position_id", BigInteger, nullable=False),
        Column("body", Text, nullable=False),
        _unit_kind("managed_by"),
        Column("head", Boolean, nullable=False),
        *_person_key(),
    ]


def _counted(name: str) -> list[Column[Any]]:
    return [
        Column(name, Integer, nullable=False),
        Column("age_months_sum", BigInteger, nullable=False),
    ]


def _emptied(table: str, counted: str) -> Index:
    """Rows an approval or a reopening emptied, deleted in the same transaction (0009)."""
    return Index(f"ix_{table}_emptied", "ancestor_id", postgresql_where=text(f"{counted} = 0"))


def _key(*columns: Column[Any]) -> PrimaryKeyConstraint:
    """Every column but the counted values, in table order."""
    return PrimaryKeyConstraint(*(c.name for c in columns))


metadata = Base.metadata

# What counts now: one row per ACTIVE entry of an APPROVED plan (sự kiện đã phê duyệt).
entry_fact = Table(
    "entry_fact",
    metadata,
    *_fact(),
    _sci_tech(),
    PrimaryKeyConstraint("entry_id"),
    Index("ix_entry_fact_unit_path", "unit_path", postgresql_using="gist"),
    Index("ix_entry_fact_plan_id", "plan_id"),
    Index("ix_entry_fact_person_id_cycle_id", "person_id", "cycle_id"),
    Index("ix_entry_fact_unit_id_cycle_id_position_id", "unit_id", "cycle_id", "position_id"),
)

# Each fact with the moments it started and stopped counting: statistics as of a past day.
# Created ``LIKE entry_fact`` (its columns first, in order: rollups.py inserts ``f.*``).
entry_fact_history = Table(
    "entry_fact_history",
    metadata,
    *_fact(),
    Column("counted_from", DateTime(timezone=True), nullable=False),
    Column("counted_to", DateTime(timezone=True)),
    Column("id", BigInteger, Identity(always=True), nullable=False),
    _sci_tech(),
    PrimaryKeyConstraint("id"),
    CheckConstraint("counted_to IS NULL OR counted_to >= counted_from", name="period"),
    Index("ix_entry_fact_history_unit_path", "unit_path", postgresql_using="gist"),
    # Reopening or superseding closes the open facts of one plan.
    Index(
        "ix_entry_fact_history_open_plan", "plan_id", postgresql_where=text("counted_to IS NULL")
    ),
)

_entry_key = [*_ancestor(), Column("child_id", BigInteger, nullable=False), *_entry_cell()]
# Entries per ancestor, cycle and cell, the cell including the child the fact lies under.
rollup_entry = Table(
    "rollup_entry",
    metadata,
    *_entry_key,
    *_counted("entries"),
    _sci_tech(),
    _key(*_entry_key, _sci_tech()),
    _emptied("rollup_entry", "entries"),
)

_entry_total_key = [*_ancestor(), *_entry_cell()]
# The same with the child summed out: what statistics not by child unit read.
rollup_entry_total = Table(
    "rollup_entry_total",
    metadata,
    *_entry_total_key,
    *_counted("entries"),
    _sci_tech(),
    _key(*_entry_total_key, _sci_tech()),
    _emptied("rollup_entry_total", "entries"),
)

# Where each person counts under an ancestor: once, in the cell of their earliest fact there.
rollup_member = Table(
    "rollup_member",
    metadata,
    *_ancestor(),
    Column("person_id", BigInteger, nullable=False),
    Column("entries", Integer, nullable=False),
    Column("child_id", BigInteger, nullable=False),
    _unit_kind("unit_kind"),
    Column("age_months", Integer, nullable=False),
    *_person_key(),
    _sci_tech(),
    PrimaryKeyConstraint("ancestor_id", "cycle_id", "person_id"),
    Index("ix_rollup_member_person_id_cycle_id", "person_id", "cycle_id"),
)

_person_cell_key = [
    *_ancestor(),
    Column("child_id", BigInteger, nullable=False),
    _unit_kind("unit_kind"),
    *_person_key(),
]
# Persons per ancestor, cycle and cell, counted from ``rollup_member``.
rollup_person = Table(
    "rollup_person",
    metadata,
    *_person_cell_key,
    *_counted("persons"),
    _sci_tech(),
    _key(*_person_cell_key, _sci_tech()),
    _emptied("rollup_person", "persons"),
)

_person_total_key = [*_ancestor(), _unit_kind("unit_kind"), *_person_key()]
rollup_person_total = Table(
    "rollup_person_total",
    metadata,
    *_person_total_key,
    *_counted("persons"),
    _sci_tech(),
    _key(*_person_total_key, _sci_tech()),
    _emptied("rollup_person_total", "persons"),
)

# How many planning units of the subtree hold exactly ``entries`` entries for a title.
rollup_title = Table(
    "rollup_title",
    metadata,
    *_ancestor(),
    Column("position_id", BigInteger, nullable=False),
    Column("entries", Integer, nullable=False),
    Column("units", Integer, nullable=False),
    PrimaryKeyConstraint("ancestor_id", "cycle_id", "position_id", "entries"),
    _emptied("rollup_title", "units"),
)

# When a successor stopped counting its predecessors' entries of a cycle: its consolidation was
# approved (migration 0021, ``db.rollups.end_inheritance``). Until then every unit counts the
# facts of the predecessor subtrees it reads (``unit_inherited``) as its own.
inheritance_ended = Table(
    "inheritance_ended",
    metadata,
    Column("unit_id", BigInteger, ForeignKey("unit.id"), nullable=False),
    Column("cycle_id", BigInteger, ForeignKey("cycle.id"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("unit_id", "cycle_id"),
)
