"""One adapter suite, run on local disk and on S3 (moto's server on loopback)."""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from taskmanager.attachments.storage import LocalStorage
from taskmanager.attachments.storage import S3Storage
from taskmanager.attachments.storage import StorageError
from taskmanager.attachments.storage import new_key
from taskmanager.attachments.storage import storage_for


def chunks_of(data: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def test_a_saved_file_reads_back_the_same(any_storage: Any) -> None:
    key = new_key(7)
    any_storage.save(key, chunks_of(b"hello, attachments"))
    assert b"".join(any_storage.read(key)) == b"hello, attachments"
    assert any_storage.exists(key)


def test_a_file_larger_than_one_part_reads_back_the_same(any_storage: Any) -> None:
    data = os.urandom(S3Storage.PART_SIZE * 2 + 12345)
    key = new_key(7)
    any_storage.save(key, chunks_of(data))
    assert b"".join(any_storage.read(key)) == data


def test_a_failed_write_leaves_nothing_behind(any_storage: Any) -> None:
    def broken() -> Iterator[bytes]:
        yield os.urandom(S3Storage.PART_SIZE + 1)
        yield b"more"
        raise RuntimeError("the client went away")

    key = new_key(7)
    with pytest.raises(RuntimeError):
        any_storage.save(key, broken())
    assert not any_storage.exists(key)
    assert [stored.key for stored in any_storage.list()] == []
    if isinstance(any_storage, S3Storage):
        pending = any_storage.client.list_multipart_uploads(Bucket=any_storage.bucket)
        assert pending.get("Uploads", []) == []


def test_delete_removes_and_is_idempotent(any_storage: Any) -> None:
    key = new_key(7)
    any_storage.save(key, [b"x"])
    any_storage.delete(key)
    any_storage.delete(key)
    assert not any_storage.exists(key)


def test_list_names_every_stored_key(any_storage: Any) -> None:
    keys = {new_key(1), new_key(2), new_key(2)}
    for key in keys:
        any_storage.save(key, [b"data"])
    assert {stored.key for stored in any_storage.list()} == keys


@pytest.mark.parametrize(
    "key", ["../etc/passwd", "1/../../secret", "/etc/passwd", "1/ABC", "0/" + "a" * 32, "1/a/b"]
)
def test_keys_not_made_by_the_storage_are_refused(any_storage: Any, key: str) -> None:
    with pytest.raises(ValueError, match="Not an attachment key"):
        any_storage.save(key, [b"x"])
    with pytest.raises(ValueError, match="Not an attachment key"):
        any_storage.delete(key)


def test_delivery_serves_the_bytes_with_our_headers(any_storage: Any) -> None:
    key = new_key(3)
    any_storage.save(key, [b"%PDF-1.4 pretend"])
    disposition = "attachment; filename=\"a.pdf\"; filename*=UTF-8''a.pdf"
    delivery = any_storage.delivery(key, content_type="application/pdf", disposition=disposition)
    if isinstance(any_storage, S3Storage):
        assert delivery.redirect_url is not None
        assert "X-Amz-Expires=300" in delivery.redirect_url
        with urllib.request.urlopen(delivery.redirect_url) as answer:
            assert answer.read() == b"%PDF-1.4 pretend"
            assert answer.headers["Content-Disposition"] == disposition
            assert answer.headers["Content-Type"] == "application/pdf"
    else:
        assert delivery.chunks is not None
        assert b"".join(delivery.chunks) == b"%PDF-1.4 pretend"
        assert delivery.size == len(b"%PDF-1.4 pretend")


def test_local_storage_hands_downloads_to_nginx_when_configured(tmp_path: Any) -> None:
    storage = LocalStorage(str(tmp_path), accel_prefix="/_protected/attachments/")
    key = new_key(3)
    storage.save(key, [b"x"])
    delivery = storage.delivery(key, content_type="text/plain", disposition="attachment")
    assert delivery.accel_path == f"/_protected/attachments/{key}"
    assert delivery.chunks is None


def test_local_files_live_under_the_root_by_organization(tmp_path: Any) -> None:
    storage = LocalStorage(str(tmp_path))
    key = new_key(42)
    storage.save(key, [b"x"])
    assert (tmp_path / key).read_bytes() == b"x"
    assert key.startswith("42/")


def test_configuration_alone_picks_the_adapter(tmp_path: Any, s3_server: Any) -> None:
    local = storage_for({"STORAGE": "local", "ATTACHMENTS_ROOT": str(tmp_path)})
    assert isinstance(local, LocalStorage)
    s3 = storage_for(s3_server.config(s3_server.new_bucket()))
    assert isinstance(s3, S3Storage)
    with pytest.raises(StorageError, match="TASKMANAGER_S3_BUCKET"):
        storage_for({"STORAGE": "s3"})
    with pytest.raises(StorageError, match="TASKMANAGER_STORAGE"):
        storage_for({"STORAGE": "ftp"})
