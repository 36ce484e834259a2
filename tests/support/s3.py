"""A real S3 API on a loopback port (moto's server), for the S3 storage adapter."""

from __future__ import annotations

import secrets
from types import TracebackType
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

ACCESS_KEY = "testing"
SECRET_KEY = "testing"  # moto accepts any credentials
REGION = "us-east-1"


class S3Server:
    """moto's ThreadedMotoServer on 127.0.0.1, a free port picked by the kernel."""

    def __init__(self) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.endpoint_url = ""

    def start(self) -> S3Server:
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        self._server.stop()

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def new_bucket(self) -> str:
        name = f"attachments-{secrets.token_hex(4)}"
        self.client().create_bucket(Bucket=name)
        return name

    def config(self, bucket: str) -> dict[str, Any]:
        """The app settings that point TASKMANAGER_STORAGE=s3 at this server."""
        return {
            "STORAGE": "s3",
            "S3_BUCKET": bucket,
            "S3_PREFIX": "tm/",
            "S3_REGION": REGION,
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def __enter__(self) -> S3Server:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
