"""Marking JSON that came from the cache, so a script can tell it from a fresh answer.

When the server cannot be reached and the cache answers, every ``--json``
output says ``"stale": true``: an object gets the key, a list gets it in each
of its objects (the list stays a list, so existing readers keep working).
Fresh answers carry no ``stale`` key at all.
"""

from __future__ import annotations

from typing import Any, Protocol, TextIO


class _Knows(Protocol):
    answered_from_cache: bool


def mark_stale(data: Any) -> Any:
    """``data`` with ``"stale": true`` in the object, or in each object of the list."""
    if isinstance(data, dict):
        return {**data, "stale": True}
    if isinstance(data, list):
        return [{**item, "stale": True} if isinstance(item, dict) else item for item in data]
    return data


def is_stale(out: TextIO) -> bool:
    """Whether what is written to ``out`` now comes from the cache (see CacheAwareOut)."""
    return bool(getattr(out, "stale", False))


class CacheAwareOut:
    """A command's stdout that knows whether the Library has fallen back to the cache.

    The JSON writer asks ``stale`` when it writes, so output produced after a
    fallback is marked however deep in the command the fallback happened.
    """

    def __init__(self, out: TextIO, library: _Knows) -> None:
        self._out = out
        self._library = library

    @property
    def stale(self) -> bool:
        return self._library.answered_from_cache

    def write(self, text: str) -> int:
        return self._out.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._out, name)
