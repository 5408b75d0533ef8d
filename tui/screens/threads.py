"""The thread list of one group: fetch (with progress), thread, flatten, show.

Fetching runs on the session thread; threading, flattening and re-ordering
(CPU work, 150,000 articles) run in this screen's thread workers; the UI thread
only draws rows. The screen also steps through articles for the pager (n, p, N),
so the cursor here always sits on the article last read.
"""

from __future__ import annotations

import threading
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, ProgressBar
from textual.worker import Worker, get_current_worker

from nntp.threads import thread
from tui.backend import cancellable
from tui.bindings import ARTICLE_ACTIONS, NAVIGATION
from tui.messages import LoadPhase, LoadProgress, ThreadsReady, ViewReady
from tui.rows import ThreadRow, flatten
from tui.screens.article import ArticleScreen
from tui.screens.base import PithScreen
from tui.views import VIEW_TITLES, arrange, next_view
from tui.widgets.line_list import LineList
from tui.widgets.status_line import StatusLine
from tui.widgets.thread_list import ThreadList


class ThreadsScreen(PithScreen):
    """Threads of ``group``; opens ``open_article`` (number or <message-id>) once loaded."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "back", "Back", id="back"),
        Binding("o", "cycle_view", "View", id="cycle-view"),
        *NAVIGATION,
        *ARTICLE_ACTIONS,
    ]

    def __init__(self, group: str, open_article: int | str | None = None) -> None:
        super().__init__()
        self.group = group
        self.open_article = open_article
        self.loaded = False
        self.view = "threaded"
        self._views: dict[str, list[ThreadRow]] = {}
        self._summary = ""
        self._articles = 0
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        yield Header()
        yield ThreadList(id="threads")
        yield ProgressBar(id="progress", show_eta=False)
        yield StatusLine(id="status")
        yield Footer()

    @property
    def thread_list(self) -> ThreadList:
        return self.query_one(ThreadList)

    def on_mount(self) -> None:
        self.sub_title = self.group
        self.status.show(f"entering {self.group}…")
        self._load()

    def on_unmount(self) -> None:
        self._cancel.set()  # stops a long OVER fetch at its next batch

    def action_back(self) -> None:
        self.dismiss()

    # -- loading -----------------------------------------------------------
    @work(thread=True, exclusive=True, group="threads", exit_on_error=False)
    def _load(self) -> None:
        name = self.group
        report = cancellable(self._cancel, lambda done, expected: self.post_message(LoadProgress(name, done, expected)))
        load = self.library.call(lambda library: library.enter_group(name, progress=report))
        if get_current_worker().is_cancelled:
            return
        self.post_message(LoadPhase(f"threading {len(load.overviews):,} articles…"))
        roots = thread(load.overviews)
        rows = flatten(roots)
        if not get_current_worker().is_cancelled:
            self.post_message(ThreadsReady(load, rows, len(roots)))

    def on_load_progress(self, message: LoadProgress) -> None:
        self.query_one(ProgressBar).update(total=max(1, message.expected), progress=message.done)
        self.status.show(f"fetching {message.done:,}/{message.expected:,}")

    def on_load_phase(self, message: LoadPhase) -> None:
        self.status.show(message.text)

    def on_threads_ready(self, message: ThreadsReady) -> None:
        self.loaded = True
        self._views = {"threaded": message.rows}
        self.query_one(ProgressBar).display = False
        self.thread_list.set_rows(message.rows)
        self._summary = _summary(message)
        self._articles = len(message.load.overviews)
        self.status.show(self._summary)
        self._show_counts()
        self.thread_list.focus()
        if self.open_article is not None:
            self._open_start_article(self.open_article)
            self.open_article = None

    def load_failed(self, worker: Worker[object], message: str) -> None:
        """Entering the group failed: back to the group list, which shows why."""
        if worker.group == "threads" and self.is_current:
            self.dismiss()
            self.app.screen.report_error(message)  # type: ignore[attr-defined]
        else:
            super().load_failed(worker, message)

    # -- views -------------------------------------------------------------
    def action_cycle_view(self) -> None:
        """Threaded -> flat by date -> grouped by author; orders are built once, off the UI thread."""
        if not self.loaded:
            return
        view = next_view(self.view)
        if view in self._views:
            self._switch_view(view, self._views[view])
        else:
            self.status.show(f"arranging {VIEW_TITLES[view]}…")
            self._arrange(view, self._views["threaded"])

    @work(thread=True, exclusive=True, group="view", exit_on_error=False)
    def _arrange(self, view: str, threaded: list[ThreadRow]) -> None:
        rows = arrange(threaded, view)
        if not get_current_worker().is_cancelled:
            self.post_message(ViewReady(view, rows))

    def on_view_ready(self, message: ViewReady) -> None:
        self._views[message.view] = message.rows
        self._switch_view(message.view, message.rows)

    def _switch_view(self, view: str, rows: list[ThreadRow]) -> None:
        current = self.thread_list.current
        self.view = view
        self.thread_list.set_rows(rows)
        if current is not None:
            index = next((i for i, row in enumerate(rows) if row.message_id == current.message_id), 0)
            self.thread_list.show_row(index)
        self.status.show(f"{self._summary} · {VIEW_TITLES[view]}")
        self._show_counts()

    def _show_counts(self) -> None:
        self.status.set_counts(f"{self._articles:,} articles · {VIEW_TITLES[self.view]}")

    # -- moving (n, p, N here and in the pager) ----------------------------
    def step(self, how: str) -> int | None:
        """Move the cursor to the next/previous article row ("next", "previous") or the next thread
        ("next-thread"); -> its article number, or None when there is none (cursor stays).

        Read state is not built yet, so "next unread" means the next row with an article."""
        threads = self.thread_list
        rows = threads.rows
        if not len(rows):
            return None
        if how == "next-thread":
            candidates = (i for i in range(threads.cursor + 1, len(rows)) if rows[i].depth == 0)
            target = next(candidates, None)
            while target is not None and rows[target].article is None:
                target = target + 1 if target + 1 < len(rows) else None
        else:
            delta = -1 if how == "previous" else 1
            candidates = range(threads.cursor + delta, -1 if delta < 0 else len(rows), delta)
            target = next((i for i in candidates if rows[i].article is not None), None)
        if target is None:
            return None
        threads.cursor = target
        article = rows[target].article
        return article.number if article is not None else None

    def action_next_article(self) -> None:
        self._step_or_say("next", "no more articles")

    def action_previous_article(self) -> None:
        self._step_or_say("previous", "no previous article")

    def action_next_thread(self) -> None:
        self._step_or_say("next-thread", "no more threads")

    def _step_or_say(self, how: str, otherwise: str) -> None:
        if self.step(how) is None:
            self.status.show(otherwise)

    # -- articles ----------------------------------------------------------
    @on(LineList.Selected, "#threads")
    def _open_selected(self, event: LineList.Selected) -> None:
        row = self.thread_list.rows[event.index]
        if row.article is None:
            self.report_error("that article is missing: only replies to it are on the server")
            return
        self.app.push_screen(ArticleScreen(self.group, row.article.number, navigator=self.step))

    def _open_start_article(self, key: int | str) -> None:
        index = _find(self.thread_list.all_rows, key)
        if index is not None:
            self.thread_list.show_row(index)
        self.app.push_screen(ArticleScreen(self.group, key, navigator=self.step))


def _find(rows: list[ThreadRow], key: int | str) -> int | None:
    for index, row in enumerate(rows):
        article = row.article
        if article is not None and (article.number == key or article.message_id == key):
            return index
    return None


def _summary(message: ThreadsReady) -> str:
    load = message.load
    count = len(load.overviews)
    text = f"{load.group.name}: {count:,} articles in {message.threads:,} threads"
    if load.skipped:
        text += f" ({load.skipped:,} malformed overview lines skipped)"
    if not count:
        text = f"{load.group.name}: no articles"
    if load.offline:
        text += " (offline: cached articles only)"
    return text
