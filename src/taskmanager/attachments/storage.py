"""Where attachment bytes live: one small interface, a local-disk and an S3 adapter.

Keys are ``<organization id>/<32 random hex digits>``, made here and nowhere else;
an uploaded name never reaches a path or an object key. Both adapters take the file
as an iterable of chunks and hold at most one chunk (local) or one part (S3) at a
time, so a gigabyte upload costs a few megabytes. ``storage_for`` picks the adapter
from configuration alone (``TASKMANAGER_STORAGE=local|s3``).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from typing import Any
from typing import Protocol

from flask import Flask
from flask import current_app

CHUNK = 64 * 1024
KEY_PATTERN = re.compile(r"^[1-9][0-9]{0,9}/[0-9a-f]{32}$")
PARTIAL_SUFFIX = ".part"


class StorageError(RuntimeError):
    """The configured storage cannot be used; the message names the setting to fix."""


def new_key(organization_id: int) -> str:
    return f"{organization_id}/{secrets.token_hex(16)}"


def checked(key: str) -> str:
    """``key`` if it is one this module made; anything else is refused before any I/O."""
    if not KEY_PATTERN.match(key):
        raise ValueError(f"Not an attachment key: {key!r}")
    return key


@dataclass(frozen=True)
class StoredObject:
    key: str
    modified: datetime
    partial: bool = False  # a local write that never finished


@dataclass(frozen=True)
class Delivery:
    """How a download reaches the client: exactly one of the three is set."""

    redirect_url: str | None = None  # S3: a short-lived presigned URL
    accel_path: str | None = None  # nginx X-Accel-Redirect to an internal location
    chunks: Iterator[bytes] | None = None  # streamed by the app itself
    size: int | None = None


class Storage(Protocol):
    def save(self, key: str, chunks: Iterable[bytes]) -> None:
        """Store the chunks under ``key``; on any error nothing is left under it."""

    def read(self, key: str) -> Iterator[bytes]: ...

    def delete(self, key: str) -> None:
        """Remove ``key``; removing a missing key is not an error."""

    def exists(self, key: str) -> bool: ...

    def list(self) -> Iterator[StoredObject]: ...

    def delivery(self, key: str, *, content_type: str, disposition: str) -> Delivery: ...


class LocalStorage:
    """Files under ``root`` (outside anything served statically), one folder per org."""

    def __init__(self, root: str, *, accel_prefix: str = "") -> None:
        self.root = os.path.realpath(root)
        self.accel_prefix = accel_prefix

    def _path(self, key: str) -> str:
        path = os.path.realpath(os.path.join(self.root, checked(key)))
        # The key pattern already rules out ".." and "/"; this is the belt to its braces.
        if os.path.commonpath([path, self.root]) != self.root:
            raise ValueError(f"Not an attachment key: {key!r}")
        return path

    def save(self, key: str, chunks: Iterable[bytes]) -> None:
        path = self._path(key)
        os.makedirs(os.path.dirname(path), mode=0o750, exist_ok=True)
        partial = path + PARTIAL_SUFFIX
        try:
            # "x": never overwrite; the file appears under its key only once complete.
            with open(partial, "xb") as file:
                for chunk in chunks:
                    file.write(chunk)
                file.flush()
                os.fsync(file.fileno())
            os.replace(partial, path)
        except BaseException:
            for leftover in (partial, path):
                if os.path.exists(leftover):
                    os.unlink(leftover)
            raise

    def read(self, key: str) -> Iterator[bytes]:
        with open(self._path(key), "rb") as file:
            while chunk := file.read(CHUNK):
                yield chunk

    def delete(self, key: str) -> None:
        path = self._path(key)
        for leftover in (path, path + PARTIAL_SUFFIX):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)

    def exists(self, key: str) -> bool:
        return os.path.isfile(self._path(key))

    def list(self) -> Iterator[StoredObject]:
        if not os.path.isdir(self.root):
            return
        for folder in os.scandir(self.root):
            if not (folder.is_dir() and folder.name.isdigit()):
                continue
            for entry in os.scandir(folder.path):
                name = entry.name.removesuffix(PARTIAL_SUFFIX)
                key = f"{folder.name}/{name}"
                if entry.is_file() and KEY_PATTERN.match(key):
                    modified = datetime.fromtimestamp(entry.stat().st_mtime, UTC)
                    partial = entry.name.endswith(PARTIAL_SUFFIX)
                    yield StoredObject(key=key, modified=modified, partial=partial)

    def delivery(self, key: str, *, content_type: str, disposition: str) -> Delivery:
        path = self._path(key)
        if self.accel_prefix:
            # nginx serves the bytes from its internal location aliased to ``root``.
            return Delivery(accel_path=self.accel_prefix + checked(key))
        return Delivery(chunks=self.read(key), size=os.path.getsize(path))


class S3Storage:
    """Objects in an S3-compatible bucket (AWS, MinIO, ...) under ``prefix``."""

    # S3 parts are at least 5 MiB (but the last). Two are in memory at most: one
    # being sent, the next being filled.
    PART_SIZE = 5 * 1024 * 1024

    def __init__(self, client: Any, *, bucket: str, prefix: str, presign_seconds: int) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.presign_seconds = presign_seconds

    def _name(self, key: str) -> str:
        return self.prefix + checked(key)

    def save(self, key: str, chunks: Iterable[bytes]) -> None:
        name = self._name(key)
        parts = _parts(chunks, self.PART_SIZE)
        first = next(parts)
        second = next(parts, None)
        if second is None:
            self.client.put_object(Bucket=self.bucket, Key=name, Body=first)
            return
        upload = self.client.create_multipart_upload(Bucket=self.bucket, Key=name)
        upload_id = upload["UploadId"]
        done: list[dict[str, Any]] = []
        pending = [first, second]
        del first, second  # only ``pending`` holds them, so each is freed once sent
        try:
            while part := pending.pop(0) if pending else next(parts, None):
                number = len(done) + 1
                answer = self.client.upload_part(
                    Bucket=self.bucket, Key=name, UploadId=upload_id, PartNumber=number, Body=part
                )
                done.append({"ETag": answer["ETag"], "PartNumber": number})
                del part
            self.client.complete_multipart_upload(
                Bucket=self.bucket, Key=name, UploadId=upload_id, MultipartUpload={"Parts": done}
            )
        except BaseException:
            # An unfinished multipart upload is invisible but billed: abort it.
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=name, UploadId=upload_id)
            raise

    def read(self, key: str) -> Iterator[bytes]:
        body = self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"]
        yield from body.iter_chunks(CHUNK)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def list(self) -> Iterator[StoredObject]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                key = item["Key"][len(self.prefix) :]
                if KEY_PATTERN.match(key):
                    yield StoredObject(key=key, modified=item["LastModified"])

    def delivery(self, key: str, *, content_type: str, disposition: str) -> Delivery:
        # The bucket's answer carries our Content-Type and Content-Disposition, so the
        # browser saves the file whatever the object's own metadata says.
        url = self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": self._name(key),
                "ResponseContentType": content_type,
                "ResponseContentDisposition": disposition,
            },
            ExpiresIn=self.presign_seconds,
        )
        return Delivery(redirect_url=url)


def _parts(chunks: Iterable[bytes], size: int) -> Iterator[bytes]:
    """The chunks regrouped into parts of exactly ``size`` bytes, the last one shorter.

    Always yields at least one part (an empty file is one empty part).
    """
    buffer = bytearray()
    sent = False
    for chunk in chunks:
        buffer += chunk
        while len(buffer) >= size:
            yield bytes(buffer[:size])
            del buffer[:size]
            sent = True
    if buffer or not sent:
        yield bytes(buffer)


def storage_for(config: Mapping[str, Any]) -> Storage:
    """The adapter ``config`` asks for.

    Raises:
        StorageError: an unknown TASKMANAGER_STORAGE, or S3 without a bucket.
    """
    kind = str(config.get("STORAGE", "local")).lower()
    if kind == "local":
        return LocalStorage(
            config["ATTACHMENTS_ROOT"], accel_prefix=config.get("ATTACHMENTS_ACCEL_REDIRECT") or ""
        )
    if kind != "s3":
        raise StorageError(f"Set TASKMANAGER_STORAGE to local or s3 (it is {kind!r}).")
    if not config.get("S3_BUCKET"):
        raise StorageError("Set TASKMANAGER_S3_BUCKET: TASKMANAGER_STORAGE=s3 needs a bucket.")
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "s3",
        region_name=config.get("S3_REGION") or None,
        endpoint_url=config.get("S3_ENDPOINT_URL") or None,
        # None falls back to boto3's own chain (environment, profile, instance role).
        aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
        config=Config(signature_version="s3v4", retries={"mode": "standard"}),
    )
    return S3Storage(
        client,
        bucket=config["S3_BUCKET"],
        prefix=config.get("S3_PREFIX", ""),
        presign_seconds=int(config.get("S3_PRESIGN_SECONDS", 300)),
    )


_EXTENSION = "taskmanager.attachments"


def init_app(app: Flask) -> None:
    """Build the configured adapter once; a misconfiguration fails at startup, named."""
    app.extensions[_EXTENSION] = storage_for(app.config)


def current_storage() -> Storage:
    storage: Storage = current_app.extensions[_EXTENSION]
    return storage
