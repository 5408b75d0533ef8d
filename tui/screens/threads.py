"""The thread list of one group: fetch (with progress), thread, flatten, show.

Fetching runs on the session thread; threading and flattening (CPU work, 150,000
articles) run in this screen's thread worker; the UI thread only draws rows.
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
from tui.messages import LoadPhase, LoadProgress, ThreadsReady
from tui.rows import ThreadRow, flatten
from tui.screens.article import ArticleScreen
from tui.screens.base import PithScreen
from tui.widgets.line_list import LineList
from tui.widgets.status_line import StatusLine
from tui.widgets.thread_list import ThreadList


class ThreadsScreen(PithScreen):
    """Threads of ``group``; opens ``open_article`` (number or <message-id>) once loaded."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "back", "Back", id="back"),
    ]

    def __init__(self, group: str, open_article: int | str | None = None) -> None:
        super().__init__()
        self.group = group
        self.open_article = open_article
        self.loaded = False
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
        self.query_one(ProgressBar).display = False
        self.thread_list.set_rows(message.rows)
        self.status.show(_summary(message))
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

    # -- articles ----------------------------------------------------------
    @on(LineList.Selected, "#threads")
    def _open_selected(self, event: LineList.Selected) -> None:
        row = self.thread_list.rows[event.index]
        if row.article is None:
            self.report_error("that article is missing: only replies to it are on the server")
            return
        self.app.push_screen(ArticleScreen(self.group, row.article.number))

    def _open_start_article(self, key: int | str) -> None:
        index = _find(self.thread_list.rows, key)
        if index is not None:
            self.thread_list.cursor = index
        self.app.push_screen(ArticleScreen(self.group, key))


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
    if load.offline:
        text += " (offline: cached articles only)"
    return text if count else f"{load.group.name}: no articles"
