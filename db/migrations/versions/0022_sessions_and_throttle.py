"""Sessions that end at once, and a login throttle nobody can turn against others (issue 13).

- Ending a login session (logout, a reused refresh token, deactivation, a password reset)
  revokes its refresh tokens; the trigger below tells every process on commit, through the
  channel that already carries access changes, so each drops the user's cached live sessions
  and the access tokens of the ended session are refused within the notification's delay.
  ``ix_refresh_token_live`` serves the read of a user's live sessions.
- ``login_throttle`` no longer locks: past a ceiling of failures in a window, it spaces the
  attempts on the account (``slowed_until``). ``login_source`` holds the back-off of each
  (username typed, client address), and when that address last logged in.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

UPGRADE = [
    """
    CREATE FUNCTION notify_session_ended() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('quyhoach_access', NEW.user_id::text);
        RETURN NULL;
    END
    $$
    """,
    # Revoking a whole family updates many rows: PostgreSQL folds identical notifications of
    # one transaction into one.
    """
    CREATE TRIGGER refresh_token_revoked AFTER UPDATE OF revoked_at ON refresh_token
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION notify_session_ended()
    """,
    "CREATE INDEX ix_refresh_token_live ON refresh_token (user_id) WHERE revoked_at IS NULL",
    "ALTER TABLE login_throttle RENAME COLUMN locked_until TO slowed_until",
    "ALTER TABLE login_throttle ADD COLUMN window_started_at timestamptz",
    # Counts before this revision were of the old lockout: start over.
    "UPDATE login_throttle SET failures = 0, slowed_until = NULL",
    """
    CREATE TABLE login_source (
        username citext NOT NULL,
        address text NOT NULL,
        failures integer NOT NULL DEFAULT 0,
        last_failure_at timestamptz,
        last_success_at timestamptz,
        CONSTRAINT pk_login_source PRIMARY KEY (username, address)
    )
    """,
]

DOWNGRADE = [
    "DROP TABLE login_source",
    "ALTER TABLE login_throttle DROP COLUMN window_started_at",
    "ALTER TABLE login_throttle RENAME COLUMN slowed_until TO locked_until",
    "DROP INDEX ix_refresh_token_live",
    "DROP TRIGGER refresh_token_revoked ON refresh_token",
    "DROP FUNCTION notify_session_ended()",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
