"""The layout rules of STYLE.md that a reviewer would otherwise have to remember."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "taskmanager"


def view_modules():
    """Modules that turn HTTP into service calls: pages/, api/ and every */views.py."""
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if relative.parts[0] in ("pages", "api") or path.name == "views.py":
            yield path


def imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def test_no_view_module_enters_a_tenant_scope_itself():
    # Scopes are entered by services (orgs.services.access, enter_all); a view that
    # entered one could widen what a request sees.
    offenders = [
        str(path.relative_to(SRC))
        for path in view_modules()
        if any(name == "taskmanager.tenancy" for name in imported_modules(path))
    ]
    assert offenders == []
