"""The article pager on the Line API: headers, then the body, wrapped to the width.

Which text gets which role (quote level, signature, hidden spoiler ...) is
decided in app/article_text.py; this widget only maps roles to theme styles and
draws the lines on screen. Article text is only ever put into rich ``Text``
objects (never parsed as markup), and it arrives sanitized (nntp/sanitize.py),
so "[red]" and escape sequences show literally or as visible placeholders.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from nntp.models import Article
from app.article_text import SHOWN_HEADERS, Line, body_lines, header_lines, raw_lines
from app.diff_text import DIFF_ROLES
from tui.help_sections import HelpSectioned

ROLES = ("header-name", "header-value", "subject", "attachment", "quote-1", "quote-2", "quote-3",
         "quote-4", "signature", "spoiler", "notice", "raw", *DIFF_ROLES)
CONTINUED = "↪ "
"""Starts each further screen line of a diff line too long for the width: a patch's lines must
never look like two lines of the file."""


class ArticleView(HelpSectioned, ScrollView, can_focus=True):
    """Shows one article (or a one-line message while loading / on error)."""

    HELP_SECTION = "Article"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j,enter", "line_down", "Line down", id="line-down", show=False),
        Binding("up,k", "line_up", "Line up", id="line-up", show=False),
        Binding("space,pagedown", "page_down", "Page down", id="page-down", key_display="space"),
        Binding("pageup,b", "page_up", "Page up", id="page-up", show=False),
        Binding("home", "scroll_home", "Top", id="article-top", show=False),
        Binding("end", "scroll_end", "Bottom", id="article-bottom", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {f"article-view--{role}" for role in ROLES}

    class EndReached(Message):
        """Page down was pressed with the end of the article already on screen."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.article: Article | None = None
        self.attachment_labels: tuple[str, ...] = ()
        self.rot13 = False
        self.revealed = False
        self.raw = False
        self.spoiler_hidden = False
        self.spoiler_hint = ""
        self.shown_headers: tuple[str, ...] = SHOWN_HEADERS
        """Header names above the body (config.toml ``[article] headers``)."""
        self._notice = ""
        self._source: list[Text] = []
        self._marked: list[bool] = []
        """Per logical line: whether its continuations get the CONTINUED marker (diff lines)."""
        self._lines: list[Text] = []
        self._wrapped_at = -1
        self._cache: LRUCache[int, Strip] = LRUCache(256)

    # -- content -----------------------------------------------------------
    def show_article(self, article: Article, attachments: tuple[str, ...] = ()) -> None:
        """A new article: ROT13, raw view and revealed spoilers start off again."""
        self.article = article
        self.attachment_labels = attachments
        self.rot13 = self.revealed = self.raw = False
        self._build()
        self.scroll_to(0, 0, animate=False)

    def show_notice(self, message: str) -> None:
        """A one-line message instead of an article ("loading…", an error)."""
        self.article = None
        self._notice = message
        self._build()

    def set_mode(self, *, rot13: bool | None = None, revealed: bool | None = None, raw: bool | None = None) -> None:
        """Switch ROT13, revealed spoilers or the raw view, keeping the scroll position."""
        self.rot13 = self.rot13 if rot13 is None else rot13
        self.revealed = self.revealed if revealed is None else revealed
        self.raw = self.raw if raw is None else raw
        self._build()

    @property
    def plain_lines(self) -> list[str]:
        """The displayed logical lines as plain text (for tests and search)."""
        return [line.plain for line in self._source]

    def _build(self) -> None:
        """(Re)build the styled lines; styles come from the theme, so rebuild on style changes."""
        logical = self._logical_lines()
        self._source = [self._text(line) for line in logical]
        self._marked = [any(role in DIFF_ROLES for _, role in line) for line in logical]
        self._wrapped_at = -1
        self._rewrap()

    def _logical_lines(self) -> list[Line]:
        article = self.article
        self.spoiler_hidden = False
        if article is None:
            return [((self._notice, "notice"),)]
        if self.raw:
            return raw_lines(article.raw) if article.raw else [(("(no raw text kept for this article)", "notice"),)]
        body, self.spoiler_hidden = body_lines(article.body, article.header("Subject"), rot=self.rot13,
                                               reveal=self.revealed, hint=self.spoiler_hint)
        return [*header_lines(article.headers, self.attachment_labels, self.shown_headers), (("", "body"),), *body]

    def _text(self, line: Line) -> Text:
        text = Text(no_wrap=False)
        for part, role in line:
            text.append(part, self._style(role))
        return text

    def _style(self, role: str) -> Style:
        if role == "body":
            return Style()
        return self.get_component_rich_style(f"article-view--{role}")

    # -- layout and rendering ---------------------------------------------
    def _rewrap(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._wrapped_at:
            return
        console = self.app.console
        wrapped: list[Text] = []
        for line, marked in zip(self._source, self._marked):
            if line.cell_len <= width:
                wrapped.append(line)
            elif marked and width > len(CONTINUED):
                wrapped.extend(self._continued(line, width))
            else:
                wrapped.extend(line.wrap(console, width, overflow="fold"))
        self._lines = wrapped
        self._wrapped_at = width
        self._cache.clear()
        self.virtual_size = Size(width, len(wrapped))
        self.refresh()

    def _continued(self, line: Text, width: int) -> list[Text]:
        """A diff line cut at the width, not at words (its spacing is code), each further part marked."""
        pieces = line.divide(_cuts(line.plain, width, width - len(CONTINUED)))
        marker = self._style("notice")
        return [pieces[0], *(Text.assemble((CONTINUED, marker), piece) for piece in pieces[1:])]

    def on_resize(self, event: events.Resize) -> None:
        self._rewrap()

    def notify_style_update(self) -> None:
        """A theme switch: rebuild once every component style is updated (they come after ours)."""
        super().notify_style_update()
        if self.is_mounted:
            self.call_after_refresh(self._rebuild_if_attached)

    def _rebuild_if_attached(self) -> None:
        """The pager may have been closed (K goes back to the list) before this ran: styles are gone."""
        if self.is_attached:
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
        """slrn's space: page on, and at the end of the article, go on to the next one."""
        if self.scroll_y >= self.max_scroll_y:
            if self.article is not None:
                self.post_message(self.EndReached())
        else:
            self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False)


def _cuts(text: str, first: int, rest: int) -> list[int]:
    """Offsets that cut ``text`` into a part of ``first`` cells, then parts of ``rest`` cells."""
    cuts: list[int] = []
    room, used = first, 0
    for offset, char in enumerate(text):
        size = cell_len(char)
        if used + size > room and used:
            cuts.append(offset)
            room, used = rest, 0
        used += size
    return cuts
