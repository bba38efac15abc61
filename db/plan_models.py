"""Typed models of cadre records and plans (migration 0003)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum as SqlEnum,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, ExcludeConstraint
from sqlalchemy.orm import Mapped, Unmapped, mapped_column, unmapped_column

from db.base import Base, StrEnumText, Xid8
from planning.calendar import DayKind
from planning.cycles import PlanKind
from planning.lifecycle import EntryChange, EntrySource, EntryStatus, PlanStatus
from planning.positions import PositionBody
from planning.rulesets import CandidateTier
from planning.theory import PoliticalTheory
from planning.units import UnitKind

Timestamp = DateTime(timezone=True)
UnitKindColumn = SqlEnum(
    UnitKind, name="unit_kind", values_callable=lambda e: [m.value for m in e], create_type=False
)


def _theory_check(column: str) -> str:
    """The check of a political theory column: a level's code (migration 0015)."""
    return f"{column} IN ({', '.join(repr(level.value) for level in PoliticalTheory)})"


class Cycle(Base):
    """A planning cycle: a party term and its state term (nhiệm kỳ 2025–2030 / 2026–2031)."""

    __tablename__ = "cycle"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    code: Mapped[str] = mapped_column(Text, unique=True)
    party_term_start: Mapped[int] = mapped_column(Integer)
    party_term_end: Mapped[int] = mapped_column(Integer)
    state_term_start: Mapped[int] = mapped_column(Integer)
    state_term_end: Mapped[int] = mapped_column(Integer)
    reference_months: Mapped[dict[str, str]] = mapped_column(JSONB)


class Position(Base):
    """A title planned at a kind of unit (chức danh), and who manages it."""

    __tablename__ = "position"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    unit_kind: Mapped[UnitKind] = mapped_column(UnitKindColumn)
    code: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[PositionBody] = mapped_column(StrEnumText(PositionBody))
    rank: Mapped[int | None] = mapped_column(Integer)
    seats: Mapped[int] = mapped_column(Integer)
    committee_seat: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    managed_by: Mapped[UnitKind] = mapped_column(UnitKindColumn)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    political_theory_required: Mapped[PoliticalTheory | None] = mapped_column(
        StrEnumText(PoliticalTheory)
    )

    __table_args__ = (
        CheckConstraint("seats > 0", name="seats_positive"),
        CheckConstraint(
            _theory_check("political_theory_required"), name="political_theory_required"
        ),
        # One title per code, kind of unit and managing level at any date.
        ExcludeConstraint(
            ("unit_kind", "="),
            ("code", "="),
            ("managed_by", "="),
            (text("daterange(valid_from, valid_to, '[]')"), "&&"),
            name="ex_position_code_validity",
            using="gist",
        ),
    )


class Holiday(Base):
    __tablename__ = "holiday"

    """A day the government decided for the year (the statutory days are computed)."""

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[DayKind] = mapped_column(
        StrEnumText(DayKind), default=DayKind.OFF, server_default=text("'OFF'")
    )

    __table_args__ = (CheckConstraint("kind IN ('OFF', 'WORKING')", name="kind"),)


class Person(Base):
    """A cadre's record (hồ sơ cán bộ): one per national id, whoever proposes them."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    national_id: Mapped[str] = mapped_column(Text, unique=True)
    full_name: Mapped[str] = mapped_column(Text)
    sex: Mapped[str] = mapped_column(Text)
    birth_year: Mapped[int] = mapped_column(Integer)
    birth_month: Mapped[int | None] = mapped_column(Integer)
    birth_day: Mapped[int | None] = mapped_column(Integer)
    ethnicity: Mapped[str | None] = mapped_column(Text)
    hometown_unit_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("unit.id"))
    unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("unit.id"), index=True)
    education: Mapped[str | None] = mapped_column(Text)
    political_theory: Mapped[PoliticalTheory | None] = mapped_column(StrEnumText(PoliticalTheory))
    civil_service_grade: Mapped[str | None] = mapped_column(Text)
    party_admission_date: Mapped[date | None] = mapped_column(Date)
    current_position: Mapped[str | None] = mapped_column(Text)
    current_rank: Mapped[int | None] = mapped_column(Integer)
    retirement_override_months: Mapped[int | None] = mapped_column(Integer)
    political_standard_ok: Mapped[bool | None] = mapped_column(Boolean)
    proposed_for_appointment: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    # Cán bộ có trình độ khoa học, công nghệ (DOMAIN §8, S1 II.6.3): the S&T indicator's subjects.
    is_sci_tech: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))

    __table_args__ = (
        CheckConstraint("national_id ~ '^[0-9]{12}$'", name="national_id_digits"),
        CheckConstraint("sex IN ('MALE', 'FEMALE')", name="sex"),
        CheckConstraint("birth_month BETWEEN 1 AND 12", name="birth_month"),
        CheckConstraint(_theory_check("political_theory"), name="political_theory"),
        CheckConstraint(
            "birth_day IS NULL OR birth_month IS NOT NULL", name="birth_day_needs_month"
        ),
        Index(
            "ix_person_name_search",
            text("to_tsvector('simple', immutable_unaccent(full_name))"),
            postgresql_using="gin",
        ),
    )


class Discipline(Base):
    __tablename__ = "discipline"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    person_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("person.id"))
    form: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)


class PersonUnitHistory(Base):
    """A unit a person worked in before a transfer (quá trình công tác, migration 0012). The
    current unit is the person's ``unit_id``, held since the last of these ended."""

    __tablename__ = "person_unit_history"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    person_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("person.id"), index=True)
    unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("unit.id"))
    valid_from: Mapped[date | None] = mapped_column(Date)  # None: before transfers were kept
    valid_to: Mapped[date] = mapped_column(Date)  # the transfer's day: the next unit's first
    reason: Mapped[str | None] = mapped_column(Text)
    transferred_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_user.id"))
    transferred_at: Mapped[datetime] = mapped_column(Timestamp)

    __table_args__ = (
        CheckConstraint("valid_from IS NULL OR valid_from <= valid_to", name="period"),
    )


