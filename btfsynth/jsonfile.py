"""The rules of btfsynth's one JSON reader (:func:`btfsynth.files.parse_json`), and locating
a JSON element by line for error messages.

Numbers beyond the range of a double (``Infinity``, ``1e400``, a 400-digit integer) are
refused as they are parsed, with their line: RFC 8259 §6 warns that they do not survive other
JSON tools, and in btfsynth they would overflow later (``float(10**400)``) with no location.
``NaN`` reads as NaN; each reader refuses it where a number must be finite. Nesting deeper than
Python's recursion limit is refused with the line where it is deepest.

:func:`locate` finds the line of an element given its path from the root (``("gates", 5)``),
so that readers that check the parsed structure can still say ``file:line``.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Sequence

from .errors import FormatError

_FLOAT_MAX = sys.float_info.max
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]|[^\s\[\]{},:"]+')
"""JSON tokens: strings, punctuation, and everything else (numbers, literals, junk)."""


class JsonNumberError(ValueError):
    """A JSON number beyond the range of a double."""

    def __init__(self, literal: str) -> None:
        super().__init__(literal)
        self.literal = literal


def _json_constant(literal: str) -> float:
    if literal == "NaN":
        return math.nan
    raise JsonNumberError(literal)


def _json_float(literal: str) -> float:
    value = float(literal)
    if math.isinf(value):
        raise JsonNumberError(literal)
    return value


def _json_int(literal: str) -> int:
    if len(literal) > 310:  # beyond 1.8e308 and the 4300-digit limit of int(): refuse unread
        raise JsonNumberError(literal)
    value = int(literal)
    if abs(value) > _FLOAT_MAX:
        raise JsonNumberError(literal)
    return value


HOOKS = {"parse_constant": _json_constant, "parse_float": _json_float, "parse_int": _json_int}
"""Keyword arguments of :func:`json.loads` that refuse the numbers of :class:`JsonNumberError`
(about free: they replace the conversions json would make anyway)."""


def error(exc: Exception, text: str, path) -> FormatError:
    """The located error for a refused number (:class:`JsonNumberError`) or for nesting
    beyond Python's recursion limit (:class:`RecursionError`)."""
    if isinstance(exc, JsonNumberError):
        literal = exc.literal
        found = re.search(r"(?<![\w.+-])" + re.escape(literal) + r"(?![\w.])", text)
        line = text.count("\n", 0, found.start()) + 1 if found else None
        shown = literal if len(literal) <= 24 else f"{literal[:12]}... ({len(literal)} digits)"
        return FormatError(f"JSON number {shown} is beyond the range of a double", path, line)
    return FormatError("JSON nested too deeply to read", path, _deepest_line(text))


def _deepest_line(text: str) -> int:
    """The line where the brackets of JSON ``text`` first reach their deepest nesting."""
    depth = deepest = 0
    line, at, last = 1, 1, 0
    for token in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[{\]}]', text):
        char = token.group()
        if char in ("[", "{"):
            at += text.count("\n", last, token.start())
            last = token.start()
            depth += 1
            if depth > deepest:
                deepest, line = depth, at
        elif char in ("]", "}"):
            depth -= 1
    return line


def locate(text: str | None, steps: Sequence[str | int]) -> int | None:
    """The line on which the element at ``steps`` (object keys and array indices from the
    root, e.g. ``("network", "edges", 3)``) starts in JSON ``text``; None when there is no
    text or no such element. One pass over the tokens, run only to report an error."""
    if text is None:
        return None
    target = tuple(steps)
    stack: list[list] = []  # per open container: [is object, key or index, expecting a key]
    line, last = 1, 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        top = stack[-1] if stack else None
        if token in ("]", "}"):
            if stack:
                stack.pop()
            continue
        if token == ",":
            if top is not None:
                if top[0]:
                    top[2] = True
                else:
                    top[1] += 1
            continue
        if top is not None and top[0] and top[2]:  # an object's key, then its ':'
            if token == ":":
                top[2] = False
            elif token.startswith('"'):
                try:
                    top[1] = json.loads(token)
                except ValueError:
                    top[1] = token
            continue
        if token == ":":
            continue
        line += text.count("\n", last, match.start())
        last = match.start()
        if tuple(entry[1] for entry in stack) == target:
            return line
        if token == "[":
            stack.append([False, 0, False])
        elif token == "{":
            stack.append([True, None, True])
    return None
