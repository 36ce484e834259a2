"""The API fixtures (token clients, a second organization) for these tests too."""

from tests.api.conftest import api_as  # noqa: F401 - a fixture
from tests.api.conftest import other_team  # noqa: F401 - a fixture