class Plan(Base):
    """A plan (danh sách quy hoạch) of one planning unit, cycle and approving body."""

    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    planning_unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("unit.id"))
    approving_unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("unit.id"))
    cycle_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("cycle.id"))
    kind: Mapped[PlanKind] = mapped_column(StrEnumText(PlanKind))
    managed_by: Mapped[UnitKind] = mapped_column(UnitKindColumn)
    rule_set: Mapped[str] = mapped_column(Text)
    status: Mapped[PlanStatus] = mapped_column(
        SqlEnum(PlanStatus, name="plan_status", values_callable=lambda e: [m.value for m in e]),
        server_default=text("'DRAFT'"),
    )
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    base_plan_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("plan.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    submitted_at: Mapped[datetime | None] = mapped_column(Timestamp)
    received_at: Mapped[datetime | None] = mapped_column(Timestamp)
    due_on: Mapped[date | None] = mapped_column(Date)
    decided_at: Mapped[datetime | None] = mapped_column(Timestamp)
    decision_number: Mapped[str | None] = mapped_column(Text)
    decision_date: Mapped[date | None] = mapped_column(Date)
    appraisal_report: Mapped[str | None] = mapped_column(Text)
    # The one extension of the approval deadline (QĐ 377 Art. 23), in working days.
    extended_by: Mapped[int | None] = mapped_column(Integer)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    # The HARD findings of the validation as of the appraisal (migration 0016), as
    # db/workflow.py writes them: [{"rule", "entry_id", "values"}].
    appraisal_findings: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, default=list, server_default=text("'[]'")
    )
    # The rejected plan this one was started from (createPlan fromPlan), if any.
    from_plan_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("plan.id"))

    __table_args__ = (
        CheckConstraint("kind IN ('NEXT_TERM', 'ANNUAL_REVIEW', 'CONSOLIDATION')", name="kind"),
        CheckConstraint("extended_by > 0", name="extended_by"),
        # One next-term plan per planning unit, cycle and approving body that is still alive; a
        # consolidation takes the place of the next-term plan (migration 0020).
        Index(
            "ux_plan_next_term",
            "planning_unit_id",
            "cycle_id",
            "managed_by",
            unique=True,
            postgresql_where=text(
                "kind IN ('NEXT_TERM', 'CONSOLIDATION')"
                " AND status NOT IN ('SUPERSEDED', 'WITHDRAWN', 'REJECTED')"
            ),
        ),
        Index("ix_plan_approving_unit_id_status", "approving_unit_id", "status"),
        Index("ix_plan_planning_unit_id_cycle_id", "planning_unit_id", "cycle_id"),
    )


class PlanEntry(Base):
    """One person planned for one position in a plan (one lượt)."""

    __tablename__ = "plan_entry"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    plan_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("plan.id"))
    person_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("person.id"), index=True)
    position_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("position.id"))
    tier: Mapped[CandidateTier] = mapped_column(StrEnumText(CandidateTier))
    source: Mapped[EntrySource] = mapped_column(StrEnumText(EntrySource))
    status: Mapped[EntryStatus] = mapped_column(
        SqlEnum(EntryStatus, name="entry_status", values_callable=lambda e: [m.value for m in e]),
        server_default=text("'PROPOSED'"),
    )
    change: Mapped[EntryChange] = mapped_column(
        StrEnumText(EntryChange), default=EntryChange.ADD, server_default=text("'ADD'")
    )
    ballots: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, default=list, server_default=text("'[]'")
    )
    result_reason: Mapped[str | None] = mapped_column(Text)
    removal_reason: Mapped[str | None] = mapped_column(Text)
    # A consolidation's entry: the predecessor unit, plan and entry it comes from (0020).
    origin_unit_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("unit.id"))
    origin_plan_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("plan.id"))
    origin_entry_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("plan_entry.id"))

    __table_args__ = (
        CheckConstraint("tier IN ('T1', 'T2')", name="tier"),
        CheckConstraint("source IN ('LOCAL', 'EXTERNAL')", name="source"),
        CheckConstraint("change IN ('ADD', 'KEEP', 'REMOVE')", name="change"),
        CheckConstraint(
            "(origin_unit_id IS NULL) = (origin_plan_id IS NULL)"
            " AND (origin_plan_id IS NULL) = (origin_entry_id IS NULL)",
            name="origin_whole",
        ),
        UniqueConstraint(
            "plan_id", "person_id", "position_id", name="uq_plan_entry_person_position"
        ),
        Index(
            "ix_plan_entry_origin_entry_id",
            "origin_entry_id",
            postgresql_where=text("origin_entry_id IS NOT NULL"),
        ),
    )


