"""Webhook fixtures: the API client fixtures, and a receiver on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.conftest import api_as  # noqa: F401 - a fixture
from tests.api.conftest import other_team  # noqa: F401 - a fixture
from tests.support.webhook_receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as server:
        yield server
