"""Group scopes: wildmat lists with negation, as INN, tin and slrn spell them."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from killfile.model import Scope


def wildmat_body(pattern: str, escape: Callable[[str], str] = re.escape) -> str:
    """A wildmat as regex text (no anchors): ``*`` any run, ``?`` one character,
    ``[...]`` a class (``[!...]``/``[^...]`` negated), ``\\x`` a literal x.

    ``escape`` quotes literal characters for the target engine (Python ``re`` for
    group scopes, RE2 for imported tin patterns); the syntax is ours, never the user's.
    """
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(escape(pattern[i + 1]))
            i += 2
            continue
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        elif ch == "[" and pattern.find("]", i + 2) >= 0:
            end = pattern.find("]", i + 2)
            body = pattern[i + 1 : end]
            if body[:1] in ("^", "!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end
        else:
            out.append(escape(ch))
        i += 1
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def _wildmat(pattern: str) -> re.Pattern[str]:
    """Group names and the patterns are ASCII in practice; Python ``re`` is fine here."""
    return re.compile(wildmat_body(pattern) + r"\Z", re.IGNORECASE | re.DOTALL)


def wildmat(pattern: str, text: str) -> bool:
    """Does ``text`` match the whole wildmat ``pattern`` (case-insensitive, like group names)?"""
    return _wildmat(pattern).match(text) is not None


def in_scope(scope: Scope, group: str) -> bool:
    """The last pattern that matches decides; ``!`` patterns exclude.

    An empty list means every group; a list that starts with an exclusion
    (``["!misc.invest.*"]``, slrn's ``[~misc.invest.*]``) starts from "every group".
    """
    if not scope.patterns:
        return True
    result = scope.patterns[0].startswith("!")
    for pattern in scope.patterns:
        negated = pattern.startswith("!")
        if wildmat(pattern[1:] if negated else pattern, group):
            result = not negated
    return result


def parse_group_list(text: str) -> tuple[str, ...]:
    """``comp.*,!comp.os.*`` -> (``comp.*``, ``!comp.os.*``)."""
    return tuple(p.strip() for p in text.split(",") if p.strip())
