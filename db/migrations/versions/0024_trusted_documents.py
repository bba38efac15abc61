"""Trusted documents (issue 14): the GraphQL documents a client build registered, by id.

A client may send ``{"documentId": "sha256:…"}`` instead of the text of its operation; the
server reads the text here. The id is the SHA-256 of the document's exact UTF-8 text, and a
check holds every row to it: a row can never carry another text than the one its id names, so
the servers may cache what they read for ever.

Rows are registered by ``quyhoach documents add`` (the client's build step), which runs as the
owner of the tables. The application's role may only read them: a client that could add a
document would turn the allow-list of ``QUYHOACH_TRUSTED_DOCUMENTS=only`` into nothing.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

APP_ROLE = "quyhoach_app"


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE trusted_document (
            id text NOT NULL,
            body text NOT NULL,
            operation_names text[] NOT NULL,
            client text,
            added_at timestamp with time zone DEFAULT now() NOT NULL,
            CONSTRAINT pk_trusted_document PRIMARY KEY (id),
            CONSTRAINT ck_trusted_document_id_is_sha256_of_body
                CHECK (id = 'sha256:' || encode(sha256(convert_to(body, 'UTF8')), 'hex'))
        )
        """
    )
    # Migration 0023 granted the tables that existed then; this one is read only.
    op.execute(f"GRANT SELECT ON trusted_document TO {APP_ROLE}")


def downgrade() -> None:
    op.execute("DROP TABLE trusted_document")
