"""One article in a pager: ROT13, spoilers, raw view, attachments; n/p/N move on, q goes back.

The thread list lends its ``step`` function as the navigator, so reading on here
moves the thread list's cursor too, and q lands on the article last read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header
from textual.worker import Worker, get_current_worker

from nntp.models import Article
from store.library import Library
from app.attachments import Attachment, attachments, default_directory, save_all
from tui.bindings import ARTICLE_ACTIONS, EXPORT, NAVIGATION
from tui.keymap import keys_for
from tui.messages import ArticleLoaded, AttachmentsSaved
from tui.screens.base import PithScreen
from tui.screens.export_actions import ExportActions, Target
from tui.screens.save import SaveScreen
from tui.screens.urls import UrlsScreen
from app.urls import Opener, article_urls, no_opener_message, opener_for, run_on_terminal, start
from tui.widgets.article_view import ArticleView
from tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from app.readmarks import ReadMarks


@runtime_checkable
class MarksOwner(Protocol):
    """What the pager asks of the thread list whose read marks it keeps: ThreadsScreen (tui/screens/reading.py),
    which it cannot import (the thread list imports the pager)."""

    @property
    def marks(self) -> ReadMarks | None: ...

    def article_read(self, number: int) -> None: ...

    def toggle_unread(self, number: int) -> str: ...

    def mark_thread_read(self, number: int) -> str: ...

Navigator = Callable[[str], "int | None"]
"""``step("next" | "previous" | "next-thread")`` -> the article number moved to, or None."""

KILLFILE_ACTIONS = {"kill_thread": True, "plonk_author": True, "boost_author": False, "cap_author": False,
                    "tag_thread": False, "explain": False}
"""Pager actions done by the thread list (its cursor is on the article shown) -> whether the
pager then goes back to the list, as the article just read is now killed."""


class ArticleScreen(ExportActions, PithScreen):
    """Shows article ``key`` (a number in ``group`` or a <message-id>)."""

    HELP_SECTION = "Article"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "back", "Back", id="back"),
        *NAVIGATION,
        Binding("X", "rot13", "ROT13", id="toggle-rot13"),
        Binding("v", "reveal", "Reveal spoiler", id="reveal-spoiler"),
        Binding("H", "raw", "Raw", id="toggle-raw"),
        Binding("s", "save", "Save attachments", id="save-attachments"),
        Binding("U,ctrl+b", "urls", "URLs: open one", id="open-url", show=False),
        *ARTICLE_ACTIONS,
        *EXPORT,
    ]

    def compose_context(self) -> tuple[str, int | str | None]:
        return self.group, self.key

    def __init__(self, group: str, key: int | str, navigator: Navigator | None = None,
                 thread_list: Screen[None] | None = None, read_marks: Screen[None] | None = None) -> None:
        super().__init__()
        self.group = group
        self.key = key
        self.navigator = navigator
        self.thread_list = thread_list
        """The ThreadsScreen this article was opened from: K/A/B/C/T/e act through it."""
        self.read_marks = read_marks if read_marks is not None else thread_list
        """The ThreadsScreen whose read marks this article's belong to (reading marks read, u, c): the
        one it was opened from, or (opened from search) an open thread list of the same group, so its
        rows and counts show the article read when the reader goes back to it."""
        self.attachments: list[Attachment] = []
        self.number: int | None = None
        """The number of the article shown (what u marks)."""
        self.article: Article | None = None
        """The article shown, once loaded (what | and w export)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield ArticleView(id="article")
        yield StatusLine(id="status")
        yield Footer()

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    def on_mount(self) -> None:
        config = getattr(self.app, "config", None)
        if config is not None:
            self.view.shown_headers = config.article.headers
        self.view.focus()
        self._open(self.key)

    def action_back(self) -> None:
        self.dismiss()

    # -- loading -----------------------------------------------------------
    def _open(self, key: int | str) -> None:
        self.key = key
        self.article = None
        self.sub_title = f"{self.group} {key}"
        self.attachments = []
        self.view.show_notice(f"loading article {key}…")
        self._load()

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def _load(self) -> None:
        group, key = self.group, self.key
        article = self.library.call(Library.article, group, key)
        parts = attachments(article.raw) if article.raw else []
        if not get_current_worker().is_cancelled:
            self.post_message(ArticleLoaded(article, parts))

    def on_article_loaded(self, message: ArticleLoaded) -> None:
        article = message.article
        self.article = article
        self.attachments = message.attachments
        self.view.spoiler_hint = f"press {keys_for(self.app, 'reveal-spoiler')} to reveal"
        self.view.show_article(article, tuple(part.label for part in message.attachments))
        number = article.number if article.number is not None else self.key
        self.sub_title = f"{self.group} {number}"
        self.number = number if isinstance(number, int) else None
        owner = self.read_marks
        if self.number is not None and isinstance(owner, MarksOwner) and owner.marks is not None:
            owner.article_read(self.number)  # reading on marks read, stored at once
        elif self.number is not None:  # no thread list of this group, or it is still loading
            self._mark_read_in_store(self.group, self.number)
        self.status.show(f"{len(article.body.splitlines()):,} lines  {article.message_id}")
        self._show_modes()
        self._read_ahead()

    def _read_ahead(self) -> None:
        """Ask for the next unread bodies now, on the session thread, so n shows them from the store."""
        from store.sync import prefetch_bodies
        from app.readahead import upcoming_unread

        targets = upcoming_unread(self.thread_list)
        group = self.group
        if targets:
            self.library.send(prefetch_bodies, lambda exc: None, group, targets)

    def load_failed(self, worker: Worker[object], message: str) -> None:
        if worker.group == "article":
            self.view.show_notice(message)
        super().load_failed(worker, message)

    def export_target(self) -> Target | None:
        """The article on screen; its thread from the thread list it was opened from, if loaded."""
        if self.article is None:
            return None
        owner = self.thread_list if getattr(self.thread_list, "loaded", False) else None
        scored = getattr(owner, "scored", None)
        return Target(self.group, self.key, self.article, getattr(owner, "overviews", None),
                      scored.root_of if scored is not None else None)

    # -- moving on ---------------------------------------------------------
    def action_next_article(self) -> None:
        self._move("next", "no more unread articles")

    def action_previous_article(self) -> None:
        self._move("previous", "no previous unread article")

    def action_next_thread(self) -> None:
        self._move("next-thread", "no later thread with unread articles")

    @on(ArticleView.EndReached)
    def _end_reached(self) -> None:
        self._move("next", "end of the last unread article")

    def _move(self, how: str, otherwise: str) -> None:
        number = self.navigator(how) if self.navigator is not None else None
        if number is None:
            self.status.show(otherwise)
            on_to_next_group = getattr(self.thread_list, "end_of_group", None)
            if how != "previous" and on_to_next_group is not None:
                on_to_next_group()  # the next subscribed group with unread articles (slrn, tin)
        else:
            self._open(number)

    # -- read marks (kept by the thread list) ----------------------------------
    def _mark_read_in_store(self, group: str, number: int) -> None:
        """No thread list keeps this group's marks (opened from search): mark read straight in the store, in order."""
        app = self.app

        def failed(exc: BaseException) -> None:
            app.call_from_thread(self.report_error, f"read mark not saved: {exc}")

        self.library.send(Library.mark_read, failed, group, (number,))

    def action_mark_unread(self) -> None:
        owner = self.read_marks
        if self.number is None or not isinstance(owner, MarksOwner):
            self.status.show("open the article from its group's thread list to mark it")
            return
        self.status.show(owner.toggle_unread(self.number))

    def action_mark_thread_read(self) -> None:
        owner = self.read_marks
        if self.number is None or not isinstance(owner, MarksOwner):
            self.status.show("open the article from its group's thread list to mark its thread")
            return
        self.status.show(owner.mark_thread_read(self.number))

    def action_catch_up(self) -> None:
        owner = self.read_marks
        if owner is None or not hasattr(owner, "ask_catch_up"):
            self.status.show("open the article from its group's thread list to catch up")
            return
        owner.ask_catch_up(self.status.show)

    # -- killfile actions (done by the thread list) ---------------------------
    def action_kill_thread(self) -> None:
        self._by_thread_list("kill_thread")

    def action_plonk_author(self) -> None:
        self._by_thread_list("plonk_author")

    def action_boost_author(self) -> None:
        self._by_thread_list("boost_author")

    def action_cap_author(self) -> None:
        self._by_thread_list("cap_author")

    def action_tag_thread(self) -> None:
        self._by_thread_list("tag_thread")

    def action_explain(self) -> None:
        self._by_thread_list("explain")

    def _by_thread_list(self, action: str) -> None:
        owner = self.thread_list
        if owner is None or not getattr(owner, "loaded", False):
            self.status.show("open the article from its group's thread list to do that")
            return
        getattr(owner, f"action_{action}")()
        if KILLFILE_ACTIONS[action]:
            self.dismiss()  # back to the list, where the thread or author is now gone

    # -- modes -------------------------------------------------------------
    def action_rot13(self) -> None:
        self.view.set_mode(rot13=not self.view.rot13)
        self._show_modes()

    def action_reveal(self) -> None:
        if not self.view.spoiler_hidden and not self.view.revealed:
            self.status.show("no hidden spoiler in this article")
            return
        self.view.set_mode(revealed=not self.view.revealed)
        self._show_modes()

    def action_raw(self) -> None:
        self.view.set_mode(raw=not self.view.raw)
        self._show_modes()

    def _show_modes(self) -> None:
        view = self.view
        modes = [name for name, on_ in (("raw", view.raw), ("ROT13", view.rot13),
                                        ("spoiler hidden", view.spoiler_hidden)) if on_]
        count = len(self.attachments)
        if count:
            modes.append(f"{count} attachment{'s' if count > 1 else ''}")
        self.status.set_counts(" · ".join(modes))

    # -- URLs (slrn's U, mutt's ctrl+b urlview) ----------------------------------
    def action_urls(self) -> None:
        urls = article_urls(self.article.body) if self.article is not None else []
        if not urls:
            self.status.show("no URLs in this article")
            return
        self.app.push_screen(UrlsScreen(urls), self._open_url)

    def _open_url(self, url: str | None) -> None:
        opener = opener_for(url) if url else None
        if url and opener is None:
            self.report_error(no_opener_message())
        elif opener is not None and opener.terminal and not self.app.is_headless:
            self._browse_on_terminal(opener)
        elif opener is not None:
            self._start_opener(opener)

    @work(thread=True, group="open-url", exit_on_error=False)
    def _start_opener(self, opener: Opener) -> None:
        worked, line = start(opener)
        self.app.call_from_thread(self.status.show if worked else self.report_error, line)

    def _browse_on_terminal(self, opener: Opener) -> None:
        """lynx, w3m ...: the terminal is the browser's until it exits, as for a pager on ``|``."""
        try:
            with self.app.suspend():
                status = run_on_terminal(opener)
        except SuspendNotSupported:
            self._start_opener(opener)
            return
        self.status.show(f"{opener.argv[0]}: exit status {status}" if status else "")

    # -- attachments -------------------------------------------------------
    def action_save(self) -> None:
        if not self.attachments:
            self.status.show("this article has no attachments")
            return
        names = [part.filename for part in self.attachments]
        self.app.push_screen(SaveScreen(names, default_directory()), self._save_to)

    def _save_to(self, directory: Path | None) -> None:
        if directory is not None:
            self._save(list(self.attachments), directory)

    @work(thread=True, group="save", exit_on_error=False)
    def _save(self, parts: list[Attachment], directory: Path) -> None:
        try:
            self.post_message(AttachmentsSaved(save_all(parts, directory)))
        except OSError as exc:
            self.post_message(AttachmentsSaved([], f"cannot save to {directory}: {exc.strerror or exc}"))

    def on_attachments_saved(self, message: AttachmentsSaved) -> None:
        if message.error:
            self.report_error(message.error)
            return
        text = "saved " + ", ".join(str(path) for path in message.paths)
        self.status.show(text)
        self.notify(text, timeout=6, markup=False)
