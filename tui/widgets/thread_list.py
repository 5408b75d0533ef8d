"""The thread view: one line per article, tree lines like slrn/tin, on the Line API.

Rows are flattened once (app.rows, in a worker thread); this widget only draws
the few rows on screen: tree + subject on the left, then author, date, lines.
Folded threads keep their first row, marked ``[+N]`` with the number hidden;
the visible rows are a sorted list of indices, so folding 150,000 rows costs a
few milliseconds and the cursor finds its row again by bisection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import ClassVar, overload

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message

from killfile.states import ScoreState
from killfile.tags import tags_beyond_subject
from nntp.models import Overview
from app.rows import ThreadRow, display_name, format_date, missing_label
from app.scoring import NORMAL, RowScore, hidden_root
from app.views import position_of, unit_of, unit_starts, visible_rows
from tui.widgets.line_list import LineList

AUTHOR_WIDTH = 20
DATE_WIDTH = 10
LINES_WIDTH = 5
HIDDEN = "[hidden article]"
SCORE_WIDTH = 6
TAGS_WIDTH = 16
GAP = "  "
UNREAD_MARK = "N "
"""Before the tree of an unread article (slrn/tin style); read rows get blanks of the same width."""
READ_MARK = "  "


class VisibleRows(Sequence[ThreadRow]):
    """The rows on show, by position, without copying 150,000 tuples."""

    def __init__(self, rows: Sequence[ThreadRow], visible: list[int] | None) -> None:
        self._rows = rows
        self._visible = visible

    def __len__(self) -> int:
        return len(self._rows) if self._visible is None else len(self._visible)

    @overload
    def __getitem__(self, index: int) -> ThreadRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[ThreadRow]: ...
    def __getitem__(self, index: int | slice) -> ThreadRow | list[ThreadRow]:
        if isinstance(index, slice):
            visible = self._visible
            picked = range(*index.indices(len(self._rows))) if visible is None else visible[index]
            return [self._rows[i] for i in picked]
        return self._rows[index] if self._visible is None else self._rows[self._visible[index]]

    def __iter__(self) -> Iterator[ThreadRow]:
        if self._visible is None:
            return iter(self._rows)
        return (self._rows[i] for i in self._visible)


class ThreadList(LineList):
    """Threads of one group; Enter posts ``LineList.Selected`` for the row under the cursor."""

    HELP_SECTION = "Thread list"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,minus", "fold", "Collapse", id="collapse-thread"),
        Binding("right,plus", "unfold", "Expand", id="expand-thread", show=False),
        Binding("asterisk", "fold_all", "Collapse/expand all", id="toggle-all-threads", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "line-list--cursor",
        "thread-list--unread",
        "thread-list--tree",
        "thread-list--subject",
        "thread-list--missing",
        "thread-list--folded",
        "thread-list--author",
        "thread-list--date",
        "thread-list--lines",
        "thread-list--score",
        "thread-list--tags",
        "thread-list--high",
        "thread-list--low",
    }

    class ExpandHidden(Message):
        """Right / Enter on an "N hidden" row: show the hidden articles of thread ``root``."""

        def __init__(self, root: str) -> None:
            super().__init__()
            self.root = root

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.all_rows: Sequence[ThreadRow] = []
        self.folded: set[int] = set()
        self._starts: list[int] = []
        self._visible: list[int] | None = None
        self.scores: dict[str, RowScore] = {}
        """Message-ID -> score, state, tags (only rows that are not plain normal)."""
        self.hidden: dict[str, list[str]] = {}
        self._score_column = False
        """Thread root -> its hidden articles, for the "N hidden" rows."""
        self.is_read: Callable[[int], bool] | None = None
        """Article number -> read? (None: no read marks, no mark column); asked only for rows drawn."""

    @property
    def rows(self) -> VisibleRows:
        """The rows on show (folded units contribute their first row only)."""
        return VisibleRows(self.all_rows, self._visible)

    @property
    def row_count(self) -> int:
        return len(self.all_rows) if self._visible is None else len(self._visible)

    @property
    def current(self) -> ThreadRow | None:
        """The row under the cursor, if any."""
        return self.rows[self.cursor] if self.row_count else None

    @property
    def current_index(self) -> int:
        """Index into ``all_rows`` of the row under the cursor."""
        return self.index_of(self.cursor)

    def index_of(self, position: int) -> int:
        return position if self._visible is None else self._visible[position]

    def set_rows(self, rows: Sequence[ThreadRow], cursor: int = 0, scores: dict[str, RowScore] | None = None,
                 hidden: dict[str, list[str]] | None = None) -> None:
        """New rows, all unfolded; ``cursor`` is an index into them; scores and hidden lists if scored."""
        if scores is not None:
            self.scores = scores
            self._score_column = any(info.score for info in scores.values())
        if hidden is not None:
            self.hidden = hidden
        self.all_rows = rows
        self.folded = set()
        self._starts = unit_starts(rows)
        self._visible = None
        self.rows_changed(cursor)

    def marks_changed(self) -> None:
        """Read marks changed: redraw the rows on screen (no rows are rebuilt, the cursor stays)."""
        self._generation += 1
        self._cache.clear()
        self.refresh()

    def unit_end(self, index: int) -> int:
        """Index in ``all_rows`` just past the fold unit (thread) that holds row ``index``."""
        return unit_of(self._starts, len(self.all_rows), index)[1]

    def show_row(self, index: int) -> None:
        """Put the cursor on ``all_rows[index]``, unfolding its unit if it is hidden."""
        first, _ = unit_of(self._starts, len(self.all_rows), index)
        if first in self.folded and index != first:
            self._refold(self.folded - {first}, index)
        else:
            self.cursor = self._position(index)

    # -- folding -----------------------------------------------------------
    def action_fold(self) -> None:
        if self.row_count:
            first, end = unit_of(self._starts, len(self.all_rows), self.current_index)
            if end - first > 1:
                self._refold(self.folded | {first}, first)

    def action_unfold(self) -> None:
        root = hidden_root(self.current) if self.current is not None else None
        if root is not None:
            self.post_message(self.ExpandHidden(root))
            return
        if self.row_count:
            first, _ = unit_of(self._starts, len(self.all_rows), self.current_index)
            if first in self.folded:
                self._refold(self.folded - {first}, first)

    def action_fold_all(self) -> None:
        """Fold every unit with more than one row; if all are folded already, unfold them all."""
        if not self.row_count:
            return
        total = len(self.all_rows)
        foldable = {s for s in self._starts if unit_of(self._starts, total, s)[1] - s > 1}
        first, _ = unit_of(self._starts, total, self.current_index)
        self._refold(set() if foldable <= self.folded else foldable, first)

    def _refold(self, folded: set[int], keep: int) -> None:
        self.folded = folded
        self._visible = visible_rows(self._starts, len(self.all_rows), folded) if folded else None
        self.rows_changed(self._position(keep))

    def _position(self, index: int) -> int:
        return index if self._visible is None else position_of(self._visible, index)

    # -- drawing -----------------------------------------------------------
    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"thread-list--{part}")

    def render_row(self, index: int, width: int) -> Text:
        position = self.index_of(index)
        row = self.all_rows[position]
        article = row.article  # built once a line: rows from Columns make a record on each access
        right = self._columns(row, article) if width >= 50 else Text()
        left = Text(no_wrap=True)
        if self.is_read is not None:
            unread = article is not None and not self.is_read(article.number)
            left.append(UNREAD_MARK if unread else READ_MARK, self._style("unread"))
        left.append(row.tree, self._style("tree"))
        if position in self.folded:
            hidden = unit_of(self._starts, len(self.all_rows), position)[1] - position - 1
            left.append(f"[+{hidden}] ", self._style("folded"))
        info = self.scores.get(row.message_id, NORMAL)
        tags = tags_beyond_subject(info.tags, article.subject) if row.show_subject and article else info.tags
        if tags and article is not None:
            left.append(_short_tags(tags) + " ", self._style("tags"))
        root = hidden_root(row)
        if root is not None:
            count = len(self.hidden.get(root, ()))
            left.append(f"… {count} hidden", self._style("folded"))
        elif article is None:
            left.append(HIDDEN if row.message_id in self.scores else missing_label(row), self._style("missing"))
        elif row.show_subject:
            left.append(article.subject, self._subject_style(info))
        left.truncate(max(0, width - right.cell_len), overflow="ellipsis", pad=True)
        return left + right

    def _subject_style(self, info: RowScore) -> Style:
        if info.state == ScoreState.HIGH:
            return self._style("high")
        if info.state in (ScoreState.HIDDEN, ScoreState.READ):
            return self._style("low")
        return self._style("subject")

    def _columns(self, row: ThreadRow, article: Overview | None) -> Text:
        author = display_name(article.author) if article else ""
        date = format_date(article.date) if article else ""
        lines = str(article.lines) if article else ""
        text = Text(no_wrap=True)
        if self._score_column:
            score = self.scores.get(row.message_id, NORMAL).score if article else 0
            text.append(GAP)
            text.append(f"{score:+d}".rjust(SCORE_WIDTH) if score else " " * SCORE_WIDTH, self._style("score"))
        text.append(GAP)
        text.append(_fit(author, AUTHOR_WIDTH, self._style("author")))
        text.append(GAP)
        text.append(date.ljust(DATE_WIDTH), self._style("date"))
        text.append(GAP)
        text.append(lines.rjust(LINES_WIDTH), self._style("lines"))
        return text


def _short_tags(tags: tuple[str, ...]) -> str:
    text = "[" + ",".join(tags) + "]"
    return text if len(text) <= TAGS_WIDTH else text[: TAGS_WIDTH - 2] + "…]"


def _fit(value: str, width: int, style: Style) -> Text:
    text = Text(value, style=style, no_wrap=True)
    text.truncate(width, overflow="ellipsis", pad=True)
    return text
