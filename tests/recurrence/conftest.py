"""The API's fixtures (bearer clients, a second organization), shared with these tests."""

from tests.api.conftest import api_as  # noqa: F401 - a fixture
from tests.api.conftest import other_team  # noqa: F401 - a fixture
