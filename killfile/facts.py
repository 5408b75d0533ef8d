"""Per-article columns the engine needs, computed once per scoring run and only if asked for.

A million-article group must not pay for author normalisation or parent links
when no rule, cap or detector uses them, so every column is a cached property.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from functools import cached_property

from nntp.models import Overview

from killfile.headers import normalize_address

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _canonical_key(article: Overview) -> tuple[int, float, str, str]:
    """Which of several articles sharing a Message-ID represents it: never depends on order."""
    stamp = article.date.timestamp() if article.date else 0.0
    return (article.number, stamp, article.subject, article.author)


class Facts:
    """Columns over ``articles`` (a fixed sequence; index i is article i everywhere)."""

    def __init__(self, articles: Sequence[Overview]) -> None:
        self.articles = articles

    @cached_property
    def addresses(self) -> list[str]:
        """Normalised From address of each article."""
        norm = normalize_address
        return [norm(a.author) for a in self.articles]

    @cached_property
    def by_id(self) -> dict[str, int]:
        """Message-ID -> index; a duplicated ID maps to the same article whatever the input order."""
        table: dict[str, int] = {}
        for i, a in enumerate(self.articles):
            seen = table.get(a.message_id)
            if seen is None or _canonical_key(a) < _canonical_key(self.articles[seen]):
                table[a.message_id] = i
        return table

    @cached_property
    def parents(self) -> list[int]:
        """Index of the nearest ancestor present (from the References, last first), or -1."""
        by_id = self.by_id
        out: list[int] = []
        for a in self.articles:
            parent = -1
            for ref in reversed(a.references):
                if ref != a.message_id:
                    found = by_id.get(ref)
                    if found is not None:
                        parent = found
                        break
            out.append(parent)
        return out

    @cached_property
    def thread_keys(self) -> list[str]:
        """The thread an article belongs to: the first Message-ID its References name, else its own.

        That is the JWZ root whenever References are complete, which they are in
        practice, and it costs no parent walking on a million articles.
        """
        return [a.references[0] if a.references else a.message_id for a in self.articles]

    @cached_property
    def timestamps(self) -> list[float | None]:
        return [a.date.timestamp() if a.date else None for a in self.articles]
