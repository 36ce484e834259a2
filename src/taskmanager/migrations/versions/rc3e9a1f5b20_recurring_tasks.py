"""recurring tasks: a series per repeating task (rule, zone, current occurrence)

Revision ID: rc3e9a1f5b20
Revises: dp3e8c1f5a07
Create Date: 2026-12-04 23:59:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "rc3e9a1f5b20"
down_revision = "dp3e8c1f5a07"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "task_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("current_task_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("made", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_task_series_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["current_task_id"],
            ["tasks.id"],
            name=op.f("fk_task_series_current_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_task_series_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_series")),
        sa.UniqueConstraint("current_task_id", name=op.f("uq_task_series_current_task_id")),
    )
    with op.batch_alter_table("task_series", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_task_series_organization_id"), ["organization_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("task_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_series_organization_id"))
    op.drop_table("task_series")
