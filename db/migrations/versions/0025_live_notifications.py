"""Live updates (issue 15): every committed plan event, and every revoked API key, notified.

Subscriptions (schema/live/) wake on PostgreSQL's own notifications, which are delivered to
every listening process when, and only when, the transaction that sent them commits. A plan
event sends ``NOTIFY quyhoach_plans`` with ids only: the plan, the committing transaction and
the id paths of the plan's planning and approving units, which is what each process needs to
know which of its subscribers to wake; what a subscriber then receives it reads itself, in its
own scope. The identical notifications of one transaction (a plan's many entries) are folded
into one by PostgreSQL.

Revoking an API key ends the live connections authenticated with it: ``quyhoach_access`` carries
``key:<id>`` (user and grant changes already send the user's id, migrations 0002 and 0022).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

UPGRADE = [
    # SECURITY DEFINER: the writer's row-level security may hide the approving unit's row of
    # another subtree; the paths are only for routing, never shown to anyone.
    """
    CREATE FUNCTION notify_plan_event() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
    BEGIN
        PERFORM pg_notify('quyhoach_plans', json_build_array(
            p.id, NEW.txid::text, planning.path::text, approving.path::text)::text)
        FROM plan p
        JOIN unit planning ON planning.id = p.planning_unit_id
        LEFT JOIN unit approving ON approving.id = p.approving_unit_id
        WHERE p.id = NEW.plan_id;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER plan_event_notified AFTER INSERT ON plan_event
    FOR EACH ROW EXECUTE FUNCTION notify_plan_event()
    """,
    """
    CREATE FUNCTION notify_api_key_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('quyhoach_access', 'key:' || NEW.id::text);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER api_key_revoked AFTER UPDATE OF revoked_at ON api_key
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION notify_api_key_revoked()
    """,
]

DOWNGRADE = [
    "DROP TRIGGER api_key_revoked ON api_key",
    "DROP FUNCTION notify_api_key_revoked()",
    "DROP TRIGGER plan_event_notified ON plan_event",
    "DROP FUNCTION notify_plan_event()",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
