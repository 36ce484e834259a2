"""gapped board positions: each column's cards 0, 1024, 2048... instead of 0, 1, 2...

Revision ID: s6or2b7d4e91
Revises: rc3e9a1f5b20
Create Date: 2026-12-05 22:00:00.000000

A drop takes the midpoint between its neighbours (tasks/ordering.py); keys stored
0, 1, 2... have none, so without this the first drop inside each column would
renumber the whole column once. The code copes either way; this pays that cost once,
here, in one statement. Order is kept (position, then id), and ties become distinct.
Downgrade numbers each column 0, 1, 2... again, as the code before it expects.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "s6or2b7d4e91"
down_revision = "rc3e9a1f5b20"
branch_labels = None
depends_on = None

# ordering.GAP when this was written: copied, not imported, so the migration keeps
# its meaning if the code's gap changes.
GAP = 1024


def _renumber(step: int) -> None:
    # UPDATE ... FROM and row_number(): PostgreSQL, and SQLite from 3.33.
    op.execute(
        sa.text(
            "UPDATE tasks SET position = ranked.new_position FROM ("
            " SELECT id, (row_number() OVER ("
            "  PARTITION BY project_id, status ORDER BY position, id) - 1) * :step"
            "  AS new_position FROM tasks"
            ") AS ranked"
            " WHERE tasks.id = ranked.id AND tasks.position <> ranked.new_position"
        ).bindparams(step=step)
    )


def upgrade():
    _renumber(GAP)


def downgrade():
    _renumber(1)
