"""checklist item versions, for ETag and If-Match

Revision ID: dp3e8c1f5a07
Revises: bk1c4e7a9d20
Create Date: 2026-12-04 23:55:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "dp3e8c1f5a07"
down_revision = "bk1c4e7a9d20"
branch_labels = None
depends_on = None


def upgrade():
    # The server default gives every existing item version 1, the version new items
    # start at: an old item reads as ETag "1" like a fresh one.
    with op.batch_alter_table("checklist_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    with op.batch_alter_table("checklist_items", schema=None) as batch_op:
        batch_op.drop_column("version")
