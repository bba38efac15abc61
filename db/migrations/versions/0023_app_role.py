"""The database is the second wall (issue 13, problem 10): the application's own role.

``quyhoach serve`` connects as ``quyhoach_app``: a login role that is not a superuser, does not
bypass row-level security and owns nothing. Migrations and the operator commands (migrate, demo,
import-units, reorganize, create-user) keep running as the owner of the tables.

- The role is created here when it is missing and the migrating role may create roles (the
  embedded server's ``postgres`` may); elsewhere the operator creates it first
  (docs/operators.md, "Database roles and row-level security") and this migration says so.
- The application may read and write the tables it maintains, but only INSERT and SELECT the
  append-only ones (the history it keeps): ``audit_event``, ``plan_event``,
  ``person_unit_history``, ``inheritance_ended``. Two tables are append-only but for one column
  the application fills in later, granted alone: ``entry_fact_history.counted_to`` (a fact's
  history closes when its plan is reopened or superseded, db/rollups.py) and
  ``idempotency_key.response`` (a key is claimed with an empty answer, then the answer is
  recorded in the same transaction, db/idempotency.py). Idempotency keys never expire, and
  nothing of the application deletes one, so DELETE is not granted.
- The rollups are derived tables the application recomputes in a reorganisation (``rebuild``
  truncates and analyses them): TRUNCATE on those, and MAINTAIN (PostgreSQL 17+) so that its
  ANALYZE of freshly loaded facts is not skipped.
- ``alembic_version``: read only (``/readyz`` compares it with the code's head).

Row-level security on ``person``, ``plan``, ``plan_entry``, ``app_user`` and ``role_grant``:
the application's statements see (and write) only rows of the units under the scope paths its
request set for the transaction (``quyhoach.paths``, db/rls.py). Each setting is read inside a
sub-select, ``(SELECT current_setting(...))``, which PostgreSQL evaluates once per statement
(an InitPlan), not once per row.

- A person is in scope by the unit of its record, or as a candidate of a plan in scope (an
  external candidate's record shows on the plan that names it).
- A plan is in scope by its planning unit or by the unit it is addressed to (approving).
- An entry is in scope with its plan.
- A login is in scope by its unit, and one's own always; a grant by its unit, or with the login.

A few reads inside a request legitimately cross the scope (db/rls.py names them: who holds a
national id, a person's places in every plan, the login being authenticated). Such a read sets
``quyhoach.beyond`` to its reason for that one call; each table accepts, for SELECT only, the
reasons that concern it. A transfer (điều động) takes a record in from outside: its reason also
admits the UPDATE, whose new row must then be in scope.

Later migrations that create a table grant it explicitly (tests/db/test_rls.py fails for a
table the application cannot use, or an append-only table it could rewrite).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

APP_ROLE = "quyhoach_app"
APPEND_ONLY = ("audit_event", "plan_event", "person_unit_history", "inheritance_ended")
# Append-only but for the one column the application fills in after the insert.
APPEND_THEN_FILL = {"entry_fact_history": "counted_to", "idempotency_key": "response"}
REBUILT = (
    "rollup_member",
    "rollup_entry",
    "rollup_entry_total",
    "rollup_person",
    "rollup_person_total",
    "rollup_title",
)
ANALYSED = ("entry_fact", "unit_inherited")

# Evaluated once per statement (InitPlans), as the issue asks: never per row.
PATHS = "(SELECT coalesce(nullif(current_setting('quyhoach.paths', true), ''), '{}')::ltree[])"
BEYOND = "(SELECT current_setting('quyhoach.beyond', true))"
ME = "(SELECT nullif(current_setting('quyhoach.user', true), '')::bigint)"


def in_scope(unit_id: str) -> str:
    """The unit ``unit_id`` names lies under one of the scope paths. Correlated, so that the
    planner picks per statement: one primary-key probe per row for a page, or one hashed pass
    over the units in scope for a scan (measured: bench/README.md, persons and plans)."""
    return f"EXISTS (SELECT FROM unit u WHERE u.id = {unit_id} AND u.path <@ ANY {PATHS})"


# table: (the rows in scope, the reasons that may read beyond it)
POLICIES = {
    "person": (
        f"{in_scope('person.unit_id')}"
        " OR EXISTS (SELECT FROM plan_entry e WHERE e.person_id = person.id)",
        ("identity", "placements", "transfer"),
    ),
    "plan": (
        f"{in_scope('plan.planning_unit_id')} OR {in_scope('plan.approving_unit_id')}",
        ("placements",),
    ),
    # The plan's own policy applies inside the sub-select (and its reasons with it).
    "plan_entry": (
        "EXISTS (SELECT FROM plan p WHERE p.id = plan_entry.plan_id)",
        ("placements",),
    ),
    "app_user": (
        f"{in_scope('app_user.unit_id')} OR id = {ME}",
        ("authentication", "identity", "actors"),
    ),
    "role_grant": (f"{in_scope('role_grant.unit_id')} OR user_id = {ME}", ("authentication",)),
}


def upgrade() -> None:
    op.execute(
        f"""
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                IF NOT (SELECT rolsuper OR rolcreaterole FROM pg_roles
                        WHERE rolname = current_user) THEN
                    RAISE EXCEPTION 'the role {APP_ROLE} does not exist and % may not create it',
                        current_user
                        USING HINT = 'CREATE ROLE {APP_ROLE} LOGIN PASSWORD ''…'' as an '
                            'administrator first (docs/operators.md)';
                END IF;
                CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
            END IF;
        END
        $$
        """
    )
    op.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
    op.execute(f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {APP_ROLE}")
    for table in (*APPEND_ONLY, *APPEND_THEN_FILL):
        op.execute(f"REVOKE UPDATE, DELETE ON {table} FROM {APP_ROLE}")
    for table, column in APPEND_THEN_FILL.items():
        op.execute(f"GRANT UPDATE ({column}) ON {table} TO {APP_ROLE}")
    op.execute(f"GRANT TRUNCATE ON {', '.join(REBUILT)} TO {APP_ROLE}")
    op.execute(
        f"""
        DO $$
        BEGIN
            IF current_setting('server_version_num')::int >= 170000 THEN
                EXECUTE 'GRANT MAINTAIN ON {", ".join(ANALYSED)} TO {APP_ROLE}';
            END IF;
        END
        $$
        """
    )
    for table, (in_scope, reasons) in POLICIES.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY {table}_in_scope ON {table} TO {APP_ROLE}"
            f" USING ({in_scope}) WITH CHECK ({in_scope})"
        )
        listed = ", ".join(f"'{reason}'" for reason in reasons)
        op.execute(
            f"CREATE POLICY {table}_read_beyond ON {table} FOR SELECT TO {APP_ROLE}"
            f" USING ({BEYOND} IN ({listed}))"
        )
    # A transfer locks and moves a record from outside; where it lands is checked as any write.
    op.execute(
        f"CREATE POLICY person_transfer ON person FOR UPDATE TO {APP_ROLE}"
        f" USING ({BEYOND} = 'transfer') WITH CHECK ({POLICIES['person'][0]})"
    )


def downgrade() -> None:
    op.execute("DROP POLICY IF EXISTS person_transfer ON person")
    for table in POLICIES:
        op.execute(f"DROP POLICY IF EXISTS {table}_read_beyond ON {table}")
        op.execute(f"DROP POLICY IF EXISTS {table}_in_scope ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    # The role is cluster-wide and may serve other databases: only its rights here go.
    op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {APP_ROLE}")
    op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {APP_ROLE}")
    op.execute(f"REVOKE USAGE ON SCHEMA public FROM {APP_ROLE}")
