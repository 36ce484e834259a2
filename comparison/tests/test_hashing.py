"""Without BLOG_CHEAP_PASSWORD_HASHING each app hashes at its framework's own cost.

The black-box suite runs the servers with cheap hashing (conftest.py); these check, in
fresh interpreters without that variable, what the benchmark and production get.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBES = {
    "flask": (
        "from comparison.flask_blog.models import User; u = User(); u.set_password('pw-12345678');"
        "print(u.password_hash.split('$')[0])"
    ),
    "fastapi": (
        "from comparison.fastapi_blog.security import password_hash;"
        "print(password_hash.hash('pw-12345678').split('$')[3])"
    ),
    "django": (
        "import django; django.setup();"
        "from django.contrib.auth.hashers import make_password;"
        "print(make_password('pw-12345678').split('$')[3])"
    ),
}
DEFAULTS = {"flask": "scrypt:32768:8:1", "fastapi": "m=65536,t=3,p=4", "django": "m=102400,t=2,p=8"}
CHEAP = {"flask": "scrypt:1024:8:1", "fastapi": "m=1024,t=1,p=1", "django": "m=1024,t=1,p=1"}


def _hash_parameters(framework: str, cheap: bool) -> str:
    env = {k: v for k, v in os.environ.items() if k != "BLOG_CHEAP_PASSWORD_HASHING"}
    env |= {
        "BLOG_SECRET_KEY": "x" * 48,
        "DJANGO_SETTINGS_MODULE": "blogsite.settings",
    }
    if cheap:
        env["BLOG_CHEAP_PASSWORD_HASHING"] = "1"
    found = subprocess.run(
        [sys.executable, "-c", PROBES[framework]],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        # Django's project imports as blogsite.*, from its own folder (launcher.py).
        cwd=ROOT / "comparison" / "django_blog" if framework == "django" else ROOT,
    )
    return found.stdout.strip()


@pytest.mark.parametrize("framework", sorted(PROBES))
def test_each_app_hashes_at_its_frameworks_cost_unless_told_to_be_cheap(framework: str) -> None:
    assert _hash_parameters(framework, cheap=False) == DEFAULTS[framework]
    assert _hash_parameters(framework, cheap=True) == CHEAP[framework]
