"""Static URLs carry a content hash, so nginx may cache them for a year."""

import re

from taskmanager.static_files import version_of


def test_pages_link_static_files_by_content_hash(app, client):
    page = client.get("/login").get_data(as_text=True)
    links = re.findall(r'href="(/static/app\.css[^"]*)"', page)
    assert links == [f"/static/app.css?v={version_of(app, 'app.css')}"]


def test_the_versioned_url_serves_the_file(app, client):
    with app.test_request_context():
        from flask import url_for

        url = url_for("static", filename="app.css")
    assert client.get(url).status_code == 200


def test_a_missing_file_gets_no_version(app):
    assert version_of(app, "no-such-file.css") is None
