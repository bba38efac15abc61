"""The tables declared in db/ are the tables the migrations make.

Production runs the migrations; the code reads and writes through the declarations. Two
comparisons hold them together, on the migrated test database:

- Alembic's ``compare_metadata``: tables, columns, types, nullability, server defaults, foreign
  keys, unique constraints and the columns (or expressions) of indexes;
- PostgreSQL's own account of what it cannot see: the declarations are created in a scratch
  schema (rolled back) and every constraint and index definition, the column order and the
  enum labels are compared as ``pg_get_constraintdef`` / ``pg_get_indexdef`` print them. That
  covers check and exclusion constraints, primary keys, partial-index predicates and index
  methods (GiST, GIN), none of which Alembic compares.

Not compared, because nothing declares them in SQLAlchemy: the triggers and their functions
(append-only audit and plan events, access notifications), ``immutable_unaccent``, and the
national root row migration 0001 inserts.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

import db
from db.base import Base, LTree, Xid8
from db.fact_tables import entry_fact, entry_fact_history
from planning.facts import FACT_FIELDS

# Every module of db/, so that a model declared anywhere in the package is compared.
for _module in pkgutil.iter_modules(db.__path__, "db."):
    importlib.import_module(_module.name)

# PostgreSQL types SQLAlchemy cannot reflect by itself (they come from extensions or are new).
_REFLECTED_TYPES = {"ltree": LTree, "xid8": Xid8}


def _shown(value: Any) -> str:
    """A server default by its SQL, anything else as Python shows it."""
    arg = getattr(value, "arg", None)
    return repr(getattr(arg, "text", arg) if arg is not None else value)


def _describe(diff: Any) -> str:
    """One line per difference: ``add_*`` is declared but not migrated, ``remove_*`` the reverse."""
    if isinstance(diff, list):  # the changes of one column come grouped
        return "; ".join(_describe(d) for d in diff)
    kind = diff[0]
    if kind.startswith("modify_"):
        _, _, table, column, _, migrated, declared = diff
        return (
            f"{table}.{column}: {kind[7:]} {_shown(migrated)} migrated, {_shown(declared)} declared"
        )
    item = diff[-1] if kind.endswith("_column") else diff[1]
    table = getattr(item, "table", None)
    where = f"{table.name}." if table is not None else (f"{diff[2]}." if len(diff) > 2 else "")
    return f"{kind} {where}{getattr(item, 'name', item)}"


def _alembic_differences(connection: Connection) -> list[str]:
    dialect: Any = connection.dialect
    dialect.ischema_names = {**type(dialect).ischema_names, **_REFLECTED_TYPES}
    try:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return [_describe(diff) for diff in compare_metadata(context, Base.metadata)]
    finally:
        del dialect.ischema_names


async def test_alembic_finds_no_difference_between_models_and_migrations(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as connection:
        differences = await connection.run_sync(_alembic_differences)

    assert differences == [], "\n".join(differences)


DECLARED = "declared_by_models"

# What PostgreSQL says of the tables of a schema, each row a fact that must hold on both sides.
# Not-null constraints (PostgreSQL 18 lists them, named after their table) are Alembic's part.
_CATALOG = {
    "column": """
        SELECT c.relname, row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum), a.attname,
               format_type(a.atttypid, a.atttypmod), a.attidentity::text,
               pg_get_expr(d.adbin, d.adrelid)
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid AND c.relkind = 'r'
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relnamespace = CAST(:schema AS regnamespace) AND a.attnum > 0
          AND NOT a.attisdropped AND c.relname <> 'alembic_version'
    """,
    "constraint": """
        SELECT c.relname, k.conname, pg_get_constraintdef(k.oid)
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        WHERE k.connamespace = CAST(:schema AS regnamespace) AND k.contype <> 'n'
          AND c.relname <> 'alembic_version'
    """,
    "index": """
        SELECT tablename, indexname, indexdef FROM pg_indexes
        WHERE schemaname = :schema AND tablename <> 'alembic_version'
    """,
    "enum": """
        SELECT t.typname, string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder)
        FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
        WHERE t.typnamespace = CAST(:schema AS regnamespace)
        GROUP BY t.typname
    """,
}


def _catalog(connection: Connection, schema: str) -> set[str]:
    found = set()
    for kind, query in _CATALOG.items():
        for row in connection.execute(text(query), {"schema": schema}):
            line = " | ".join(str(value) for value in row)
            # Names come qualified by the schema they live in: that is the one wanted difference.
            found.add(f"{kind} {line.replace(f'{schema}.', '')}")
    return found


def _catalog_differences(connection: Connection) -> list[str]:
    scratch = connection.begin()  # rolled back: the declared tables leave nothing behind
    try:
        migrated = _catalog(connection, "public")
        connection.execute(text(f"CREATE SCHEMA {DECLARED}"))
        # First on the path, the scratch schema receives the declared tables and enum types;
        # extension types and functions (ltree, citext, immutable_unaccent) are found in
        # public, as the migrated tables find them.
        connection.execute(text(f"SET LOCAL search_path = {DECLARED}, public"))
        Base.metadata.create_all(connection, checkfirst=False)
        declared = _catalog(connection, DECLARED)
    finally:
        scratch.rollback()
    return [
        *(f"only migrated: {fact}" for fact in sorted(migrated - declared)),
        *(f"only declared: {fact}" for fact in sorted(declared - migrated)),
    ]


async def test_postgresql_defines_the_declared_tables_as_the_migrated_ones(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as connection:
        differences = await connection.run_sync(_catalog_differences)

    assert differences == [], "\n".join(differences)


def test_a_fact_row_holds_the_fields_of_a_fact_and_its_unit_path() -> None:
    fact_columns = [c.name for c in entry_fact.columns]

    # In the order of the fields: facts are inserted by position (bench/seed.py).
    assert [c for c in fact_columns if c != "unit_path"] == list(FACT_FIELDS)
    assert "unit_path" in fact_columns
    # The history was created LIKE entry_fact and is copied from it by name: the attribute
    # added since (0014, S&T) stands last in both.
    assert [c.name for c in entry_fact_history.columns] == [
        *fact_columns[:-1],
        "counted_from",
        "counted_to",
        "id",
        "sci_tech",
    ]
