"""Search matches marked in text: escaped first, so the text itself can never be markup."""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup
from markupsafe import escape

from taskmanager.tasks.search import WORD

# Markdown's emphasis, code and heading marks: noise in a one-line excerpt.
MARKDOWN_MARKS = re.compile(r"[*`#~]+")


def _matching(word: str, terms: Sequence[str]) -> bool:
    folded = word.lower()
    return any(folded.startswith(term) for term in terms)


def first_match(text: str, terms: Sequence[str]) -> int | None:
    """Where the first word of ``text`` that a term matches (as a prefix) starts."""
    for found in WORD.finditer(text):
        if _matching(found.group(), terms):
            return found.start()
    return None


def highlight(text: str, terms: Sequence[str]) -> Markup:
    """``text`` escaped, each word a term matches (as a prefix) in ``<mark>``."""
    parts: list[str] = []
    last = 0
    for found in WORD.finditer(text):
        if _matching(found.group(), terms):
            parts.append(escape(text[last : found.start()]))
            parts.append(Markup("<mark>%s</mark>") % found.group())
            last = found.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def snippet(text: str, terms: Sequence[str], *, width: int = 160) -> str | None:
    """About ``width`` characters of ``text`` around its first match, on one line;
    None when no word matches. Descriptions and comments are Markdown: its marks go."""
    text = MARKDOWN_MARKS.sub("", text)
    start = first_match(text, terms)
    if start is None:
        return None
    begin = max(0, start - width // 3)
    # Start at a word boundary, so no word is shown cut in half.
    if begin:
        space = text.find(" ", begin, start)
        begin = space + 1 if space != -1 else begin
    end = min(len(text), begin + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    shown = " ".join(text[begin:end].split())
    return ("…" if begin else "") + shown + ("…" if end < len(text) else "")
