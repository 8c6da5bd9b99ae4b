"""Turning what users hand us (files, scraped HTML, odd characters) into clean article text."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from newsstance.errors import NewsstanceError

_HTML_HINT = re.compile(r"<\s*(html|body|p|div|br|span|article|h[1-6]|a\s|script|style)\b", re.I)
_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "article", "section", "tr", "title"}


class InputError(NewsstanceError):
    """Text input that cannot be used, named with the problem."""


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "noscript"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def looks_like_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text[:5000]))


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def clean_text(text: str) -> str:
    """Control characters other than newlines and tabs become spaces (they break tokenizers and
    offsets stay stable because the replacement is one character for one); NUL included."""
    return "".join(
        " " if unicodedata.category(ch) == "Cc" and ch not in "\n\t" else ch for ch in text
    )


def reduce_html(text: str) -> tuple[str, bool]:
    """(the text newsstance labels, whether it was reduced from HTML): what start/end offsets index."""
    return (html_to_text(text), True) if looks_like_html(text) else (text, False)


def read_bytes(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None


def read_text_file(path: Path) -> str:
    """A UTF-8 text file, HTML reduced to its text; clear errors for unreadable or non-UTF-8 files."""
    return reduce_html(decode_text(read_bytes(path), str(path)))[0]


def decode_text(raw: bytes, name: str) -> str:
    """UTF-8 bytes (a BOM allowed) to text; `name` appears in errors."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            f"{name}: not UTF-8 text (invalid byte at offset {e.start}); convert it to UTF-8 first"
        ) from None
