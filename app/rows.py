"""Thread trees flattened into display rows, once, off the event loop.

The thread view renders rows lazily, so all the per-article work that does not
depend on the screen width happens here: the tree graphic (slrn/tin style) and
whether the subject repeats the parent's. A big group's rows are not made here
but drawn from its Forest's slots on demand (app/threadrows.py), through the same
``ThreadRow``. Pure Python: no textual, no rich.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Container, Iterable, Iterator, Sequence
from datetime import datetime
from sys import intern
from typing import overload

from nntp.addresses import split_address
from nntp.missing import missing_titles
from nntp.columns import NO_DATE, Columns
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

    150,000 are built at once, so a row holds two references: its *item* and a
    *shape* shared with every row drawn alike (see ``Shape``). The item is the
    article's record (rows built from records), or its columns-mode ThreadNode
    (rows built from ``Columns``: no record per article, ``article`` builds one
    on demand for the rows on screen), or None. 48 bytes a row, where a
    six-field NamedTuple took 96 (local.big: ~7 MB). Immutable by convention,
    compared by value, ``_replace`` derives a changed copy.
    """

    __slots__ = ("_item", "_shape")

    def __init__(self, article: Overview | ThreadNode | None, message_id: str, tree: str, show_subject: bool,
                 depth: int, title: str = "") -> None:
        item = _item_of(article)
        self._item = item
        own = None if item is not None and _own_id(item) == message_id else message_id
        self._shape = shape_of((tree, show_subject, depth, title, own))

    @property
    def article(self) -> Overview | None:
        """None for a dummy (missing) parent that several replies refer to; built on each access when the row
        is a columns-mode node's (read it for the rows on screen, ``number`` and ``message_id`` in loops)."""
        item = self._item
        return item.article if isinstance(item, ThreadNode) else item

    @property
    def number(self) -> int | None:
        """The article's number (None for a missing article or an "N hidden" row), without building a record."""
        item = self._item
        if isinstance(item, ThreadNode):
            return item.number
        return item.number if item is not None else None

    @property
    def source(self) -> Columns | None:
        """The Columns holding this row's article (rows built from records: None); see ``index``."""
        item = self._item
        return item.source if isinstance(item, ThreadNode) else None

    @property
    def index(self) -> int:
        """The article's index in ``source`` (-1 without one)."""
        item = self._item
        return item.index if isinstance(item, ThreadNode) else -1

    @property
    def message_id(self) -> str:
        own, item = self._shape[4], self._item
        if own is not None or item is None:
            return own or ""
        return item.message_id

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
        """A copy with some fields changed (the NamedTuple idiom this class replaced); the item is shared."""
        old_tree, old_show, old_depth, old_title, own = self._shape
        if message_id is not None:
            item = self._item
            own = None if item is not None and _own_id(item) == message_id else message_id
        row = ThreadRow.__new__(ThreadRow)
        row._item = self._item
        row._shape = shape_of((old_tree if tree is None else tree, old_show if show_subject is None else show_subject,
                                old_depth if depth is None else depth, old_title if title is None else title, own))
        return row

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ThreadRow):
            return NotImplemented
        if self._item is other._item:  # the same article (or none): no record built
            return self._shape == other._shape
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        tree, show, depth, title, _ = self._shape
        return hash((self.number, self.message_id, tree, show, depth, title))

    def __repr__(self) -> str:
        _, message_id, tree, show, depth, title = self._fields()
        return f"ThreadRow({self.number}, {message_id!r}, {tree!r}, {show}, {depth}, {title!r})"


def _item_of(article: Overview | ThreadNode | None) -> Overview | ThreadNode | None:
    """What a row holds: a columns-mode node itself, a record-mode node's record (as rows always held)."""
    if isinstance(article, ThreadNode):
        return article if article.source is not None else article.article
    return article


def _own_id(item: Overview | ThreadNode) -> str:
    return item.message_id


def flat_shape(depth: int) -> Shape:
    """The shape of an article on a line of its own (the flat views): no tree, its subject shown."""
    return shape_of(("", True, depth, "", None))


def shape_of(shape: Shape) -> Shape:
    return _SHAPES.get(shape) or _kept(shape)


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
    """Append one thread's rows to ``rows``; ``keys`` caches normalized subjects across threads.

    A columns-mode node's subject is read from its Columns' table of distinct subjects (the
    same str object for every article with that subject), so no record is built for a row.
    Most nodes are leaves: the leads and tree graphics of children are made once per parent."""
    # Stack entries: node, its tree graphic, its lead (ancestors' pipes), parent's subject key, is-last-child, depth.
    stack: list[tuple[ThreadNode, str, str, str | None, bool, int]] = [(root, "", "", None, True, 0)]
    titles: dict[int, str] | None = None
    new_row, shapes = ThreadRow.__new__, _SHAPES
    while stack:
        node, tree, lead, parent_key, last, depth = stack.pop()
        source = node.source
        item: ThreadNode | Overview | None = node
        if source is not None:
            subject: str | None = source.subjects[source.subject_codes[node.index]]
        else:
            item = node.article
            subject = item.subject if item is not None else None
        key = None
        if subject is not None:
            key = keys.get(subject)
            if key is None:
                key = keys[subject] = " ".join(normalize_subject(subject).split())
        title = ""
        if subject is None:  # titled from the replies: one pass over the thread, on its first such node
            titles = missing_titles(root) if titles is None else titles
            title = titles.get(id(node), "")
        row = new_row(ThreadRow)
        row._item = item
        own = None if item is node or (item is not None and item.message_id == node.message_id) else node.message_id
        shape = (tree, depth == 0 or subject is None or key != parent_key, depth, title, own)
        row._shape = shapes.get(shape) or _kept(shape)
        rows.append(row)
        children = node.children
        if children:
            below = "" if depth == 0 else _cap(lead + (BLANK if last else PIPE))
            stack.append((children[-1], intern(below + LAST_BRANCH), below, key, True, depth + 1))
            if len(children) > 1:
                branch = intern(below + BRANCH)  # a few hundred distinct graphics in a big group
                stack.extend([(child, branch, below, key, False, depth + 1) for child in reversed(children[:-1])])


