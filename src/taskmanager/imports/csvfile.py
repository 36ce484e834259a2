"""Reading and writing the task CSV format."""

from __future__ import annotations

import csv
import io
import re

from taskmanager.errors import Unprocessable

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV
# Injection"): a task titled =HYPERLINK(...) would run on whoever opens the export.
FORMULA_START = re.compile(r"'*[=+\-@\t\r]")

COLUMNS = ["title", "description", "status", "priority", "due_at", "assignee_email", "labels"]
MAX_ROWS = 50_000


def read_csv(content: bytes) -> list[dict[str, str]]:
    """The rows of an uploaded CSV.

    Raises Unprocessable (422 in the API: the document can say "a file", not what is in
    it) when the file cannot be read as a UTF-8 CSV with a title column.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unprocessable("Save the file as UTF-8 CSV and upload it again.") from None
    if "\x00" in text:
        # Binary files (a spreadsheet saved as .xlsx, UTF-16) have NULs; the database
        # refuses them in text, and no CSV a person typed contains one.
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise Unprocessable(
            f"Line {line} holds a NUL byte, so this is not a text CSV. Save the file as "
            "UTF-8 CSV and upload it again."
        )
    reader = csv.DictReader(io.StringIO(text))
    try:
        names = reader.fieldnames
        if not names or "title" not in [name.strip().lower() for name in names]:
            raise Unprocessable(
                "The first line must name the columns, with at least 'title'. "
                f"Recognised columns: {', '.join(COLUMNS)}."
            )
        rows = [
            {(k or "").strip().lower(): restore((v or "").strip()) for k, v in row.items()}
            for row in reader
        ]
    except csv.Error as error:
        # A field over the csv module's size limit, say.
        raise Unprocessable(
            f"Line {reader.line_num + 1} cannot be read as CSV ({error}). Save the file as "
            "comma-separated values and upload it again."
        ) from None
    if len(rows) > MAX_ROWS:
        raise Unprocessable(f"Import at most {MAX_ROWS:,} rows at a time.")
    return rows


def neutralise(cell: str) -> str:
    """``cell`` as a spreadsheet shows it as text: a quote before a formula's first sign.

    Cells already starting with quotes and then such a sign get one more, so that
    ``restore`` gives back exactly what was stored, quotes a user typed included.
    """
    return "'" + cell if FORMULA_START.match(cell) else cell


def restore(cell: str) -> str:
    """Undo ``neutralise``: an exported file imports as the data it came from."""
    return cell[1:] if cell.startswith("'") and FORMULA_START.match(cell) else cell


def write_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    # Every field quoted, as OWASP advises, on top of the neutralising quote.
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return buffer.getvalue()
