"""The JSON parser of every endpoint: a body nested deeper than MAX_DEPTH is a 400.

Python's JSON parser recurses once per level of arrays and objects: a body of a
thousand `[` would exhaust the stack (a RecursionError, a 500), and anything
nearly as deep would crash later code that walks the data. The deepest body the
schema describes has 4 levels (a bulk push's participant); MAX_DEPTH leaves
ample room above it.

The depth is measured on the bytes before parsing, at the speed of C: escape
pairs (`\\\\`, `\\"`) are dropped, then every byte but quotes and brackets
(`{}` read as `[]`), then what lies in strings. A regular expression with
possessive groups, MAX_DEPTH of them nested, reads the brackets in one pass.
"""

import codecs
import functools
import re
from collections.abc import Iterator, Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

MAX_DEPTH = 32

# Brackets and quotes are kept (curly ones read as square ones), every other byte dropped.
_TABLE = bytes.maketrans(b"{}", b"[]")
_DROPPED = bytes(b for b in range(256) if b not in b'"[]{}')
# Up to this many backslashes, escapes are read one by one; above, chained replaces
# (slower per byte, faster per escape) bound a crafted body's cost.
_MANY_BACKSLASHES = 50_000


@functools.cache
def _nesting(limit: int) -> re.Pattern[bytes]:
    """Brackets at most `limit` deep; unclosed ones at the end and stray closers pass.

    Both are not JSON: its parser stops there, no deeper than it got before.
    """
    group = rb"\[(?:\]|\Z)"
    for _ in range(limit - 1):
        group = rb"\[(?:" + group + rb")*+(?:\]|\Z)"
    return re.compile(rb"(?:" + group + rb"|\])*+")


def _quotes_and_brackets(body: bytes) -> bytes:
    """The quotes and brackets of `body`, without those an escape makes text."""
    pieces = body.split(b"\\", _MANY_BACKSLASHES)
    if len(pieces) > _MANY_BACKSLASHES:
        pieces = [body.replace(b"\\\\", b"").replace(b'\\"', b"")]
    else:
        pieces = list(_after_escapes(pieces))
    return b"".join(piece.translate(_TABLE, _DROPPED) for piece in pieces)


def _after_escapes(pieces: list[bytes]) -> Iterator[bytes]:
    """The text between backslashes, with the quote an escape starts with dropped."""
    yield pieces[0]
    escaping = True  # whether the backslash before the next piece starts an escape
    for piece in pieces[1:]:
        if not escaping:
            yield piece  # after an escaped backslash
            escaping = True
        elif not piece:
            escaping = False  # an escaped backslash follows
        elif piece.startswith(b'"'):
            yield piece[1:]
        else:
            yield piece  # `\n`, `\u00e9`…: the escaped byte is no quote


def nested_deeper(body: bytes, *, limit: int) -> bool:
    """Whether JSON's parser would go more than `limit` levels deep reading UTF-8 `body`."""
    # Quotes side by side enclose no bracket: dropping them keeps the others' parity.
    quoted = _quotes_and_brackets(body).replace(b'""', b"").split(b'"')
    brackets = b"".join(quoted[::2])  # the odd pieces lie in strings
    return _nesting(limit).fullmatch(brackets) is None


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than MAX_DEPTH."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = _text_encoding(parser_context or {})
        raw = stream.read()
        try:
            text = raw.decode(encoding)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        utf8 = raw if codecs.lookup(encoding).name == "utf-8" else text.encode()
        if nested_deeper(utf8, limit=MAX_DEPTH):
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")
        parse_constant = json.strict_constant if self.strict else None
        try:
            return json.loads(text, parse_constant=parse_constant)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc


def _text_encoding(parser_context: Mapping[str, Any]) -> str:
    """The request's charset; one that is no text encoding (`bz2_codec`) is a 400."""
    encoding: str = parser_context.get("encoding") or settings.DEFAULT_CHARSET
    try:
        "".encode(encoding)
    except (LookupError, UnicodeError) as exc:
        raise ParseError(
            f'Unsupported charset "{encoding}" in request Content-Type header.'
        ) from exc
    return encoding
