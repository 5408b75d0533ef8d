"""The article pager on the Line API: headers, then the body, wrapped to the width.

Article text is only ever put into rich ``Text`` objects (never parsed as
markup), and it arrives sanitized (nntp/sanitize.py), so "[red]" and escape
sequences show literally or as visible placeholders.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from nntp.models import Article

SHOWN_HEADERS = ("From", "Subject", "Date", "Newsgroups")
TAB_SIZE = 8


class ArticleView(ScrollView, can_focus=True):
    """Shows one article (or a one-line message while loading / on error)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j,enter", "line_down", "Line down", id="line-down", show=False),
        Binding("up,k", "line_up", "Line up", id="line-up", show=False),
        Binding("space,pagedown", "page_down", "Page down", id="page-down", key_display="space"),
        Binding("pageup,b", "page_up", "Page up", id="page-up", show=False),
        Binding("home", "scroll_home", "Top", id="article-top", show=False),
        Binding("end", "scroll_end", "Bottom", id="article-bottom", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-view--header-name",
        "article-view--header-value",
        "article-view--subject",
        "article-view--quote",
        "article-view--signature",
        "article-view--notice",
    }

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.article: Article | None = None
        self._notice = ""
        self._source: list[Text] = []
        self._lines: list[Text] = []
        self._wrapped_at = -1
        self._cache: LRUCache[int, Strip] = LRUCache(256)

    # -- content -----------------------------------------------------------
    def show_article(self, article: Article) -> None:
        self.article = article
        self._build()
        self.scroll_to(0, 0, animate=False)

    def show_notice(self, message: str) -> None:
        """A one-line message instead of an article ("loading…", an error)."""
        self.article = None
        self._notice = message
        self._build()

    @property
    def plain_lines(self) -> list[str]:
        """The displayed logical lines as plain text (for tests and search)."""
        return [line.plain for line in self._source]

    def _build(self) -> None:
        """(Re)build the styled lines; styles come from the theme, so rebuild on style changes."""
        if self.article is not None:
            self._source = self._article_lines(self.article)
        else:
            self._source = [Text(self._notice, style=self._style("notice"))]
        self._wrapped_at = -1
        self._rewrap()

    def _style(self, part: str):  # noqa: ANN202 - rich Style
        return self.get_component_rich_style(f"article-view--{part}")

    def _article_lines(self, article: Article) -> list[Text]:
        lines = []
        for name in SHOWN_HEADERS:
            value = article.header(name)
            if value:
                line = Text(f"{name}: ", style=self._style("header-name"), no_wrap=False)
                part = "subject" if name == "Subject" else "header-value"
                line.append(value, self._style(part))
                lines.append(line)
        if article.attachments:
            lines.append(Text("Attachments: " + ", ".join(article.attachments), style=self._style("notice")))
        lines.append(Text(""))
        lines.extend(self._body_lines(article.body))
        return lines

    def _body_lines(self, body: str) -> list[Text]:
        lines = []
        in_signature = False
        for raw in body.rstrip("\n").split("\n"):
            line = raw.expandtabs(TAB_SIZE) if "\t" in raw else raw
            in_signature = in_signature or line == "-- "
            if in_signature:
                lines.append(Text(line, style=self._style("signature")))
            elif line.startswith(">"):
                lines.append(Text(line, style=self._style("quote")))
            else:
                lines.append(Text(line))
        return lines

    # -- layout and rendering ---------------------------------------------
    def _rewrap(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._wrapped_at:
            return
        console = self.app.console
        wrapped: list[Text] = []
        for line in self._source:
            if line.cell_len <= width:
                wrapped.append(line)
            else:
                wrapped.extend(line.wrap(console, width, overflow="fold"))
        self._lines = wrapped
        self._wrapped_at = width
        self._cache.clear()
        self.virtual_size = Size(width, len(wrapped))
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._rewrap()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self._build()

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if width != self._wrapped_at:  # a scrollbar came or went: wrap again after this frame
            self.call_after_refresh(self._rewrap)
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        strip = self._cache.get(index)
        if strip is None or strip.cell_length != width:
            text = self._lines[index]
            strip = Strip(list(text.render(self.app.console, end="")), text.cell_len)
            strip = strip.adjust_cell_length(width).apply_style(self.rich_style)
            self._cache[index] = strip
        return strip

    # -- keys --------------------------------------------------------------
    def action_line_down(self) -> None:
        self.scroll_relative(y=1, animate=False)

    def action_line_up(self) -> None:
        self.scroll_relative(y=-1, animate=False)

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False)
