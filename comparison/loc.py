"""Files and lines of code per app: ``python -m comparison.loc``.

Counts non-blank lines that are not ``#`` comments, split into what a developer
wrote (Python outside migrations), what the framework's tool generated
(migrations), and configuration (requirements, ini files, templates).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

HERE = Path(__file__).resolve().parent
APPS = {"flask": "flask_blog", "django": "django_blog", "fastapi": "fastapi_blog"}
SKIP = {"__pycache__"}


@dataclass
class Count:
    files: int = 0
    lines: int = 0
    paths: list[str] = field(default_factory=list)

    def add(self, path: Path, lines: int) -> None:
        self.files += 1
        self.lines += lines
        self.paths.append(str(path))


def code_lines(path: Path) -> int:
    lines = path.read_text(errors="replace").splitlines()
    return sum(1 for line in lines if line.strip() and not line.strip().startswith("#"))


def count(app_dir: Path) -> dict[str, Count]:
    counts = {"python": Count(), "migrations": Count(), "config": Count()}
    for path in sorted(app_dir.rglob("*")):
        if not path.is_file() or SKIP & set(path.parts):
            continue
        relative = path.relative_to(app_dir)
        if "migrations" in relative.parts:
            kind = "migrations"
        elif path.suffix == ".py":
            kind = "python"
        else:
            kind = "config"
        counts[kind].add(relative, code_lines(path))
    return counts


def table() -> str:
    rows = [
        "| app | hand-written Python: files / lines | migrations: files / lines "
        "| config: files / lines |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, folder in APPS.items():
        c = count(HERE / folder)
        rows.append(
            f"| {name} | {c['python'].files} / {c['python'].lines} "
            f"| {c['migrations'].files} / {c['migrations'].lines} "
            f"| {c['config'].files} / {c['config'].lines} |"
        )
    return "\n".join(rows)


def main() -> None:
    print(table())
    print()
    for name, folder in APPS.items():
        python = count(HERE / folder)["python"]
        listing = ", ".join(f"{p} ({code_lines(HERE / folder / p)})" for p in python.paths)
        print(f"- {name}: {listing}")


if __name__ == "__main__":
    main()
