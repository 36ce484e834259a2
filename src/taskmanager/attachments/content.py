"""What a file is, decided from its bytes; how its name is shown and sent.

The client's name and Content-Type are never trusted: the type is sniffed with
libmagic from the first bytes, a picture's size read from its header by Pillow
(which never decodes the pixels here), and the name is cleaned for display only.
"""

from __future__ import annotations

import io
import unicodedata
import warnings
from dataclasses import dataclass
from urllib.parse import quote

import magic
from PIL import Image

from taskmanager.attachments.models import RASTER_TYPES

# Enough for libmagic and for the headers of the pictures we preview (a JPEG's size
# may follow a long EXIF block).
HEAD_BYTES = 256 * 1024
MAX_NAME = 255
# Types a browser would run or render as a document: downloads of these are sent as
# opaque bytes, whatever else protects them.
ACTIVE_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/javascript",
        "application/javascript",
    }
)
_PILLOW_FORMATS = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    width: int | None = None
    height: int | None = None


def sniff(head: bytes) -> Sniffed:
    """The content type of a file that starts with ``head``, and a picture's size."""
    if not head:
        return Sniffed("application/x-empty")
    content_type = magic.from_buffer(head, mime=True) or "application/octet-stream"
    if content_type not in RASTER_TYPES:
        return Sniffed(content_type)
    width, height = _dimensions(head, _PILLOW_FORMATS[content_type])
    return Sniffed(content_type, width, height)


def _dimensions(head: bytes, pillow_format: str) -> tuple[int | None, int | None]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            # Opening reads the header only; the pixels are never decoded here.
            with Image.open(io.BytesIO(head), formats=[pillow_format]) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        # Past Pillow's bound (about 179 megapixels) is past ours too: no size, no preview.
        return None, None
    except (OSError, ValueError, SyntaxError):
        return None, None
    return int(width), int(height)


def clean_filename(name: str | None) -> str:
    """A name safe to show: no path, no control or bidi characters, at most 255 chars."""
    name = unicodedata.normalize("NFC", name or "")
    # The last path component, whichever separator the client's system uses.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Control (Cc: NUL, newlines), format (Cf: right-to-left overrides) and the like.
    name = "".join(
        " " if unicodedata.category(ch) in ("Zl", "Zp") or ch.isspace() else ch
        for ch in name
        if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    name = " ".join(name.split()).strip(" .")
    if not name:
        return "file"
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 16:
            name = stem[: MAX_NAME - len(extension) - 1] + "." + extension
        else:
            name = name[:MAX_NAME]
    return name


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """``attachment`` (or ``inline``) with an ASCII fallback and the RFC 5987 UTF-8 name."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(ch if ch.isprintable() and ch not in '"\\;' else "_" for ch in ascii_name)
    kind = "inline" if inline else "attachment"
    return (
        f"{kind}; filename=\"{ascii_name or 'file'}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )


def served_type(content_type: str) -> str:
    """The Content-Type a download is sent with: opaque bytes for anything a browser runs."""
    if content_type in ACTIVE_TYPES or content_type.startswith("text/html"):
        return "application/octet-stream"
    return content_type
