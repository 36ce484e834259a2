"""tasks by project and assignee, in list order: a filtered list's page and count

Revision ID: s6p6a4d2c8e1
Revises: s6or2b7d4e91
Create Date: 2026-12-05 21:40:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "s6p6a4d2c8e1"
down_revision = "s6or2b7d4e91"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tasks_project_assignee_status_position",
            ["project_id", "organization_id", "assignee_id", "status", "position", "id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_project_assignee_status_position")
