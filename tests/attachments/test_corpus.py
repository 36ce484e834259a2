"""R11: an upload corpus of hostile files, each refused or neutralised.

For every file: nothing is written outside the storage root (only random keys in
it), and every download carries the safe headers. The table in the test ids is the
closing note's corpus table.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from taskmanager.attachments.storage import KEY_PATTERN
from tests.attachments.conftest import png
from tests.attachments.test_api import post_chunked

SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
POLYGLOT = png(2, 2) + b"<html><script>alert(1)</script></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200

# id, sent name, bytes, expected: status, shown name, sniffed type, served type, preview
CORPUS = [
    ("traversal", "../../../../etc/passwd", b"root:x:0:0\n", 201, "passwd", "text/plain",
     "text/plain", False),
    ("absolute-posix", "/etc/cron.d/evil", b"* * * * * root sh\n", 201, "evil", "text/plain",
     "text/plain", False),
    # Backslashes escaped as a quoted-string needs them (RFC 7578 clients send them so).
    ("absolute-windows", "C:\\\\Windows\\\\System32\\\\evil.dll", EXE, 201, "evil.dll",
     "application/x-dosexec", "application/x-dosexec", False),
    ("nul-and-controls", "re\x00port\x1b[31m\t\x7f.txt", b"words\n", 201, "report[31m.txt",
     "text/plain", "text/plain", False),
    ("crlf-in-name", "a\r\nContent-Type: text/html\r\n.txt", b"words\n", 400, None, None,
     None, False),
    ("bidi-override", "invoice\u202egnp.exe", EXE, 201, "invoicegnp.exe",
     "application/x-dosexec", "application/x-dosexec", False),
    ("double-extension", "invoice.pdf.exe", EXE, 201, "invoice.pdf.exe",
     "application/x-dosexec", "application/x-dosexec", False),
    ("svg-with-script", "logo.svg", SVG, 201, "logo.svg", "image/svg+xml",
     "application/octet-stream", False),
    ("html-with-script", "page.html", HTML, 201, "page.html", "text/html",
     "application/octet-stream", False),
    ("png-html-polyglot", "pic.png", POLYGLOT, 201, "pic.png", "image/png", "image/png", True),
    ("html-named-png", "cat.png", HTML, 201, "cat.png", "text/html",
     "application/octet-stream", False),
    ("dots-only", "..", b"xyz\n", 201, "file", "text/plain", "text/plain", False),
    ("huge-png-header", "bomb.png", png(100_000, 100_000), 201, "bomb.png", "image/png",
     "image/png", False),
    # The document cannot say "not empty" of a file part: 422.
    ("zero-byte", "empty.txt", b"", 422, None, None, None, False),
]  # fmt: skip


def _only_keys_under(root: Path, outside: Path) -> None:
    for folder, _, files in os.walk(outside):
        for name in files:
            path = Path(folder, name)
            assert root in path.parents, f"{path} was written outside the storage root"
            key = path.relative_to(root).as_posix()
            assert KEY_PATTERN.match(key), f"{key} is not a random key"


@pytest.mark.parametrize(
    ("sent", "data", "status", "shown", "sniffed", "served", "preview"),
    [row[1:] for row in CORPUS],
    ids=[row[0] for row in CORPUS],
)
def test_corpus_file_is_refused_or_neutralised(
    team: Any, api_as: Any, as_user: Any, local_storage: Any, tmp_path: Path,
    sent: str, data: bytes, status: int, shown: str | None, sniffed: str | None,
    served: str | None, preview: bool,
) -> None:  # fmt: skip
    api = api_as(team.people["member"])
    answer = api.upload(team.task.id, sent, data)
    assert answer.status_code == status, answer.get_json()
    _only_keys_under(Path(local_storage.root), tmp_path)
    if status != 201:
        assert answer.get_json()["error"] == "validation_error"
        assert list(local_storage.list()) == []
        return
    body = answer.get_json()
    assert body["filename"] == shown
    assert body["content_type"] == sniffed
    assert body["previewable"] is preview
    download = api.client.get(body["download_url"], headers=api.headers)
    assert download.status_code == 200
    assert download.data == data
    assert download.headers["Content-Type"] == "application/octet-stream"  # the API: always
    # The page's download: the sniffed type, but opaque bytes for anything a browser runs.
    page = as_user(team.people["member"]).get(f"/o/{team.org.slug}/attachments/{body['id']}")
    assert page.headers["Content-Type"].split(";")[0] == served
    assert page.headers["Content-Disposition"].startswith("attachment; filename=")
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in page.headers["Content-Security-Policy"]
    assert download.headers["Content-Disposition"].startswith("attachment; filename=")
    assert "filename*=UTF-8''" in download.headers["Content-Disposition"]
    assert "\r" not in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]


def test_corpus_oversized_stream_without_length_is_cut(
    team: Any, api_as: Any, local_storage: Any, tmp_path: Path
) -> None:
    api = api_as(team.people["member"])
    answer = post_chunked(api, team.task.id, "big.bin", b"\xff" * (10 * 1024 * 1024 + 1))
    assert answer.status_code == 413
    assert answer.get_json()["error"] == "payload_too_large"
    assert list(local_storage.list()) == []
    _only_keys_under(Path(local_storage.root), tmp_path)
