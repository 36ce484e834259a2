"""What each layer costs: microseconds per request, in-process, ``make bench-layers``.

No sockets and no server: each app is called the way a WSGI server calls it, with a
fresh environ, its body iterated and closed, in a ``timeit`` loop long enough to
take at least ``MIN_TIME`` seconds, several times over. The table reports the
median and the spread of those repeats. Absolute numbers depend on the machine;
the ratios to raw WSGI are the point.

The table is printed and written into ``foundations/README.md`` between the
``<!-- bench:start -->`` and ``<!-- bench:end -->`` markers.
"""

from __future__ import annotations

import argparse
import datetime
import io
import logging
import os
import platform
import statistics
import sys
import timeit
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from wsgiref.types import WSGIApplication
from wsgiref.types import WSGIEnvironment

from foundations import flask_app
from foundations import raw_wsgi
from foundations import werkzeug_app
from foundations.middleware import OptExcInfo
from foundations.middleware import default_chain
from foundations.middleware import static_credentials

README = Path(__file__).with_name("README.md")
START = "<!-- bench:start -->"
END = "<!-- bench:end -->"
REPEAT = 7
MIN_TIME = 0.2


@dataclass(frozen=True)
class Row:
    layer: str
    url: str
    microseconds: Sequence[float] = ()  # one per repeat; empty when not measured
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.microseconds)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m foundations.bench", description=__doc__)
    parser.add_argument("--repeat", type=int, default=REPEAT, help="default: %(default)s")
    parser.add_argument("--no-readme", action="store_true", help="print, do not write")
    args = parser.parse_args(argv)

    rows = [measure_row(layer, url, build, repeat=args.repeat) for layer, url, build in LAYERS]
    table = render(rows, repeat=args.repeat)
    print(table)
    if not args.no_readme:
        README.write_text(replace_between_markers(README.read_text(), table))
        print(f"\nWritten to {README}")


def measure_row(
    layer: str, url: str, build: Callable[[], WSGIApplication | None], *, repeat: int
) -> Row:
    try:
        app = build()
    except Exception as error:  # the product may be missing or misconfigured here
        return Row(layer, url, note=f"not available ({type(error).__name__}: {error})")
    if app is None:
        return Row(layer, url, note="not available (`import taskmanager` fails on this branch)")
    return Row(layer, url, measure(app, url, repeat=repeat))


def measure(
    app: WSGIApplication, url: str, *, repeat: int = REPEAT, min_time: float = MIN_TIME
) -> list[float]:
    """Microseconds per ``GET url``, one figure per repeat.

    Raises RuntimeError unless the app answers 200, so a typo cannot time a 404 page.
    """
    path, _, query = url.partition("?")
    template: WSGIEnvironment = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "localhost",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    statuses: list[str] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None
    ) -> Callable[[bytes], object]:
        statuses.append(status)
        return len

    def one_request() -> None:
        environ = {**template, "wsgi.input": io.BytesIO()}
        body = app(environ, start_response)
        try:
            for _chunk in body:
                pass
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    one_request()
    if not statuses[-1].startswith("200"):
        raise RuntimeError(f"GET {url} answered {statuses[-1]!r}; benchmark a 200 page.")
    timer = timeit.Timer(one_request)
    number = 1
    while timer.timeit(number) < min_time:  # as timeit.autorange, with our own floor
        number *= 2
    return [seconds / number * 1e6 for seconds in timer.repeat(repeat=repeat, number=number)]


def render(rows: Sequence[Row], *, repeat: int) -> str:
    """The Markdown table, with how, when and where it was measured."""
    baseline = rows[0].median
    lines = [
        "| layer | request | µs per request (median) | spread (min-max) | x raw WSGI |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for row in rows:
        if not row.microseconds:
            lines.append(f"| {row.layer} | `GET {row.url}` | {row.note} | | |")
            continue
        spread = f"{min(row.microseconds):.1f}-{max(row.microseconds):.1f}"
        ratio = row.median / baseline
        lines.append(
            f"| {row.layer} | `GET {row.url}` | {row.median:.1f} | {spread} | {ratio:.1f}x |"
        )
    today = datetime.date.today().isoformat()
    machine = (
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs (nproc), "
        f"{platform.system()} {platform.machine()}"
    )
    return "\n".join(
        [
            f"Measured with `make bench-layers` (`python -m foundations.bench`) on {today}; "
            f"{machine}. Each figure: the median of {repeat} runs of a loop of at least "
            f"{MIN_TIME} s.",
            "",
            *lines,
        ]
    )


def replace_between_markers(text: str, table: str) -> str:
    """``text`` with whatever lies between the bench markers replaced by ``table``."""
    start, end = text.find(START), text.find(END)
    if start == -1 or end < start:
        raise ValueError(f"Put {START} and {END} in {README.name} where the table belongs.")
    return text[: start + len(START)] + "\n" + table + "\n" + text[end:]


def chained(build: Callable[[], WSGIApplication]) -> Callable[[], WSGIApplication]:
    """``build()`` inside the full chain, logging to a real handler that drops the lines."""

    def build_chained() -> WSGIApplication:
        access = logging.getLogger("foundations.bench.access")
        access.setLevel(logging.INFO)
        access.propagate = False
        if not access.handlers:
            access.addHandler(logging.StreamHandler(open(os.devnull, "w")))  # noqa: SIM115
        check = static_credentials("admin", "secret")
        return default_chain(build(), check=check, access_logger=access)

    return build_chained


def product() -> WSGIApplication | None:
    """The product's app, or None while ``taskmanager`` does not exist on this branch."""
    try:
        from taskmanager import create_app  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    app: WSGIApplication = create_app({"TESTING": True})
    return app


LAYERS: list[tuple[str, str, Callable[[], WSGIApplication | None]]] = [
    ("raw WSGI", "/hello/Alice", raw_wsgi.create_app),
    ("raw WSGI + middleware chain", "/hello/Alice", chained(raw_wsgi.create_app)),
    ("Werkzeug", "/hello/Alice", werkzeug_app.create_app),
    ("Flask", "/hello/Alice", flask_app.create_app),
    ("Flask + middleware chain", "/hello/Alice", chained(flask_app.create_app)),
    ("product `/livez`", "/livez", product),
]


if __name__ == "__main__":
    main()
