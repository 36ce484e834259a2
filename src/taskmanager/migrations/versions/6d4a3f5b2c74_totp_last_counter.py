"""TOTP: the last accepted time step, so each code signs in once

Revision ID: 6d4a3f5b2c74
Revises: 5c3f2e4a1b63
Create Date: 2026-12-04 17:25:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "6d4a3f5b2c74"
down_revision = "5c3f2e4a1b63"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tf_totp_last_counter", sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("tf_totp_last_counter")
