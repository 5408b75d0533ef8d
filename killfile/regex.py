"""RE2 for every user pattern: linear time, so no rule can freeze the reader.

There is deliberately no fallback to Python's ``re``: a pattern RE2 rejects
(back-references, look-around) is reported with its file:line and its rule is
dropped, rather than run by a backtracking engine.
"""

from __future__ import annotations

import functools
import re
from types import ModuleType
from typing import Any

from nntp.errors import PithError

MAX_MEM = 64 << 20
"""Per compiled program; a Set of a few hundred patterns fits easily."""


@functools.lru_cache(maxsize=1)
def engine() -> ModuleType:
    """The google-re2 module, imported on first use so pith without rules runs without it."""
    try:
        import re2
    except ImportError:
        raise PithError("score rules need RE2: install the google-re2 package (pip install google-re2)") from None
    return re2


def options() -> Any:
    """RE2 options with its own stderr logging off (we report errors ourselves)."""
    opts = engine().Options()
    opts.log_errors = False
    opts.max_mem = MAX_MEM
    return opts


def with_case(pattern: str, case: bool) -> str:
    """The pattern, made case-insensitive with an inline flag unless ``case``."""
    return pattern if case else f"(?i:{pattern})"


def literal(text: str) -> str:
    """A regex matching ``text`` literally."""
    # RE2 syntax escapes like Python's for the characters that matter; re.escape needs no RE2.
    return re.escape(text)


@functools.lru_cache(maxsize=4096)
def check(pattern: str) -> str | None:
    """None if RE2 accepts ``pattern``; else RE2's own words for what is wrong."""
    re2 = engine()
    try:
        re2.compile(pattern, options())
    except re2.error as exc:
        message = exc.args[0] if exc.args else str(exc)
        if isinstance(message, bytes):
            message = message.decode("utf-8", "replace")
        return str(message)
    return None


@functools.lru_cache(maxsize=4096)
def compiled(pattern: str) -> Any:
    """A compiled pattern (already checked)."""
    return engine().compile(pattern, options())
