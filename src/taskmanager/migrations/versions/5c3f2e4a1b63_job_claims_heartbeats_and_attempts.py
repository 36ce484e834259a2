"""job claims: heartbeats and attempts

Revision ID: 5c3f2e4a1b63
Revises: 4b2e1d3f0a52
Create Date: 2026-11-24 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c3f2e4a1b63"
down_revision = "4b2e1d3f0a52"
branch_labels = None
depends_on = None


def upgrade():
    # Existing rows need values; the server defaults fill them and are then dropped,
    # since the application sets both columns on every new job.
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "heartbeat_at",
                sa.DateTime(timezone=True),
                nullable=False,
                server_default=sa.text("CURRENT_TIMESTAMP"),
            )
        )
        batch_op.add_column(
            sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch_op.create_index(batch_op.f("ix_jobs_state"), ["state"], unique=False)
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.alter_column("heartbeat_at", server_default=None)
        batch_op.alter_column("attempts", server_default=None)


def downgrade():
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jobs_state"))
        batch_op.drop_column("attempts")
        batch_op.drop_column("heartbeat_at")
