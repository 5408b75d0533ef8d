"""A cursor list on Textual's Line API: rows are rendered on demand, a line at a time.

Subclasses say how many rows there are and how to draw one row as rich Text;
this class handles the cursor, scrolling, paging and a small LRU cache of
rendered strips, so a list of 150,000 rows costs only the rows on screen.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from nntp.sanitize import is_safe_line, sanitize_line
from tui.help_sections import HelpSectioned


class LineList(HelpSectioned, ScrollView, can_focus=True):
    """Rows with a cursor; Enter posts :class:`LineList.Selected`.

    A subclass whose keys help lists says under which heading with ``HELP_SECTION``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", id="cursor-down", show=False),
        Binding("up,k", "cursor_up", "Up", id="cursor-up", show=False),
        Binding("space,pagedown", "page_down", "Page down", id="page-down", show=False, key_display="space"),
        Binding("pageup,b", "page_up", "Page up", id="page-up", show=False),
        Binding("home", "first", "First", id="cursor-first", show=False),
        Binding("end", "last", "Last", id="cursor-last", show=False),
        Binding("enter", "select", "Open", id="open"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"line-list--cursor"}

    cursor: reactive[int] = reactive(0, always_update=True)
    """Index of the highlighted row."""

    class Selected(Message):
        """Enter was pressed on row ``index``."""

        def __init__(self, line_list: LineList, index: int) -> None:
            super().__init__()
            self.line_list = line_list
            self.index = index

        @property
        def control(self) -> LineList:
            return self.line_list

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._cache: LRUCache[tuple[int, int, bool, bool, int], Strip] = LRUCache(1024)
        self._generation = 0

    # -- for subclasses ----------------------------------------------------
    @property
    def row_count(self) -> int:
        raise NotImplementedError

    def render_row(self, index: int, width: int) -> Text:
        """Row ``index`` as one line of Text, at most ``width`` cells."""
        raise NotImplementedError

    def rows_changed(self, cursor: int = 0) -> None:
        """Call after the rows change: drops the cache, resizes, puts the cursor at ``cursor``."""
        self._generation += 1
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, self.row_count)
        self.cursor = cursor
        self.refresh()

    # -- rendering ---------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if index >= self.row_count or width <= 0:
            return Strip.blank(width, self.rich_style)
        selected = index == self.cursor
        key = (index, width, selected, self.has_focus, self._generation)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_strip(index, width, selected)
            self._cache[key] = strip
        return strip

    def _render_strip(self, index: int, width: int, selected: bool) -> Strip:
        text = self.render_row(index, width)
        text.truncate(width, overflow="ellipsis")
        segments = list(text.render(self.app.console, end=""))
        if not is_safe_line(text.plain):  # the last border: no row may carry a control sequence
            segments = [Segment(sanitize_line(seg.text), seg.style, seg.control) for seg in segments]
        if selected:  # the cursor colours win over the row's own colours
            cursor = self.get_component_rich_style("line-list--cursor")
            segments = list(Segment.apply_style(segments, post_style=cursor))
            segments.append(Segment(" " * max(0, width - text.cell_len), cursor))
        return Strip(segments).adjust_cell_length(width).apply_style(self.rich_style)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._generation += 1
        self._cache.clear()

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, self.row_count)
        self._scroll_to_cursor()

    # -- cursor ------------------------------------------------------------
    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self.row_count - 1))

    def watch_cursor(self) -> None:
        self._scroll_to_cursor()
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        if self.row_count:
            region = Region(0, self.cursor, max(1, self.scrollable_content_region.width), 1)
            self.scroll_to_region(region, animate=False, force=True, x_axis=False)

    @property
    def page_height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_page_down(self) -> None:
        self.cursor += self.page_height

    def action_page_up(self) -> None:
        self.cursor -= self.page_height

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self.row_count - 1

    def action_select(self) -> None:
        if self.row_count:
            self.post_message(self.Selected(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        index = round(self.scroll_y) + event.y
        if 0 <= index < self.row_count:
            if index == self.cursor and event.chain >= 2:
                self.action_select()
            self.cursor = index
