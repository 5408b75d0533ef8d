"""``/``: full-text search over the cached headers and bodies, the same search as ``pith search``.

The query is words and "phrases" (FTS5, as on the command line) plus two filters a
reader types inline: ``from:ADDRESS`` and ``group:NAME`` (``group:*`` searches every
group). From a group's screens the search starts in that group. It reads only the
local store, so it answers offline too; Enter opens a hit in the pager.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Footer, Header
from textual.worker import get_current_worker

from store.library import Library
from store.search import SearchHit
from tui.navigation import OpenSearchHit, open_screen
from tui.screens.base import PithScreen
from tui.widgets.hit_list import HitList
from tui.widgets.line_list import LineList
from tui.widgets.status_line import StatusLine

LIMIT = 500
"""Hits listed at most (newest first); the status line says when there were more."""


@dataclass(frozen=True)
class Query:
    """What the reader typed, split into the words and the inline filters."""

    words: str
    group: str | None
    author: str | None

    def describe(self) -> str:
        where = f" in {self.group}" if self.group else " in every group"
        who = f" from {self.author}" if self.author else ""
        return f"{self.words or '(any)'}{who}{where}"


def parse_query(text: str, group: str | None) -> Query:
    """``'sound from:bob@x group:*'`` -> Query("sound", None, "bob@x"); ``group`` is the default scope."""
    words, author = [], None
    for token in text.split():
        key, colon, value = token.partition(":")
        if colon and key.lower() == "from" and value:
            author = value
        elif colon and key.lower() == "group" and value:
            group = None if value == "*" else value
        else:
            words.append(token)
    return Query(" ".join(words), group, author)


class SearchDone(Message):
    """The hits of a search, from the worker that ran it."""

    def __init__(self, hits: list[SearchHit]) -> None:
        super().__init__()
        self.hits = hits


class SearchScreen(PithScreen):
    """Hits for one query; ``/`` asks for another, q goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "back", "Back", id="back")]
    HELP_SECTION = "Search results"

    def __init__(self, query: Query) -> None:
        super().__init__()
        self.query_ = query
        self.group = query.group
        """The scope a new ``/`` starts from (see PithScreen.action_search)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield HitList(id="hits")
        yield StatusLine(id="status")
        yield Footer()

    @property
    def hit_list(self) -> HitList:
        return self.query_one(HitList)

    def on_mount(self) -> None:
        self.sub_title = f"search: {self.query_.describe()}"
        self.status.show(f"searching {self.query_.describe()}…")
        self.hit_list.focus()
        self._search(self.query_)

    def action_back(self) -> None:
        self.dismiss()

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, query: Query) -> None:
        hits = self.library.call(Library.search, query.words, query.group, query.author, None, LIMIT + 1, local=True)
        if not get_current_worker().is_cancelled:
            self.post_message(SearchDone(hits))

    def on_search_done(self, message: SearchDone) -> None:
        hits: list[SearchHit] = message.hits[:LIMIT]
        self.hit_list.set_hits(hits, show_groups=self.query_.group is None)
        more = len(message.hits) > LIMIT
        count = f"the newest {LIMIT}" if more else f"{len(hits):,}"
        self.status.show(f"{count} hit{'s' if len(hits) != 1 else ''} for {self.query_.describe()}"
                         if hits else f"nothing cached matches {self.query_.describe()}")
        self.status.set_counts(f"{len(hits):,} hits")

    @on(LineList.Selected, "#hits")
    def _open_hit(self, event: LineList.Selected) -> None:
        """Open a hit in the pager; an open thread list of its group keeps its read mark (tui/opener.py)."""
        hit = self.hit_list.hits[event.index]
        open_screen(self.app, OpenSearchHit(hit.group, hit.number))
