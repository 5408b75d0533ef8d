"""Thread trees flattened into display rows, once, off the event loop.

The thread view renders rows lazily, so all the per-article work that does not
depend on the screen width happens here: the tree graphic (slrn/tin style) and
whether the subject repeats the parent's. Pure Python: no textual, no rich.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from datetime import datetime
from sys import intern

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


Shape = tuple[str, bool, int, str, "str | None"]
"""A row's (tree, show_subject, depth, title, own Message-ID): the last is None when it is the article's
own, as on every article's row, so a big group's rows share a few hundred distinct shapes."""
_SHAPES: dict[Shape, Shape] = {}
_SHAPES_KEPT = 4096
"""Shapes shared across rows, at most this many (a hostile 100,000-deep chain has one per depth)."""


class ThreadRow:
    """One line of the thread view.

    150,000 are built at once, so a row holds two references: its article and a
    *shape* shared with every row drawn alike (see ``Shape``); its Message-ID is
    the article's. 48 bytes a row, where a six-field NamedTuple took 96
    (local.big: ~7 MB). Immutable by convention, compared by value, ``_replace``
    derives a changed copy.
    """

    __slots__ = ("article", "_shape")

    def __init__(self, article: Overview | None, message_id: str, tree: str, show_subject: bool, depth: int,
                 title: str = "") -> None:
        self.article = article
        """None for a dummy (missing) parent that several replies refer to."""
        own = None if article is not None and article.message_id == message_id else message_id
        shape = (tree, show_subject, depth, title, own)
        self._shape = _SHAPES.get(shape) or _kept(shape)

    @property
    def message_id(self) -> str:
        own, article = self._shape[4], self.article
        if own is not None or article is None:
            return own or ""
        return article.message_id

    @property
    def tree(self) -> str:
        """Tree graphic before the subject, e.g. ``"│ └─>"``; empty for a thread root."""
        return self._shape[0]

    @property
    def show_subject(self) -> bool:
        """False when a reply's subject only repeats its parent's (shown as tree only)."""
        return self._shape[1]

    @property
    def depth(self) -> int:
        return self._shape[2]

    @property
    def title(self) -> str:
        """A missing article's subject, taken from its earliest reply without "Re:" (slrn, tin); else empty."""
        return self._shape[3]

    def _fields(self) -> tuple[Overview | None, str, str, bool, int, str]:
        tree, show, depth, title, _ = self._shape
        return (self.article, self.message_id, tree, show, depth, title)

    def _replace(self, *, message_id: str | None = None, tree: str | None = None, show_subject: bool | None = None,
                 depth: int | None = None, title: str | None = None) -> ThreadRow:
        """A copy with some fields changed (the NamedTuple idiom this class replaced)."""
        _, old_id, old_tree, old_show, old_depth, old_title = self._fields()
        return ThreadRow(self.article, old_id if message_id is None else message_id,
                         old_tree if tree is None else tree, old_show if show_subject is None else show_subject,
                         old_depth if depth is None else depth, old_title if title is None else title)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ThreadRow):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        article, message_id, tree, show, depth, title = self._fields()
        number = article.number if article is not None else None
        return f"ThreadRow({number}, {message_id!r}, {tree!r}, {show}, {depth}, {title!r})"


def _kept(shape: Shape) -> Shape:
    """A new shape, kept for sharing unless it is one row's own (a title, a missing article's Message-ID)
    or the table is full."""
    if not shape[3] and shape[4] is None and len(_SHAPES) < _SHAPES_KEPT:
        return _SHAPES.setdefault(shape, shape)
    return shape


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
