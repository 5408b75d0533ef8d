"""The CLI's text border: what a command prints passes the sanitizer on its way out.

Commands write group names, subjects, Message-IDs, server replies and rule text
they did not write themselves. Rather than trust every ``out.write`` to
remember, ``main`` hands text commands a stream that sanitizes whatever goes
through it (``--json`` output is escaped by ``cli.jsonout`` instead), and stderr
lines go through :func:`warn`, one clipped line each.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO, cast

from nntp.sanitize import error_line, sanitize_line, sanitize_text


class SanitizingWriter:
    """A text stream that shows control, C1 and bidi characters instead of sending them."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(sanitize_text(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)  # flush, isatty, encoding ... as the real stream


def text_output(args: argparse.Namespace, stream: TextIO) -> TextIO:
    """``stream`` itself for ``--json`` and ``--jsonl`` (already escaped), else a sanitizing wrapper."""
    if getattr(args, "json", False) or getattr(args, "jsonl", False) or isinstance(stream, SanitizingWriter):
        return stream
    return cast(TextIO, SanitizingWriter(stream))  # a TextIO by delegation: __getattr__ forwards the rest


def warn(text: object, stream: TextIO | None = None) -> None:
    """``pith: <text>`` on stderr as one sanitized line, clipped to a sane length."""
    (stream or sys.stderr).write(f"pith: {error_line(str(text))}\n")


def field(value: str) -> str:
    """One field of a row-shaped output line: a newline in it must not forge another row."""
    return sanitize_line(value)
