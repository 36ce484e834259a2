"""The README's request-flow diagram points at real functions, at the right lines."""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import re
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parents[1] / "README.md"
REFERENCE = re.compile(r"\b((?:flask|werkzeug|foundations)/[\w/]+)\.py:([\w.]+) \(L(\d+)\)")
# Line numbers for the libraries hold for the versions the README names.
DOCUMENTED = {"flask": "3.1.3", "werkzeug": "3.1.9"}


def test_every_reference_in_the_readme_resolves_to_its_line() -> None:
    references = REFERENCE.findall(README.read_text())
    assert len(references) > 30
    wrong = []
    for path, qualname, line in references:
        target: Any = importlib.import_module(path.replace("/", "."))
        for name in qualname.split("."):
            target = getattr(target, name)
        actual = inspect.getsourcelines(inspect.unwrap(target))[1]
        package = path.split("/")[0]
        versions_match = package not in DOCUMENTED or (
            importlib.metadata.version(package) == DOCUMENTED[package]
        )
        if versions_match and actual != int(line):
            wrong.append(f"{path}.py:{qualname} is at L{actual}, not L{line}")
    assert wrong == []
