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


FEATURES = {
    "accounts", "activity", "admin", "attachments", "billing", "board", "checklists",
    "dependencies", "imports", "mail",
    "notifications", "orgs", "pages", "projects", "tasks",
}  # fmt: skip
# The modules that wire features together (the factory, the CLI, the demo data).
WIRING = {"app.py", "cli.py", "demo.py"}
API_INFRASTRUCTURE = {"idempotency.py", "replay.py", "limits.py", "http.py", "cookieless.py"}


def infrastructure_modules():
    for path in sorted(SRC.glob("*.py")):
        if path.name not in WIRING:
            yield path
    for name in sorted(API_INFRASTRUCTURE):
        yield SRC / "api" / name


def test_infrastructure_imports_no_feature():
    offenders = {
        str(path.relative_to(SRC)): sorted(
            name
            for name in imported_modules(path)
            if name.startswith("taskmanager.") and name.split(".")[1] in FEATURES
        )
        for path in infrastructure_modules()
    }
    assert {module: names for module, names in offenders.items() if names} == {}


def test_no_module_is_over_300_lines():
    # Migrations are generated once and never edited: their length is not a design.
    long = {
        str(path.relative_to(SRC)): lines
        for path in SRC.rglob("*.py")
        if "versions" not in path.parts and (lines := len(path.read_text().splitlines())) > 300
    }
    assert long == {}


# Statements that run below the tenancy net must write their own tenant filter; each
# module allowed to do so is listed here, so a new one is a reviewed decision.
BELOW_THE_NET = {"tasks/reading.py", "tasks/paging.py"}


def test_only_the_listed_reads_run_below_the_tenancy_net():
    users = {
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "filtered_rows(" in path.read_text() and path.name != "tenancy.py"
    }
    assert users == BELOW_THE_NET
