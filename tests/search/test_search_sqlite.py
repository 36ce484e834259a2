"""The same search on the embedded default (SQLite, FTS5): prefixes, comments, syntax."""

import pytest

from taskmanager import create_app
from taskmanager.extensions import db
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task
from tests.factories import make_user
from tests.factories import sign_in
from tests.support.content import add_comment
from tests.support.content import make_view
from tests.support.sqlite_app import migrate

pytestmark = pytest.mark.sqlite


# One world for the module: its tests search and read it (the last adds a saved view,
# which no other test's answer depends on). A fresh app per case cost each of the
# dozen cases seconds of setup.
@pytest.fixture(scope="module")
def sqlite_world(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("sqlite_world")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "sqlite-test-secret-key-0123456789abcdef",
            "DATABASE_URL": f"sqlite:///{tmp_path}/tm.sqlite3",
            "OUTBOX_DIR": str(tmp_path / "outbox"),
        }
    )
    migrate(app)
    me, stranger = make_user(app), make_user(app)
    org = make_org(app, me, name="Acme")
    project = make_project(app, org, name="Website")
    make_task(app, project, me, title="Redesign the homepage")
    chat = make_task(app, project, me, title="Weekly sync")
    add_comment(app, chat, me, "Remember the quarterly roadmap")
    beta = make_org(app, stranger, name="Beta")
    make_task(app, make_project(app, beta, name="Secret"), stranger, title="Secret homepage")
    client = app.test_client()
    sign_in(app, client, me)
    yield app, client, project, me
    with app.app_context():
        db.engine.dispose()


def page(client, q):
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_prefixes_and_comments_are_found_on_sqlite(sqlite_world):
    _, client, _, _ = sqlite_world
    assert "Redesign the <mark>homepage</mark>" in page(client, "homepag")
    assert "Weekly sync" in page(client, "quarter roadm")
    assert "Secret" not in page(client, "homepage")


@pytest.mark.parametrize("q", [":", "&", "!", "'", '"', "a*", "NEAR(a b)", "x OR y", "^", "-home"])
def test_fts5_syntax_typed_in_the_box_is_never_an_error_on_sqlite(sqlite_world, q):
    _, client, _, _ = sqlite_world
    page(client, q)


def test_saved_views_and_my_tasks_work_on_sqlite(sqlite_world):
    app, client, project, me = sqlite_world
    view = make_view(app, project, me, name="Homepage work", filters={"q": "homepag"})
    response = client.get(f"/o/acme/projects/{project.id}?view={view.id}&q=homepag")
    assert response.status_code == 200 and "Homepage work" in response.get_data(as_text=True)
    assert client.get("/my-tasks").status_code == 200