class LazyRows(Sequence[ThreadRow]):
    """Rows made when asked for (``ThreadRows``, ``app.flatrows.FlatRows``): a row is made anew on each access
    (``_row``), so they compare by value; ``number``, ``numbers`` and ``unit_starts`` are what a loop over every
    row reads without making them."""

    @abstractmethod
    def _row(self, index: int) -> ThreadRow:
        """Row ``index`` (0 <= index < len), made now."""

    @overload
    def __getitem__(self, index: int) -> ThreadRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[ThreadRow]: ...
    def __getitem__(self, index: int | slice) -> ThreadRow | list[ThreadRow]:
        size = len(self)
        if isinstance(index, slice):
            return [self._row(i) for i in range(*index.indices(size))]
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("row index out of range")
        return self._row(index)

    def __iter__(self) -> Iterator[ThreadRow]:
        return map(self._row, range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, (LazyRows, list)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]  # compared by value, as the list it stands for

    def number(self, index: int) -> int | None:
        """Row ``index``'s article number (None: a missing article or an "N hidden" row), no row made."""
        return self[index].number

    def numbers(self) -> Iterator[int | None]:
        """Every row's article number in order, no row made."""
        return (row.number for row in self)

    def unit_starts(self) -> list[int]:
        """Indices of the depth-0 rows (each starts a fold unit), ascending, no row made."""
        return [index for index, row in enumerate(self) if row.depth == 0]


def row_author(row: ThreadRow) -> str:
    """The From of the row's article ("" for none), from its Columns' table when it has them."""
    source = row.source
    if source is not None:
        return source.authors[source.author_codes[row.index]]
    article = row.article
    return article.author if article is not None else ""


def row_date(row: ThreadRow) -> datetime | None:
    """The Date of the row's article (None for none, or unreadable)."""
    source = row.source
    if source is not None:
        return source.date(row.index)
    article = row.article
    return article.date if article is not None else None


def date_key(row: ThreadRow) -> tuple[bool, float, int]:
    """Oldest first, undated last, then by number: the flat view's order, without a record per row."""
    source = row.source
    if source is not None:
        index = row.index
        stamp = source.stamps[index]
        return (stamp == NO_DATE, 0 if stamp == NO_DATE else stamp, source.numbers[index])
    article = row.article
    assert article is not None
    return (article.date is None, article.date.timestamp() if article.date is not None else 0, article.number)


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


def cursor_after(old: Sequence[ThreadRow], here: int, new: Sequence[ThreadRow], fallback: str | None = None) -> int:
    """Where the cursor goes in ``new`` when the list it was on (``old``, at ``here``) is replaced.

    The same article if it is still listed (or its placeholder); else ``fallback`` (a thread root, when
    switching views); else the first later row of ``old`` still listed (a kill or plonk took the row
    away, so the reader goes on to the next one, as in slrn and tin); else the nearest earlier one.
    """
    if not new:
        return 0
    where = _RowFinder(new)
    if 0 <= here < len(old) and (found := where.row(old[here])) is not None:
        return found
    if fallback is not None and (found := where.message_id(fallback)) is not None:
        return found
    later = (found for i in range(here + 1, len(old)) if (found := where.row(old[i])) is not None)
    earlier = (found for i in range(min(here, len(old)) - 1, -1, -1) if (found := where.row(old[i])) is not None)
    return next(later, next(earlier, 0))


class _RowFinder:
    """Which row of ``rows`` shows an article: by its number (no Message-ID decoded from Columns), by
    Message-ID only for the rows without an article (placeholders, "N hidden") and, when asked, the rest."""

    def __init__(self, rows: Sequence[ThreadRow]) -> None:
        self._rows = rows
        self._by_number: dict[int, int] = {}
        self._by_id: dict[str, int] = {}
        numbers = rows.numbers() if isinstance(rows, LazyRows) else (row.number for row in rows)
        for index, number in enumerate(numbers):
            if number is None:
                self._by_id[rows[index].message_id] = index
            else:
                self._by_number[number] = index
        self._article_ids: dict[str, int] | None = None

    def row(self, row: ThreadRow) -> int | None:
        """The row showing ``row``'s article, or the placeholder standing for it."""
        number = row.number
        if number is not None:
            found = self._by_number.get(number)
            return found if found is not None else self._by_id.get(row.message_id)
        return self.message_id(row.message_id)

    def message_id(self, message_id: str) -> int | None:
        found = self._by_id.get(message_id)
        if found is None:
            if self._article_ids is None:  # an article shown again where its placeholder was
                self._article_ids = {r.message_id: i for i, r in enumerate(self._rows)
                                     if r.number is not None}  # rare: an article where its placeholder was
            found = self._article_ids.get(message_id)
        return found


def next_unread(rows: Sequence[ThreadRow], candidates: Iterable[int], unread: Container[int] | None) -> int | None:
    """The first of ``candidates`` (indices into ``rows``, in the order n, p or N looks) holding an
    unread article (any article when ``unread`` is None: no read marks yet)."""
    number_at = rows.number if isinstance(rows, LazyRows) else (lambda index: rows[index].number)
    for index in candidates:
        number = number_at(index)
        if number is not None and (unread is None or number in unread):
            return index
    return None
