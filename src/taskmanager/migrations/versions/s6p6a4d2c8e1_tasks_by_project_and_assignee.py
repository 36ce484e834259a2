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


NAME = "ix_tasks_project_assignee_status_position"
COLUMNS = ["project_id", "organization_id", "assignee_id", "status", "position", "id"]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # CONCURRENTLY: the index is built while the table keeps taking writes, where a
        # plain CREATE INDEX blocks them for its whole build (about 5 s at 1M tasks).
        # It cannot run inside a transaction, hence the autocommit block.
        with op.get_context().autocommit_block():
            # A concurrent build that failed (cancelled, a deadlock) leaves an invalid
            # index of this name behind, which would fail the next try.
            op.drop_index(NAME, "tasks", postgresql_concurrently=True, if_exists=True)
            op.create_index(NAME, "tasks", COLUMNS, postgresql_concurrently=True)
        return
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(NAME, COLUMNS, unique=False)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.drop_index(NAME, "tasks", postgresql_concurrently=True)
        return
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(NAME)
