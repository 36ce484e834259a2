"""project and comment versions, for ETag and If-Match

Revision ID: 4b2e1d3f0a52
Revises: 3a1f0c2d9e41
Create Date: 2026-11-24 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4b2e1d3f0a52"
down_revision = "3a1f0c2d9e41"
branch_labels = None
depends_on = None


def upgrade():
    # The server default gives every existing row version 1, the version new rows
    # start at: an old project or comment reads as ETag "1" like a fresh one.
    for table in ("projects", "comments"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), server_default="1", nullable=False)
            )


def downgrade():
    for table in ("comments", "projects"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
