"""Search results on the Line API: date, group (when searching everywhere), author, subject, snippet."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text

from store.search import HIGHLIGHT, SearchHit
from tui.widgets.line_list import LineList

AUTHOR_WIDTH = 22
GROUP_MAX = 28


class HitList(LineList):
    """One row per hit; Enter posts ``LineList.Selected``. The matched words of a snippet are marked."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "line-list--cursor",
        "hit-list--date",
        "hit-list--group",
        "hit-list--author",
        "hit-list--subject",
        "hit-list--snippet",
        "hit-list--match",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hits: list[SearchHit] = []
        self.show_groups = True
        self._group_width = 12

    @property
    def row_count(self) -> int:
        return len(self.hits)

    @property
    def current(self) -> SearchHit | None:
        return self.hits[self.cursor] if self.hits else None

    def set_hits(self, hits: list[SearchHit], show_groups: bool) -> None:
        self.hits = hits
        self.show_groups = show_groups
        self._group_width = min(GROUP_MAX, max((len(h.group) for h in hits), default=12))
        self.rows_changed(0)

    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"hit-list--{part}")

    def render_row(self, index: int, width: int) -> Text:
        hit = self.hits[index]
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{hit.date:%Y-%m-%d}  " if hit.date else " " * 12, self._style("date"))
        if self.show_groups:
            group = Text(hit.group, style=self._style("group"))
            group.truncate(self._group_width, overflow="ellipsis", pad=True)
            text.append(group)
            text.append("  ")
        author = Text(hit.author, style=self._style("author"))
        author.truncate(AUTHOR_WIDTH, overflow="ellipsis", pad=True)
        text.append(author)
        text.append("  ")
        text.append(hit.subject, self._style("subject"))
        if hit.snippet:
            text.append("  ")
            self._append_snippet(text, hit.snippet)
        text.truncate(width, overflow="ellipsis")
        return text

    def _append_snippet(self, text: Text, snippet: str) -> None:
        """The snippet dimmed, its «matched» words in the match style (the marks themselves dropped)."""
        opening, closing = HIGHLIGHT
        rest = snippet
        while rest:
            before, found, after = rest.partition(opening)
            text.append(before, self._style("snippet"))
            if not found:
                return
            word, _, rest = after.partition(closing)
            text.append(word, self._style("match"))
