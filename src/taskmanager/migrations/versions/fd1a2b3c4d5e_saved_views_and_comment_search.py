"""saved views; full-text search over comments

Revision ID: fd1a2b3c4d5e
Revises: nt1f4c2a9e70
Create Date: 2026-12-04 20:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "fd1a2b3c4d5e"
down_revision = "nt1f4c2a9e70"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "saved_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("layout", sa.String(length=8), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_saved_views_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_saved_views_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_saved_views_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_views")),
    )
    with op.batch_alter_table("saved_views", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saved_views_organization_id"), ["organization_id"])
        batch_op.create_index(batch_op.f("ix_saved_views_owner_id"), ["owner_id"])
        batch_op.create_index(batch_op.f("ix_saved_views_project_id"), ["project_id"])
    create_comment_search()


SQLITE_COMMENT_SEARCH = [
    # An FTS5 index over the comments table's own rows, kept in step by triggers.
    "CREATE VIRTUAL TABLE comment_search USING fts5(body, content='comments', content_rowid='id')",
    """CREATE TRIGGER comments_search_insert AFTER INSERT ON comments BEGIN
        INSERT INTO comment_search(rowid, body) VALUES (new.id, new.body);
    END""",
    """CREATE TRIGGER comments_search_delete AFTER DELETE ON comments BEGIN
        INSERT INTO comment_search(comment_search, rowid, body) VALUES ('delete', old.id, old.body);
    END""",
    """CREATE TRIGGER comments_search_update AFTER UPDATE OF body ON comments BEGIN
        INSERT INTO comment_search(comment_search, rowid, body) VALUES ('delete', old.id, old.body);
        INSERT INTO comment_search(rowid, body) VALUES (new.id, new.body);
    END""",
    # Comments written before this revision.
    "INSERT INTO comment_search(comment_search) VALUES ('rebuild')",
]


def create_comment_search():
    """Comment search: a GIN expression index on PostgreSQL, FTS5 on SQLite."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE INDEX ix_comments_search ON comments USING gin "
            "(to_tsvector('simple', coalesce(body, '')))"
        )
    elif dialect == "sqlite":
        for statement in SQLITE_COMMENT_SEARCH:
            op.execute(statement)


def drop_comment_search():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_comments_search")
    elif dialect == "sqlite":
        for name in ("comments_search_insert", "comments_search_delete", "comments_search_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS comment_search")


def downgrade():
    drop_comment_search()
    with op.batch_alter_table("saved_views", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_views_project_id"))
        batch_op.drop_index(batch_op.f("ix_saved_views_owner_id"))
        batch_op.drop_index(batch_op.f("ix_saved_views_organization_id"))
    op.drop_table("saved_views")
