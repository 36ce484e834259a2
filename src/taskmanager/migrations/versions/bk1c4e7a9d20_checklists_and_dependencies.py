"""checklists (items on a task) and dependencies (blocked-by links between tasks)

Revision ID: bk1c4e7a9d20
Revises: cn1a2b3c4d5e
Create Date: 2026-12-04 20:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "bk1c4e7a9d20"
down_revision = "cn1a2b3c4d5e"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "checklist_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("converted_task_id", sa.Integer(), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["users.id"],
            name=op.f("fk_checklist_items_assignee_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["converted_task_id"],
            ["tasks.id"],
            name=op.f("fk_checklist_items_converted_task_id_tasks"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_checklist_items_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_checklist_items_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_items")),
    )
    with op.batch_alter_table("checklist_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_checklist_items_task_position", ["task_id", "position"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_checklist_items_converted_task_id"), ["converted_task_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_checklist_items_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "task_dependencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("blocker_id", sa.Integer(), nullable=False),
        sa.Column("blocked_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "blocker_id <> blocked_id", name=op.f("ck_task_dependencies_not_itself")
        ),
        sa.ForeignKeyConstraint(
            ["blocked_id"],
            ["tasks.id"],
            name=op.f("fk_task_dependencies_blocked_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["blocker_id"],
            ["tasks.id"],
            name=op.f("fk_task_dependencies_blocker_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_task_dependencies_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_task_dependencies_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_dependencies")),
        sa.UniqueConstraint(
            "blocker_id", "blocked_id", name=op.f("uq_task_dependencies_blocker_id")
        ),
    )
    with op.batch_alter_table("task_dependencies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_task_dependencies_blocked_id"), ["blocked_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_task_dependencies_organization_id"), ["organization_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("task_dependencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_dependencies_organization_id"))
        batch_op.drop_index(batch_op.f("ix_task_dependencies_blocked_id"))
    op.drop_table("task_dependencies")
    with op.batch_alter_table("checklist_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_items_organization_id"))
        batch_op.drop_index(batch_op.f("ix_checklist_items_converted_task_id"))
        batch_op.drop_index("ix_checklist_items_task_position")
    op.drop_table("checklist_items")
