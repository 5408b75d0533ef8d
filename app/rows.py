"""Thread trees flattened into display rows, once, off the event loop.

The thread view renders rows lazily, so all the per-article work that does not
depend on the screen width happens here: the tree graphic (slrn/tin style) and
whether the subject repeats the parent's. Pure Python: no textual, no rich.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from datetime import datetime
from sys import intern
from typing import NamedTuple

from nntp.addresses import split_address
from nntp.missing import missing_titles
from nntp.models import Overview
from nntp.threads import ThreadNode, normalize_subject

MAX_INDENT = 12
"""Tree levels drawn in full; deeper levels are elided with a leading "…" so a
hostile 100,000-deep chain costs O(n) memory, not O(n²)."""

BRANCH, LAST_BRANCH = "├─>", "└─>"
PIPE, BLANK = "│ ", "  "
MISSING = "[missing article]"
MISSING_MARK = "[missing]"


class ThreadRow(NamedTuple):
    """One line of the thread view (a NamedTuple: 150,000 of them are built at once)."""

    article: Overview | None
    """None for a dummy (missing) parent that several replies refer to."""
    message_id: str
    tree: str
    """Tree graphic before the subject, e.g. ``"│ └─>"``; empty for a thread root."""
    show_subject: bool
    """False when a reply's subject only repeats its parent's (shown as tree only)."""
    depth: int
    title: str = ""
    """A missing article's subject, taken from its earliest reply without "Re:" (slrn, tin); else empty."""


def flatten(roots: Iterable[ThreadNode]) -> list[ThreadRow]:
    """Depth-first rows of every thread, iteratively (any depth)."""
    rows: list[ThreadRow] = []
    keys: dict[str, str] = {}  # subject -> normalized subject; subjects repeat a lot
    for root in roots:
        flatten_into(root, rows, keys)
    return rows


def flatten_into(root: ThreadNode, rows: list[ThreadRow], keys: dict[str, str]) -> None:
    """Append one thread's rows to ``rows``; ``keys`` caches normalized subjects across threads."""
    # Stack entries: node, lead (ancestors' pipes), parent's subject key, is-last-child, depth.
    stack: list[tuple[ThreadNode, str, str | None, bool, int]] = [(root, "", None, True, 0)]
    titles: dict[int, str] | None = None
    while stack:
        node, lead, parent_key, last, depth = stack.pop()
        article = node.article
        key = None
        if article is not None:
            key = keys.get(article.subject)
            if key is None:
                key = keys[article.subject] = " ".join(normalize_subject(article.subject).split())
        tree = "" if depth == 0 else intern(lead + (LAST_BRANCH if last else BRANCH))  # a few hundred shapes
        show = depth == 0 or article is None or key != parent_key
        title = ""
        if article is None:  # titled from the replies: one pass over the thread, on its first such node
            titles = missing_titles(root) if titles is None else titles
            title = titles.get(id(node), "")
        rows.append(ThreadRow(article, node.message_id, tree, show, depth, title))
        child_lead = "" if depth == 0 else _cap(lead + (BLANK if last else PIPE))
        children = node.children
        for index in range(len(children) - 1, -1, -1):
            stack.append((children[index], child_lead, key, index == len(children) - 1, depth + 1))


def missing_label(row: ThreadRow) -> str:
    """What a missing article's row says: ``[missing] Subject`` when its replies tell the subject."""
    return f"{MISSING_MARK} {row.title}" if row.title else MISSING


def _cap(lead: str) -> str:
    limit = len(PIPE) * MAX_INDENT
    return lead if len(lead) <= limit else "…" + lead[-(limit - 1):]


def display_name(author: str) -> str:
    """The name part of a From header ("Name <a@b>", "a@b (Name)"), else the address."""
    name, address = split_address(author)
    return (name or address or author).strip().strip('"').strip()


def format_date(date: datetime | None) -> str:
    """YYYY-MM-DD in local time; blank when the Date header was unparseable."""
    return date.astimezone().strftime("%Y-%m-%d") if date is not None else ""


def cursor_after(old: list[ThreadRow], here: int, new: list[ThreadRow], fallback: str | None = None) -> int:
    """Where the cursor goes in ``new`` when the list it was on (``old``, at ``here``) is replaced.

    The same article if it is still listed; else ``fallback`` (a thread root, when switching
    views); else the first later row of ``old`` still listed (a kill or plonk took the row away,
    so the reader goes on to the next one, as in slrn and tin); else the nearest earlier one.
    """
    if not new:
        return 0
    where = {row.message_id: index for index, row in enumerate(new)}
    if 0 <= here < len(old) and old[here].message_id in where:
        return where[old[here].message_id]
    if fallback is not None and fallback in where:
        return where[fallback]
    later = (where[row.message_id] for row in old[here + 1:] if row.message_id in where)
    earlier = (where[row.message_id] for row in reversed(old[:max(0, here)]) if row.message_id in where)
    return next(later, next(earlier, 0))


def next_unread(rows: Sequence[ThreadRow], candidates: Iterable[int], unread: Container[int] | None) -> int | None:
    """The first of ``candidates`` (indices into ``rows``, in the order n, p or N looks) holding an
    unread article (any article when ``unread`` is None: no read marks yet)."""
    for index in candidates:
        article = rows[index].article
        if article is not None and (unread is None or article.number in unread):
            return index
    return None
