"""The digest: a group's noise-free front page, the threads most worth reading since the last visit.

Only what the killfile leaves visible counts (killed and hidden articles are not in
``Scored.rows``). Each thread is ranked by its best score (the reader's own rules and
watches), the reader's interests (a thread they read in, authors they read, their tags)
and its activity (articles since the last visit), and its row carries a short reason
saying why it is there. On a first visit every thread competes; with nothing new since
the last visit the note says so and the best threads of the last ``RECENT_DAYS`` days
are shown instead. Pure Python: no textual, no rich.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

from killfile.headers import normalize_address
from killfile.model import UserState
from store.visits import Visit
from app.rootindex import root_reader
from app.rows import ThreadRow, display_name, row_author, row_date
from app.scoring import DIGEST_SIZE, NORMAL, Scored

RECENT_DAYS = 7
REASON_WIDTH = 28
WATCHED = 1000
"""A thread watch adds +1000 (thread_watch_score): a best score this high means watched."""
READ_THREAD, FAVOURITE, OWN_TAG, ACTIVITY_CAP = 10, 5, 10, 20
"""Rank points: a thread the reader read in, a new article by an author they read (two or more
of their articles read), one of the reader's own tags; one point per new article, at most 20."""


@dataclass(frozen=True)
class Interests:
    """What the reader showed interest in: read marks, and the tags they set themselves."""

    is_read: Callable[[int], bool] | None = None
    tags: frozenset[str] = frozenset()


def reader_tags(state: UserState | None) -> frozenset[str]:
    """The tags the reader put on articles and threads (T), not the automatic ones."""
    if state is None:
        return frozenset()
    return frozenset(t for tags in (*state.message_tags.values(), *state.thread_tags.values()) for t in tags)


@dataclass
class _Thread:
    first: ThreadRow
    best: int | None = None
    active: int = 0
    read_in: bool = False
    favourite: str = ""
    tags: set[str] = field(default_factory=set)


def digest_since(scored: Scored, visit: Visit | None, interests: Interests | None = None,
                 size: int = DIGEST_SIZE) -> tuple[list[ThreadRow], str]:
    """(the digest rows, each with its reason, and one line saying what they are)."""
    interests = interests or Interests()
    if not isinstance(scored.rows, list):  # rows made on demand: made once here, not on each of the passes below
        scored = replace(scored, rows=list(scored.rows))
    if visit is None:
        return rank(scored, interests, lambda row: True, size, "articles"), "digest: first visit, so all threads"
    when = datetime.fromtimestamp(visit.visited, timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")
    fresh = rank(scored, interests, lambda row: (row.number or 0) > visit.high, size)
    if fresh:
        grew = len(_active_roots(scored, visit.high))
        return fresh, f"digest since your last visit ({when}): {grew:,} threads with new articles"
    recent = rank(scored, interests, _recent(scored), size, "recent")
    return recent, (f"digest: nothing new since your last visit ({when}); "
                    f"the best threads of the last {RECENT_DAYS} days instead")


def rank(scored: Scored, interests: Interests, counts: Callable[[ThreadRow], bool],
         size: int = DIGEST_SIZE, word: str = "new") -> list[ThreadRow]:
    """The ``size`` best threads holding an article ``counts`` accepts, each as its first row
    with the reason in the tree column; ties keep thread order."""
    threads = _threads(scored, interests, counts, _favourites(scored.rows, interests))
    order = sorted(threads.values(), key=lambda t: -_points(t, interests))[:size]
    return [t.first._replace(tree=_cell(reason(t, word)), show_subject=True, depth=0, title="") for t in order]


def _threads(scored: Scored, interests: Interests, counts: Callable[[ThreadRow], bool],
             favourites: set[str]) -> dict[str, _Thread]:
    firsts: dict[str, ThreadRow] = {}
    read_in: set[str] = set()
    counted: list[tuple[str, ThreadRow]] = []
    root_of = root_reader(scored.root_of)
    is_read = interests.is_read
    for row in scored.rows:
        number = row.number
        root = root_of(row) if number is not None else None
        if root is None or number is None:
            continue
        firsts.setdefault(root, row)
        if is_read is not None and is_read(number):
            read_in.add(root)
        if counts(row):
            counted.append((root, row))
    threads: dict[str, _Thread] = {}
    for root, row in counted:
        thread = threads.get(root)
        if thread is None:
            thread = threads[root] = _Thread(firsts[root], read_in=root in read_in)
        _count(thread, row, scored, favourites, interests)
    return threads


def _count(thread: _Thread, row: ThreadRow, scored: Scored, favourites: set[str], interests: Interests) -> None:
    info = scored.scores.get(row.message_id, NORMAL)
    thread.best = info.score if thread.best is None else max(thread.best, info.score)
    thread.active += 1
    thread.tags.update(t for t in info.tags if t in interests.tags)
    author = row_author(row)
    if not thread.favourite and normalize_address(author) in favourites:
        thread.favourite = display_name(author)


def _favourites(rows: Iterable[ThreadRow], interests: Interests) -> set[str]:
    """Authors the reader read two or more articles of (in what the group shows)."""
    if interests.is_read is None:
        return set()
    is_read = interests.is_read
    read = Counter(normalize_address(row_author(r)) for r in rows if (n := r.number) is not None and is_read(n))
    return {address for address, n in read.items() if n >= 2}


def _points(t: _Thread, interests: Interests) -> int:
    return ((t.best or 0) + min(t.active, ACTIVITY_CAP) + READ_THREAD * t.read_in
            + FAVOURITE * bool(t.favourite) + OWN_TAG * bool(t.tags))


def reason(t: _Thread, word: str = "new") -> str:
    """Why the thread is in the digest, most telling first: "watched, 5 new, you read in it"."""
    parts = []
    best = t.best or 0
    if best >= WATCHED:
        parts.append("watched")
    elif best > 0:
        parts.append(f"score {best:+d}")
    if t.tags:
        parts.append(" ".join(f"#{tag}" for tag in sorted(t.tags)))
    if t.read_in:
        parts.append("you read in it")
    if t.favourite:
        parts.append(f"by {t.favourite.split()[0]}")
    parts.append(f"{t.active} {word[:-1] if t.active == 1 and word.endswith('s') else word}")
    return ", ".join(parts)


def _cell(text: str) -> str:
    """The reason as a fixed-width column before the subject."""
    clipped = text if len(text) <= REASON_WIDTH else text[:REASON_WIDTH - 1] + "…"
    return f"{clipped:<{REASON_WIDTH}} │ "


def _active_roots(scored: Scored, since: int) -> set[str]:
    root_of = root_reader(scored.root_of)
    roots = (root_of(row) for row in scored.rows if (row.number or 0) > since)
    return {root for root in roots if root is not None}


def _recent(scored: Scored) -> Callable[[ThreadRow], bool]:
    """Articles of the last RECENT_DAYS days before the newest dated one (undated ones count)."""
    dates = [date for row in scored.rows if row.number is not None and (date := row_date(row)) is not None]
    if not dates:
        return lambda row: row.number is not None
    since = max(dates) - timedelta(days=RECENT_DAYS)
    return lambda row: row.number is not None and ((date := row_date(row)) is None or date >= since)
