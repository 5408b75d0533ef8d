"""The thread view: one line per article, tree lines like slrn/tin, on the Line API.

Rows are flattened once (tui.rows, in a worker thread); this widget only draws
the few rows on screen: tree + subject on the left, then author, date, lines.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text

from tui.rows import MISSING, ThreadRow, display_name, format_date
from tui.widgets.line_list import LineList

AUTHOR_WIDTH = 20
DATE_WIDTH = 10
LINES_WIDTH = 5
GAP = "  "


class ThreadList(LineList):
    """Threads of one group; Enter posts ``LineList.Selected`` for the row under the cursor."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "line-list--cursor",
        "thread-list--tree",
        "thread-list--subject",
        "thread-list--missing",
        "thread-list--author",
        "thread-list--date",
        "thread-list--lines",
    }

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows: list[ThreadRow] = []

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def current(self) -> ThreadRow | None:
        """The row under the cursor, if any."""
        return self.rows[self.cursor] if self.rows else None

    def set_rows(self, rows: list[ThreadRow], cursor: int = 0) -> None:
        self.rows = rows
        self.rows_changed(cursor)

    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"thread-list--{part}")

    def render_row(self, index: int, width: int) -> Text:
        row = self.rows[index]
        right = self._columns(row) if width >= 50 else Text()
        left = Text(no_wrap=True)
        left.append(row.tree, self._style("tree"))
        if row.article is None:
            left.append(MISSING, self._style("missing"))
        elif row.show_subject:
            left.append(row.article.subject, self._style("subject"))
        left.truncate(max(0, width - right.cell_len), overflow="ellipsis", pad=True)
        return left + right

    def _columns(self, row: ThreadRow) -> Text:
        article = row.article
        author = display_name(article.author) if article else ""
        date = format_date(article.date) if article else ""
        lines = str(article.lines) if article else ""
        text = Text(no_wrap=True)
        text.append(GAP)
        text.append(_fit(author, AUTHOR_WIDTH, self._style("author")))
        text.append(GAP)
        text.append(date.ljust(DATE_WIDTH), self._style("date"))
        text.append(GAP)
        text.append(lines.rjust(LINES_WIDTH), self._style("lines"))
        return text


def _fit(value: str, width: int, style: Style) -> Text:
    text = Text(value, style=style, no_wrap=True)
    text.truncate(width, overflow="ellipsis", pad=True)
    return text
