"""billing: webhook ledger, subscription state time, payment problems; staff actions

Revision ID: 7e5b4a6c3d85
Revises: 6d4e3f5a2c74
Create Date: 2026-12-04 17:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7e5b4a6c3d85"
down_revision = "6d4e3f5a2c74"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("subscription_state_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("last_payment_error", sa.String(length=300), nullable=True))
        batch_op.add_column(
            sa.Column("last_payment_failed_at", sa.DateTime(timezone=True), nullable=True)
        )

    op.create_table(
        "processed_webhook_events",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_processed_webhook_events_organization_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processed_webhook_events")),
    )
    with op.batch_alter_table("processed_webhook_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_processed_webhook_events_organization_id"),
            ["organization_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_processed_webhook_events_received_at"), ["received_at"], unique=False
        )

    op.create_table(
        "staff_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("staff_email", sa.String(length=320), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("target_type", sa.String(length=40), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("target_label", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["users.id"],
            name=op.f("fk_staff_actions_staff_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_actions")),
    )
    with op.batch_alter_table("staff_actions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_actions_created_at"), ["created_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("staff_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_actions_created_at"))
    op.drop_table("staff_actions")
    with op.batch_alter_table("processed_webhook_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_webhook_events_received_at"))
        batch_op.drop_index(batch_op.f("ix_processed_webhook_events_organization_id"))
    op.drop_table("processed_webhook_events")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("last_payment_failed_at")
        batch_op.drop_column("last_payment_error")
        batch_op.drop_column("subscription_state_at")
