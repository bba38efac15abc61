"""Typed table models. Relationships are never lazy-loaded: loaders batch them explicitly."""

from __future__ import annotations

import uuid
from datetime import date, datetime
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
    LargeBinary,
    Text,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import CITEXT, JSONB, ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, LTree
from planning.access import Role
from planning.units import UnitKind

Timestamp = DateTime(timezone=True)


class Unit(Base):
    """An administrative or party unit (đơn vị) during the period it was valid."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    kind: Mapped[UnitKind] = mapped_column(
        SqlEnum(UnitKind, name="unit_kind", values_callable=lambda e: [m.value for m in e])
    )
    code: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("unit.id"))
    # Materialised path of ids from the root ("1.12.345"); subtree filters use its GiST index.
    path: Mapped[str] = mapped_column(LTree, unique=True)
    valid_from: Mapped[date | None] = mapped_column(Date)  # None: since before records began
    valid_to: Mapped[date | None] = mapped_column(Date)  # None: still valid; inclusive otherwise

    __table_args__ = (
        CheckConstraint("valid_from <= valid_to", name="validity_ordered"),
        CheckConstraint("(kind = 'CENTRAL') = (parent_id IS NULL)", name="one_root_kind"),
        # A GSO code names one unit at any date; codes are reused after reorganisations.
        ExcludeConstraint(
            ("code", "="),
            (text("daterange(valid_from, valid_to, '[]')"), "&&"),
            name="ex_unit_code_validity",
            using="gist",
        ),
        Index("ix_unit_path_gist", "path", postgresql_using="gist"),
        Index("ix_unit_parent_id_code", "parent_id", "code"),
        Index("ix_unit_kind_code", "kind", "code"),
        Index(
            "ux_unit_single_root",
            text("(true)"),
            unique=True,
            postgresql_where=text("parent_id IS NULL"),
        ),
        Index(
            "ix_unit_name_search",
            text("to_tsvector('simple', immutable_unaccent(name))"),
            postgresql_using="gin",
        ),
    )


class UnitLineage(Base):
    """A unit continued by another from ``effective`` (kế thừa, DOMAIN.md A.11): one row per
    predecessor and successor; a split predecessor has several."""

    __tablename__ = "unit_lineage"

    predecessor_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("unit.id"), primary_key=True)
    successor_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("unit.id"), primary_key=True)
    effective: Mapped[date] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint("predecessor_id <> successor_id", name="not_itself"),
        Index("ix_unit_lineage_successor_id", "successor_id"),
    )


class UnitInherited(Base):
    """A predecessor subtree a unit reads through lineage: derived from ``unit_lineage`` by
    ``db.lineage.refresh_inherited`` (migration 0018), read by scope and the rollups."""

    __tablename__ = "unit_inherited"

    unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("unit.id"), primary_key=True)
    root_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("unit.id"), primary_key=True)
    root_path: Mapped[str] = mapped_column(LTree)

    __table_args__ = (
        Index("ix_unit_inherited_root_path_gist", "root_path", postgresql_using="gist"),
    )


class AppUser(Base):
    """An official's login (tài khoản), attached to the unit they work in."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    username: Mapped[str] = mapped_column(CITEXT, unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    full_name: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("unit.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    password_changed_at: Mapped[datetime] = mapped_column(Timestamp)

    __table_args__ = (
        CheckConstraint("username ~ '^[A-Za-z0-9._-]{3,64}$'", name="username_shape"),
    )


class LoginThrottle(Base):
    """Failed logins per username typed, known or not, from every address, over a window
    (migrations 0002, 0022): past a ceiling the account is slowed, never locked."""

    __tablename__ = "login_throttle"

    username: Mapped[str] = mapped_column(CITEXT, primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    slowed_until: Mapped[datetime | None] = mapped_column(Timestamp)
    window_started_at: Mapped[datetime | None] = mapped_column(Timestamp)


class LoginSource(Base):
    """Failed logins per (username typed, client address): the exponential back-off of one
    address on one account, and whether the address logged in to it lately (migration 0022)."""

    __tablename__ = "login_source"

    username: Mapped[str] = mapped_column(CITEXT, primary_key=True)
    address: Mapped[str] = mapped_column(Text, primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_failure_at: Mapped[datetime | None] = mapped_column(Timestamp)
    last_success_at: Mapped[datetime | None] = mapped_column(Timestamp)


class RoleGrant(Base):
    """A role held on a unit; revoked, never deleted."""

    __tablename__ = "role_grant"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("app_user.id"))
    role: Mapped[Role] = mapped_column(
        SqlEnum(Role, name="role", values_callable=lambda e: [m.value for m in e])
    )
    unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("unit.id"))
    granted_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_user.id"))
    granted_at: Mapped[datetime] = mapped_column(Timestamp)
    reason: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)
    revoked_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_user.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        # One live grant of a role per user and unit: granting twice is a no-op.
        Index(
            "ux_role_grant_live",
            "user_id",
            "role",
            "unit_id",
            unique=True,
            postgresql_where=text("revoked_at IS NULL"),
        ),
        Index("ix_role_grant_unit_id", "unit_id"),
    )


class RefreshToken(Base):
    """One refresh token of a login session; a session's tokens share a ``family``."""

    __tablename__ = "refresh_token"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    family: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("app_user.id"))
    token_hash: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    issued_at: Mapped[datetime] = mapped_column(Timestamp)
    expires_at: Mapped[datetime] = mapped_column(Timestamp)
    used_at: Mapped[datetime | None] = mapped_column(Timestamp)
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)

    # The live sessions of a user are read with its principal (db.access.live_sessions).
    __table_args__ = (
        Index("ix_refresh_token_live", "user_id", postgresql_where=text("revoked_at IS NULL")),
    )


class ApiKey(Base):
    """An integrator's key: acts as the INTEGRATOR role on its unit. Only a hash is stored."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("unit.id"))
    secret_hash: Mapped[bytes] = mapped_column(LargeBinary)
    created_by: Mapped[int] = mapped_column(BigInteger, ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    expires_at: Mapped[datetime | None] = mapped_column(Timestamp)
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)
    revoked_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_user.id"))


class AuditEvent(Base):
    """Who changed what, when and why (append-only: a trigger refuses UPDATE and DELETE)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    at: Mapped[datetime] = mapped_column(Timestamp)
    actor_user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_user.id"))
    action: Mapped[str] = mapped_column(Text)
    subject_type: Mapped[str] = mapped_column(Text)
    subject_id: Mapped[int] = mapped_column(BigInteger)
    unit_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("unit.id"))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_audit_event_subject", "subject_type", "subject_id"),)
