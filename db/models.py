"""Typed table models. Relationships are never lazy-loaded: loaders batch them explicitly."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, CheckConstraint, Date, Enum as SqlEnum, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, LTree
from planning.units import UnitKind


class Unit(Base):
    """An administrative or party unit (đơn vị) during the period it was valid."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
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
        Index("ix_unit_parent_id_code", "parent_id", "code"),
        Index("ix_unit_kind_code", "kind", "code"),
    )
