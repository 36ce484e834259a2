"""Each layer uses only what it claims to: checked in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def top_level_modules_after_importing(module: str, *flags: str) -> set[str]:
    script = (
        "import importlib, json, sys;"
        f"importlib.import_module({module!r});"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))"
    )
    output = subprocess.run(
        [sys.executable, *flags, "-c", script],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(json.loads(output))


def test_raw_wsgi_and_its_server_and_middleware_use_only_the_standard_library() -> None:
    # -S: no site-packages at all, so any third-party import would fail outright.
    imported = top_level_modules_after_importing("foundations.raw_wsgi", "-S")
    assert imported - set(sys.stdlib_module_names) == {"__main__", "foundations"}


def test_the_werkzeug_app_uses_werkzeug_without_flask() -> None:
    imported = top_level_modules_after_importing("foundations.werkzeug_app")
    assert "werkzeug" in imported
    assert not imported & {"flask", "jinja2"}


def test_no_layer_imports_the_product() -> None:
    for module in ["raw_wsgi", "werkzeug_app", "flask_app", "middleware", "contexts", "bench"]:
        assert "taskmanager" not in top_level_modules_after_importing(f"foundations.{module}")
