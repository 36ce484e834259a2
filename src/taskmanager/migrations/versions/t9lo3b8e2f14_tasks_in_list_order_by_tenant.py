"""tasks in list order with the tenant column: plans that do not depend on statistics

Revision ID: t9lo3b8e2f14
Revises: s7sw5e1b3c90
Create Date: 2026-12-06 06:50:00.000000

Every query of a tenant's tasks carries ``organization_id = ...`` (the tenancy net) as
well as ``project_id = ...``. ix_tasks_project_status_position (project, status,
position) matched only the first, so whenever the table's statistics were stale (a
project that grew by thousands of tasks before autovacuum analyzed it) the planner
preferred ix_tasks_project_assignee_status_position, which matches both equalities but
not the list's order, and sorted every task of the project for each page of 20.
With the tenant column after the project, one index matches both and gives the
order, whatever the statistics say.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "t9lo3b8e2f14"
down_revision = "s7sw5e1b3c90"
branch_labels = None
depends_on = None


OLD = "ix_tasks_project_status_position"
OLD_COLUMNS = ["project_id", "status", "position"]
NEW = "ix_tasks_project_list_order"
NEW_COLUMNS = ["project_id", "organization_id", "status", "position", "id"]


def _swap(drop: str, create: str, columns: list[str]) -> None:
    if op.get_bind().dialect.name == "postgresql":
        # CONCURRENTLY: the table keeps taking writes while the index is built (see
        # s6p6a4d2c8e1); the new index exists before the old one goes.
        with op.get_context().autocommit_block():
            op.drop_index(create, "tasks", postgresql_concurrently=True, if_exists=True)
            op.create_index(create, "tasks", columns, postgresql_concurrently=True)
            op.drop_index(drop, "tasks", postgresql_concurrently=True, if_exists=True)
        return
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(create, columns, unique=False)
        batch_op.drop_index(drop)


def upgrade():
    _swap(OLD, NEW, NEW_COLUMNS)


def downgrade():
    _swap(NEW, OLD, OLD_COLUMNS)
