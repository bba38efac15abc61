"""The declarative base and the column types shared by the models."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import MetaData, String, Text, func, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator, UserDefinedType

# Constraint names are derived, so that migrations and error handling can name them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class LTree(UserDefinedType[str]):
    """PostgreSQL ``ltree``, exchanged as text: asyncpg has no codec for it."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "LTREE"

    def bind_expression(self, bindvalue: Any) -> ColumnElement[str]:
        return func.text2ltree(type_coerce(bindvalue, String))

    def column_expression(self, colexpr: Any) -> ColumnElement[str]:
        return func.ltree2text(colexpr, type_=String)


class Xid8(UserDefinedType[int]):
    """PostgreSQL ``xid8``, a 64-bit transaction id: asyncpg has no codec for it either, so
    whoever reads one casts it (``txid::text::bigint``)."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "XID8"


E = TypeVar("E", bound=StrEnum)


class StrEnumText(TypeDecorator[E]):
    """A TEXT column of ``enum``'s values (its check constraint lists them): reads give the
    member, binds take the member or its value and refuse anything else before the database
    does. Plain TEXT in the database, so that adding a value needs no ALTER TYPE."""

    impl = Text
    cache_ok = True

    def __init__(self, enum: type[E]) -> None:
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> E | None:
        return None if value is None else self.enum(value)


def child_under(path: str, ancestor_path: str, own_id: str) -> str:
    """SQL for the child of the ancestor at ``ancestor_path`` that the row at ``path`` lies
    under: its id is the path's label right below the ancestor's; the row's ``own_id`` when
    it is the ancestor itself (its own plans, its own facts). Arguments are SQL expressions."""
    return (
        f"CASE WHEN nlevel({path}) > nlevel({ancestor_path}) "
        f"THEN ltree2text(subpath({path}, nlevel({ancestor_path}), 1))::bigint "
        f"ELSE {own_id} END"
    )
