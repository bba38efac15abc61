"""Typed models of cadre records and plans (migration 0003)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Enum as SqlEnum,
    ForeignKey,
    Integer,
    Numeric,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from planning.lifecycle import EntryStatus, PlanStatus
from planning.units import UnitKind

Timestamp = DateTime(timezone=True)
UnitKindColumn = SqlEnum(
    UnitKind, name="unit_kind", values_callable=lambda e: [m.value for m in e], create_type=False
)


class Cycle(Base):
    """A planning cycle: a party term and its state term (nhiệm kỳ 2025–2030 / 2026–2031)."""

    __tablename__ = "cycle"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    code: Mapped[str] = mapped_column(Text)
    party_term_start: Mapped[int] = mapped_column(Integer)
    party_term_end: Mapped[int] = mapped_column(Integer)
    state_term_start: Mapped[int] = mapped_column(Integer)
    state_term_end: Mapped[int] = mapped_column(Integer)
    reference_months: Mapped[dict[str, str]] = mapped_column(JSONB)


class Position(Base):
    """A title planned at a kind of unit (chức danh), and who manages it."""

    __tablename__ = "position"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    unit_kind: Mapped[UnitKind] = mapped_column(UnitKindColumn)
    code: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    rank: Mapped[int | None] = mapped_column(Integer)
    seats: Mapped[int] = mapped_column(Integer)
    committee_seat: Mapped[bool] = mapped_column(Boolean, default=False)
    managed_by: Mapped[UnitKind] = mapped_column(UnitKindColumn)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    political_theory_required: Mapped[str | None] = mapped_column(Text)


class Holiday(Base):
    __tablename__ = "holiday"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(Text)


class Person(Base):
    """A cadre's record (hồ sơ cán bộ): one per national id, whoever proposes them."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    national_id: Mapped[str] = mapped_column(Text)
    full_name: Mapped[str] = mapped_column(Text)
    sex: Mapped[str] = mapped_column(Text)
    birth_year: Mapped[int] = mapped_column(Integer)
    birth_month: Mapped[int | None] = mapped_column(Integer)
    birth_day: Mapped[int | None] = mapped_column(Integer)
    ethnicity: Mapped[str | None] = mapped_column(Text)
    hometown_unit_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("unit.id"))
    unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("unit.id"))
    education: Mapped[str | None] = mapped_column(Text)
    political_theory: Mapped[str | None] = mapped_column(Text)
    civil_service_grade: Mapped[str | None] = mapped_column(Text)
    party_admission_date: Mapped[date | None] = mapped_column(Date)
    current_position: Mapped[str | None] = mapped_column(Text)
    current_rank: Mapped[int | None] = mapped_column(Integer)
    retirement_override_months: Mapped[int | None] = mapped_column(Integer)
    political_standard_ok: Mapped[bool | None] = mapped_column(Boolean)
    proposed_for_appointment: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Discipline(Base):
    __tablename__ = "discipline"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("person.id"))
    form: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)


class Plan(Base):
    """A plan (danh sách quy hoạch) of one planning unit, cycle and approving body."""

    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    planning_unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("unit.id"))
    approving_unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("unit.id"))
    cycle_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("cycle.id"))
    kind: Mapped[str] = mapped_column(Text)
    managed_by: Mapped[UnitKind] = mapped_column(UnitKindColumn)
    rule_set: Mapped[str] = mapped_column(Text)
    status: Mapped[PlanStatus] = mapped_column(
        SqlEnum(PlanStatus, name="plan_status", values_callable=lambda e: [m.value for m in e])
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    base_plan_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("plan.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    submitted_at: Mapped[datetime | None] = mapped_column(Timestamp)
    received_at: Mapped[datetime | None] = mapped_column(Timestamp)
    due_on: Mapped[date | None] = mapped_column(Date)
    decided_at: Mapped[datetime | None] = mapped_column(Timestamp)
    decision_number: Mapped[str | None] = mapped_column(Text)
    decision_date: Mapped[date | None] = mapped_column(Date)
    appraisal_report: Mapped[str | None] = mapped_column(Text)


class PlanEntry(Base):
    """One person planned for one position in a plan (one lượt)."""

    __tablename__ = "plan_entry"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    plan_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("plan.id"))
    person_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("person.id"))
    position_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("position.id"))
    tier: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    status: Mapped[EntryStatus] = mapped_column(
        SqlEnum(EntryStatus, name="entry_status", values_callable=lambda e: [m.value for m in e])
    )
    change: Mapped[str] = mapped_column(Text, default="ADD")
    ballots: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    result_reason: Mapped[str | None] = mapped_column(Text)
    removal_reason: Mapped[str | None] = mapped_column(Text)


class PlanEvent(Base):
    """A plan's history: every transition and edit (append-only)."""

    __tablename__ = "plan_event"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
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
