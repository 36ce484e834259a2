"""Reading and writing the task CSV format."""

from __future__ import annotations

import csv
import io

from taskmanager.errors import ValidationFailed

COLUMNS = ["title", "description", "status", "priority", "due_at", "assignee_email", "labels"]
MAX_ROWS = 50_000


def read_csv(content: bytes) -> list[dict[str, str]]:
    """The rows of an uploaded CSV. Raises ValidationFailed when it cannot be read."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed("Save the file as UTF-8 CSV and upload it again.") from None
    if "\x00" in text:
        # Binary files (a spreadsheet saved as .xlsx, UTF-16) have NULs; the database
        # refuses them in text, and no CSV a person typed contains one.
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ValidationFailed(
            f"Line {line} holds a NUL byte, so this is not a text CSV. Save the file as "
            "UTF-8 CSV and upload it again."
        )
    reader = csv.DictReader(io.StringIO(text))
    try:
        names = reader.fieldnames
        if not names or "title" not in [name.strip().lower() for name in names]:
            raise ValidationFailed(
                "The first line must name the columns, with at least 'title'. "
                f"Recognised columns: {', '.join(COLUMNS)}."
            )
        rows = [
            {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()} for row in reader
        ]
    except csv.Error as error:
        # A field over the csv module's size limit, say.
        raise ValidationFailed(
            f"Line {reader.line_num + 1} cannot be read as CSV ({error}). Save the file as "
            "comma-separated values and upload it again."
        ) from None
    if len(rows) > MAX_ROWS:
        raise ValidationFailed(f"Import at most {MAX_ROWS:,} rows at a time.")
    return rows


def write_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()