class ConsolidationLeftover(Base):
    """An approved entry of a consolidation's origin plans whose title has no successor (a
    district title): listed on the consolidation for its approving tier to re-plan or remove,
    not copied (migration 0020)."""

    __tablename__ = "consolidation_leftover"

    plan_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("plan.id"), primary_key=True)
    origin_entry_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("plan_entry.id"), primary_key=True
    )


class ConsolidationKeep(Base):
    """Which successor keeps a person of a predecessor for a cycle: written when its
    consolidation is approved; the primary key makes a second successor's approval of the same
    person wait for the first and then find it (PERSON_TAKEN, migration 0020)."""

    __tablename__ = "consolidation_keep"

    origin_unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("unit.id"), primary_key=True)
    cycle_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("cycle.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("person.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("unit.id"))
    plan_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("plan.id"), index=True)
    kept_at: Mapped[datetime] = mapped_column(Timestamp)


class PlanEvent(Base):
    """A plan's history: every transition and edit (append-only)."""

    __tablename__ = "plan_event"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    plan_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("plan.id"))
    at: Mapped[datetime] = mapped_column(Timestamp)
    actor_user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_user.id"))
    action: Mapped[str] = mapped_column(Text)
    from_status: Mapped[PlanStatus | None] = mapped_column(
        SqlEnum(PlanStatus, name="plan_status", values_callable=lambda e: [m.value for m in e])
    )
    to_status: Mapped[PlanStatus | None] = mapped_column(
        SqlEnum(PlanStatus, name="plan_status", values_callable=lambda e: [m.value for m in e])
    )
    reason: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # The committing transaction, by which the change feed orders (migration 0007). A column
    # of the table but not of the object: the feed reads it as a number (db/plans.py).
    txid: Unmapped[int] = unmapped_column(Xid8, server_default=text("pg_current_xact_id()"))

    # Appending is all that happens to it: a trigger refuses UPDATE and DELETE (migration 0003).
    __table_args__ = (
        Index("ix_plan_event_plan_id", "plan_id", "id"),
        Index("ix_plan_event_txid_id", "txid", "id"),
    )


class PositionOverride(Base):
    """A province's own number of seats (and rank) for a title (DOMAIN.md §3.2, Q6)."""

    __tablename__ = "position_override"

    position_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("position.id"), primary_key=True
    )
    province_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("unit.id"), primary_key=True)
    seats: Mapped[int] = mapped_column(Integer)
    rank: Mapped[int | None] = mapped_column(Integer)
    set_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_user.id"))
    set_at: Mapped[datetime] = mapped_column(Timestamp)
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (CheckConstraint("seats > 0", name="seats_positive"),)


class TargetOverride(Base):
    """A province's own value for a target of a rule set (e.g. women ≥ 30% in its plans)."""

    __tablename__ = "target_override"

    province_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("unit.id"), primary_key=True)
    rule_set: Mapped[str] = mapped_column(Text, primary_key=True)
    indicator: Mapped[str] = mapped_column(Text, primary_key=True)
    at_least: Mapped[Decimal] = mapped_column(Numeric)
    young_under: Mapped[int | None] = mapped_column(Integer)
    set_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_user.id"))
    set_at: Mapped[datetime] = mapped_column(Timestamp)

    __table_args__ = (CheckConstraint("at_least >= 0", name="at_least"),)


class PersonAssignment(Base):
    """A person of a split predecessor waiting for a unit after a reorganisation (migration
    0019): held by the successors' common ancestor until an administrator assigns one."""

    __tablename__ = "person_assignment"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    person_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("person.id"))
    from_unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("unit.id"))
    effective: Mapped[date] = mapped_column(Date)
    held_by_unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("unit.id"), index=True)
    assigned_unit_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("unit.id"))
    assigned_at: Mapped[datetime | None] = mapped_column(Timestamp)
    assigned_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_user.id"))
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("person_id", "from_unit_id", "effective"),
        CheckConstraint(
            "(assigned_unit_id IS NULL) = (assigned_at IS NULL)", name="assigned_together"
        ),
        Index(
            "ux_person_assignment_waiting",
            "person_id",
            unique=True,
            postgresql_where=text("assigned_unit_id IS NULL"),
        ),
    )
