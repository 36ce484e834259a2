"""A person in two organizations, and a third organization they are not in."""

from types import SimpleNamespace

import pytest

from tests.factories import add_member
from tests.factories import make_org
from tests.factories import make_project
from tests.factories import make_task
from tests.support.content import add_comment
from tests.support.content import archive


@pytest.fixture
def world(app, team, make_user):
    """``team`` (Acme) plus Globex, where Acme's member also works (an archived
    project there), and Beta, where they are not."""
    person = team.people["member"]
    boss = make_user(name="Gus Globex")
    globex = make_org(app, boss, name="Globex")
    add_member(app, globex, person, "viewer")
    old = make_project(app, globex, name="Old site")
    make_task(app, old, boss, title="Archive the homepage banners")
    archive(app, old)
    redesign = make_task(app, team.project, team.people["owner"], title="Redesign the homepage",
                         description="Hero image, pricing table and the signup form.")  # fmt: skip
    chat = make_task(app, team.project, team.people["owner"], title="Weekly sync")
    add_comment(app, chat, team.people["owner"], "Remember the quarterly roadmap slides")
    stranger = make_user(name="Bea Other")
    beta = make_org(app, stranger, name="Beta")
    secret = make_project(app, beta, name="Secret homepage project")
    make_task(app, secret, stranger, title="Secret homepage launch")
    return SimpleNamespace(
        team=team, person=person, globex=globex, old=old, redesign=redesign, chat=chat,
        beta=beta,
    )  # fmt: skip
