"""Political theory is a level, not free text (E8 compares levels; planning/theory.py).

``person.political_theory`` and ``position.political_theory_required`` hold the codes of
``PoliticalTheory`` (SO_CAP, TRUNG_CAP, CAO_CAP, CU_NHAN), each column checked. Existing text is
read case- and diacritic-insensitively, as planning.theory.theory_level reads it (``trung cấp``,
``Trung cap`` and ``Trung cấp`` are TRUNG_CAP). A text that names no level becomes NULL — the
rules then treat it as not recorded, and E8 says so — and its old words are kept in an
audit_event per row (action ``normalise_political_theory``), since nothing is deleted (A.9).

Revision ID: 0015
Revises: 0012 (the lead re-chains)
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_LEVELS = ("SO_CAP", "TRUNG_CAP", "CAO_CAP", "CU_NHAN")
_COLUMNS = (("person", "political_theory"), ("position", "political_theory_required"))


def _level_of(column: str) -> str:
    """SQL naming the level ``column`` reads as, or NULL (the folding of theory_level)."""
    folded = (
        f"regexp_replace(lower(immutable_unaccent(btrim({column}))), '[[:space:]_]+', ' ', 'g')"
    )
    cases = " ".join(f"WHEN '{code.lower().replace('_', ' ')}' THEN '{code}'" for code in _LEVELS)
    return f"CASE {folded} {cases} ELSE NULL END"


def upgrade() -> None:
    for table, column in _COLUMNS:
        op.execute(
            f"""
            INSERT INTO audit_event
                (at, action, subject_type, subject_id, unit_id, before, after, reason)
            SELECT now(), 'normalise_political_theory', '{table}', id,
                   {"unit_id" if table == "person" else "NULL"},
                   jsonb_build_object('{column}', {column}),
                   jsonb_build_object('{column}', NULL),
                   'migration 0015: the text names no political theory level'
            FROM {table}
            WHERE {column} IS NOT NULL AND ({_level_of(column)}) IS NULL
            """
        )
        op.execute(f"UPDATE {table} SET {column} = {_level_of(column)} WHERE {column} IS NOT NULL")
        levels = ", ".join(f"'{code}'" for code in _LEVELS)
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT ck_{table}_{column} CHECK ({column} IN ({levels}))"
        )


def downgrade() -> None:
    for table, column in _COLUMNS:
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT ck_{table}_{column}")
