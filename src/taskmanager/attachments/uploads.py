"""Reading a ``multipart/form-data`` body as a stream of parts, a chunk at a time.

Werkzeug's ``request.files`` would spool every file to a temporary file first (and
``request.form`` parses the whole body); for attachments of any size the body is
instead decoded with Werkzeug's own sans-IO ``MultipartDecoder`` while it arrives,
and each file's bytes go straight on to storage. Nothing here touches ``request``:
the views hand over the stream and the boundary.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.sansio.multipart import Data
from werkzeug.sansio.multipart import Epilogue
from werkzeug.sansio.multipart import Field
from werkzeug.sansio.multipart import File
from werkzeug.sansio.multipart import MultipartDecoder
from werkzeug.sansio.multipart import NeedData

from taskmanager.errors import ValidationFailed

CHUNK = 64 * 1024
# What the decoder may buffer at once: a part's headers, or one chunk not yet handed on.
MAX_BUFFER = 1024 * 1024
MAX_PARTS = 50
MAX_FIELD_BYTES = 4096


class MalformedUpload(ValidationFailed):
    default_message = (
        "The upload could not be read. Send it as multipart/form-data with the file in 'file'."
    )


@dataclass
class Part:
    """One form part: a field (``filename`` is None) or a file, its bytes still streaming."""

    name: str
    filename: str | None
    chunks: Iterator[bytes]

    def text(self) -> str:
        """A field's value, small by nature (a CSRF token); a long one is refused."""
        value = bytearray()
        for chunk in self.chunks:
            value += chunk
            if len(value) > MAX_FIELD_BYTES:
                raise MalformedUpload(f"The form field {self.name!r} is too long.")
        return value.decode("utf-8", "replace")


class _Reader:
    def __init__(self, stream: IO[bytes], boundary: bytes) -> None:
        self.stream = stream
        self.decoder = MultipartDecoder(boundary, max_form_memory_size=MAX_BUFFER)
        self.decoder.max_parts = MAX_PARTS
        self.ended = False

    def next_event(self) -> object:
        while True:
            try:
                event = self.decoder.next_event()
            except ValueError as error:
                raise MalformedUpload() from error
            if not isinstance(event, NeedData):
                return event
            if self.ended:
                raise MalformedUpload("The upload ended before the form did. Try again.")
            data = self.stream.read(CHUNK)
            if not data:
                self.ended = True
            try:
                self.decoder.receive_data(data or None)
            except RequestEntityTooLarge as error:
                raise MalformedUpload("A form part's headers are too long.") from error

    def data(self) -> Iterator[bytes]:
        while True:
            event = self.next_event()
            if not isinstance(event, Data):
                raise MalformedUpload()
            if event.data:
                yield event.data
            if not event.more_data:
                return


def parts(stream: IO[bytes], boundary: str) -> Iterator[Part]:
    """The body's parts in order. Read each part's chunks before asking for the next;
    whatever a caller leaves unread is skipped.

    Raises:
        MalformedUpload: not multipart, cut short, or too many parts.
    """
    if not boundary or len(boundary) > 200:
        raise MalformedUpload()
    reader = _Reader(stream, boundary.encode("latin-1", "replace"))
    while True:
        event = reader.next_event()
        if isinstance(event, Epilogue):
            return
        if isinstance(event, Field | File):
            chunks = reader.data()
            filename = event.filename if isinstance(event, File) else None
            yield Part(name=event.name or "", filename=filename, chunks=chunks)
            for _ in chunks:
                pass
