"""search_words: every word the search indexes hold, so a prefix becomes its words

Revision ID: s7sw5e1b3c90
Revises: s6p6a4d2c8e1
Create Date: 2026-12-06 00:55:00.000000

PostgreSQL only (SQLite's FTS5 keeps its own vocabulary). A prefix term (``'ship':*``)
is a GIN partial match: every row of every word with that prefix is gathered into a
bitmap before the terms are intersected, so a word in a fifth of the tasks cost ~8 ms
at 1M tasks whatever the other words. Written as the words themselves (``'ship'``),
GIN skips through the common word's rows to those of the rare one (~0.3 ms).
``tasks/search.py`` expands a prefix into the words of this table when they are few.

Triggers add the words of every task (title and description) and comment written;
rows are never removed (a word no longer used only matches nothing). No unique key: a
word two transactions add at once is kept twice, rather than making one wait on the
other (two such transactions, each adding what the other added, would deadlock).
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "s7sw5e1b3c90"
down_revision = "s6p6a4d2c8e1"
branch_labels = None
depends_on = None

# The documents exactly as the GIN indexes (and tasks/search.py) write them.
TASK_DOCUMENT = (
    "to_tsvector('simple', coalesce({row}.title, '') || ' ' || coalesce({row}.description, ''))"
)
COMMENT_DOCUMENT = "to_tsvector('simple', coalesce({row}.body, ''))"

KEEP = """
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_words (word)
    SELECT DISTINCT found.word FROM unnest(tsvector_to_array({document})) AS found (word)
    WHERE NOT EXISTS (SELECT 1 FROM search_words WHERE search_words.word = found.word);
    RETURN NULL;
END
$$
"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    # "C": byte order, the order a tsquery prefix compares in; a prefix is a range.
    op.execute('CREATE TABLE search_words (word text COLLATE "C" NOT NULL)')
    op.execute(KEEP.format(name="search_words_of_task", document=TASK_DOCUMENT.format(row="NEW")))
    op.execute(
        KEEP.format(name="search_words_of_comment", document=COMMENT_DOCUMENT.format(row="NEW"))
    )
    op.execute(
        "CREATE TRIGGER tasks_search_words AFTER INSERT OR UPDATE OF title, description "
        "ON tasks FOR EACH ROW EXECUTE FUNCTION search_words_of_task()"
    )
    op.execute(
        "CREATE TRIGGER comments_search_words AFTER INSERT OR UPDATE OF body "
        "ON comments FOR EACH ROW EXECUTE FUNCTION search_words_of_comment()"
    )
    # The triggers first, then the words already stored. CREATE TRIGGER locks the
    # table against writes until this migration commits, so the fill below sees every
    # row written before, and every row written after goes through a trigger: filled
    # first, a task saved between the fill and the triggers would have lost its words.
    op.execute(
        f"INSERT INTO search_words (word) "  # noqa: S608  # nosec B608: this module's constants, no input
        f"SELECT unnest(tsvector_to_array({TASK_DOCUMENT.format(row='tasks')})) FROM tasks "
        f"UNION SELECT unnest(tsvector_to_array({COMMENT_DOCUMENT.format(row='comments')})) "
        f"FROM comments"
    )
    op.execute("CREATE INDEX ix_search_words_word ON search_words (word)")
    op.execute("ANALYZE search_words")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS comments_search_words ON comments")
    op.execute("DROP TRIGGER IF EXISTS tasks_search_words ON tasks")
    op.execute("DROP FUNCTION IF EXISTS search_words_of_comment()")
    op.execute("DROP FUNCTION IF EXISTS search_words_of_task()")
    op.execute("DROP TABLE IF EXISTS search_words")
