"""An in-memory NewsSource for unit tests: counts what it was asked for."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

from nntp.errors import NoSuchArticle, NoSuchGroup
from nntp.models import Article, GroupInfo, Overview, OverviewBatch
from nntp.source import Capability, NewsSource

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


def make_overview(number: int, parent: int | None = None) -> Overview:
    refs = (f"<{parent}@fake>",) if parent else ()
    subject = f"Re: topic {parent}" if parent else f"topic {number}"
    return Overview(number, subject, f"user{number % 3}@fake", T0 + timedelta(hours=number),
                    f"<{number}@fake>", refs, 100, 5)


class FakeSource(NewsSource):
    """Groups of generated overviews; ``requests`` logs every (first, last) OVER range.

    Only the core of a source (no posting, no raw overviews): a subclass that adds
    a method declares it in ``capabilities``.
    """

    capabilities = Capability.NONE

    def __init__(self, groups: dict[str, list[Overview]], chunk: int = 100) -> None:
        self.groups = groups
        self.chunk = chunk
        self.requests: list[tuple[str, int, int]] = []
        self.closed = False

    @property
    def identity(self) -> str:
        return "fake"

    def list_groups(self) -> list[GroupInfo]:
        return [self.select_group(name) for name in self.groups]

    def select_group(self, name: str) -> GroupInfo:
        if name not in self.groups:
            raise NoSuchGroup(f"fake: no such group {name!r}")
        arts = self.groups[name]
        if not arts:
            return GroupInfo(name, 1, 0, 0)
        return GroupInfo(name, arts[0].number, arts[-1].number, len(arts))

    def iter_overviews(self, name: str, first: int, last: int) -> Iterator[OverviewBatch]:
        self.requests.append((name, first, last))
        for start in range(first, last + 1, self.chunk):
            end = min(last, start + self.chunk - 1)
            chosen = tuple(o for o in self.groups[name] if start <= o.number <= end)
            yield OverviewBatch(chosen, start, end)

    def article(self, name: str, key: int | str) -> Article:
        for o in self.groups.get(name, []):
            if key in (o.number, o.message_id):
                raw = f"Message-ID: {o.message_id}\nSubject: {o.subject}\nFrom: {o.author}\n\nbody {o.number}\n"
                return Article(o.number, o.message_id, (("Subject", o.subject),), f"body {o.number}\n",
                               raw.encode())
        raise NoSuchArticle(f"fake: no article {key}")

    def close(self) -> None:
        self.closed = True
