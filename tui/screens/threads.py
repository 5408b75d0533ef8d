"""The thread list of one group: fetch (with progress), thread, score, flatten, show.

The enter-a-group use case and the group's state live in a GroupView
(app/groupview.py); this screen runs its steps in thread workers (fetching on
the session thread; threading, scoring, flattening and re-ordering 150,000
articles are CPU work), hands their results back to it on the UI thread, and
paints what it answers. The killfile actions live in ThreadActions, the read
marks (n/p/N to unread articles, u, c, only unread) in ReadingActions. The screen
also steps through articles for the pager (n, p, N), so the cursor here always
sits on the article last read, and the pager marks what it shows read through it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Header, ProgressBar
from textual.worker import Worker, get_current_worker

from killfile.session import Killfile
from nntp.models import Overview
from app.backend import cancellable
from app.scoring import hidden_root
from app.views import VIEW_TITLES, View, next_view
from tui.bindings import EXPORT, NAVIGATION, THREAD_ACTIONS, UNREAD_ONLY
from tui.messages import ArticlesPosted, LoadPhase, LoadProgress, ProvisionalReady, Rescored, ThreadsReady, ViewReady
from app.rows import ThreadRow, cursor_after
from tui.screens.base import PithScreen
from tui.screens.export_actions import ThreadExportActions
from tui.screens.reading import ReadingActions
from tui.screens.thread_actions import ThreadActions
from tui.widgets.footer import PithFooter
from tui.widgets.line_list import LineList
from tui.widgets.status_line import StatusLine
from tui.widgets.thread_list import ThreadList


class ThreadsScreen(ReadingActions, ThreadActions, ThreadExportActions):
    """Threads of ``group``; opens ``open_article`` (number or <message-id>) once loaded."""

    HELP_SECTION = "Thread list"
    FOOTER_WAIT = 0.25
    """Seconds after the first rows the footer's keys wait at most for the whole list (a big group's)."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "back", "Back", id="back"),
        Binding("o", "cycle_view", "View", id="cycle-view"),
        *NAVIGATION,
        *THREAD_ACTIONS,
        UNREAD_ONLY,
        *EXPORT,
    ]

    def compose_context(self) -> tuple[str, int | str | None]:
        row = self.thread_list.current if self.loaded else None
        article = row.article if row is not None else None
        return self.group, article.number if article is not None else None

    def __init__(self, group: str, open_article: int | str | None = None) -> None:
        super().__init__(group)
        self.open_article = open_article
        self._cancel = threading.Event()
        self._footer_due = False
        self._progress: ProgressBar | None = None
        """Mounted with the first progress of a fetch: a launch into a cached group shows no bar (its
        widgets, timers and the indeterminate bar's animation were ~15 ms of a launch's CPU, issue 17)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield ThreadList(id="threads")
        yield StatusLine(id="status")
        yield PithFooter()

    def on_mount(self) -> None:
        self.sub_title = self.group
        self.status.show(f"entering {self.group}…")
        self._load()

    @property
    def footer_waits(self) -> bool:
        """The footer's keys (~10 widgets to mount, style and draw: ~15 ms of a launch's CPU, issue 17) are
        built once the list is in, after its frame, or FOOTER_WAIT after the first rows of a group still
        loading: not while the list a launch waits for is being made."""
        return not (self.model.loaded or self._footer_due)

    def _footer_now(self) -> None:
        self._footer_due = True
        self.refresh_bindings()  # PithFooter builds its keys

    def on_unmount(self) -> None:
        self._cancel.set()  # stops a long OVER fetch at its next batch

    def action_back(self) -> None:
        self.dismiss()

    def _killfile(self) -> Killfile:
        """The rules (off the event loop only: the first call reads the rule files)."""
        return self.pith_app.load_killfile()

    # -- loading -----------------------------------------------------------
    @work(thread=True, exclusive=True, group="threads", exit_on_error=False)
    def _load(self) -> None:
        """Enter the group (again, over the list on screen, when the model is reloading)."""
        name, worker = self.group, get_current_worker()

        def progress(done: int, expected: int) -> None:
            self.post_message(LoadProgress(name, done, expected))

        def say(text: str) -> None:
            self.post_message(LoadPhase(text))

        result = self.model.enter(self.library, self._killfile, cancellable(self._cancel, progress),
                                  self._first_screen, say=say, cancelled=lambda: worker.is_cancelled)
        if result is not None:
            self.post_message(ThreadsReady(result))

    def _first_screen(self, records: list[Overview]) -> None:
        """Called by enter_group on the session thread before the long wait: ~3,000 records are tens of ms
        of work, done before the whole group's decoding competes for the GIL."""
        first = None if self._cancel.is_set() else self.model.first_screen(records, self._killfile)
        if first is not None:
            self.post_message(ProvisionalReady(first))

    def on_provisional_ready(self, message: ProvisionalReady) -> None:
        """Rows to look at and move through; opening and the killfile keys wait for the whole list."""
        if not self.model.first_shown():
            return
        scored = message.first.scored
        self.thread_list.set_rows(scored.rows, scores=scored.scores, hidden=scored.hidden)
        self.thread_list.focus()
        self.status.set_counts(f"first {message.first.records:,} articles · loading the rest")
        self.set_timer(self.FOOTER_WAIT, self._footer_now)

    def on_load_progress(self, message: LoadProgress) -> None:
        if self._progress is None:
            self._progress = ProgressBar(id="progress", show_eta=False)
            self.mount(self._progress, before=self.status)
        self._progress.update(total=max(1, message.expected), progress=message.done)
        self.status.show(f"fetching {message.done:,}/{message.expected:,}")

    def on_load_phase(self, message: LoadPhase) -> None:
        self.status.show(message.text)

    def on_threads_ready(self, message: ThreadsReady) -> None:
        current, reloading = self.thread_list.current, self.model.loaded
        killfile = self.pith_app.killfile
        problems = len(killfile.problems) if killfile else 0
        shown = self.model.entered(message.result, current.message_id if current is not None else None,
                                   bool(self.thread_list.cursor), problems)
        if self._progress is not None:
            self._progress.display = False
        if not reloading:
            self.thread_list.is_read = self.marks.is_read if self.marks is not None else None
        if shown.rows is not None:
            self.paint(shown.rows)
            if shown.cursor is not None:  # stay on the article the reader is on
                self.thread_list.show_row(shown.cursor)
        self.status.show(shown.status)
        self.scores_changed()  # killed articles read; the counts shown
        if shown.first:
            self.thread_list.focus()
        self.call_after_refresh(self._footer_now)
        self.pith_app.group_drawn()
        if shown.rows is None:  # after a reload in another view (or only unread): arranged again
            self._rearrange()
        self._after_entry(shown.reload)

    def _rearrange(self) -> None:
        if self.model.unread_only and self.marks is not None:
            self._apply_unread_only(True, self.marks.snapshot())
        else:
            self._arrange_view(self.model.view)

    def _after_entry(self, reload: str | None) -> None:
        if self.open_article is not None:
            self._open_start_article(self.open_article)
            self.open_article = None
        if reload is not None:  # that entry may have started before the post
            self.reload(reload)

    def on_articles_posted(self, message: ArticlesPosted) -> None:
        """An article of ours reached the server in this group: enter it again, so it shows up here."""
        if self.group in message.groups and self.model.posted(message.note):
            self.reload(message.note)

    def reload(self, note: str) -> None:
        """Fetch what is new in the group (only that: the rest is cached) and show the whole list again,
        with the cursor, the view and the read marks kept; ``note`` leads the status line meanwhile and after."""
        self.model.reload(note)
        self.status.show(f"{note} · fetching what is new in {self.group}…")
        self._load()

    def load_failed(self, worker: Worker[object], message: str) -> None:
        """Entering the group failed: back to the group list, which shows why. A reload that failed
        leaves the list as it was and says why."""
        never_loaded = self.model.load_failed() if worker.group == "threads" else False
        self._footer_now()
        if never_loaded and self.is_current:
            self.dismiss()
            if isinstance(below := self.app.screen, PithScreen):
                below.report_error(message)
            else:
                self.app.notify(message, severity="error", timeout=8, markup=False)
        else:
            super().load_failed(worker, message)

    # -- views -------------------------------------------------------------
    def action_cycle_view(self) -> None:
        """Threaded -> flat by date -> grouped by author -> digest; orders are built once, off the UI thread."""
        if not self.loaded:
            return
        view = next_view(self.model.view)
        rows = self.model.views.get(view)
        if rows is not None:
            self._switch_view(view, rows)
        else:
            self.status.show(f"arranging {VIEW_TITLES[view]}…")
            self._arrange_view(view)

    @work(thread=True, exclusive=True, group="view", exit_on_error=False)
    def _arrange_view(self, view: View) -> None:
        result = self.model.arrange(view, self.pith_app.killfile)
        if not get_current_worker().is_cancelled:
            self.post_message(ViewReady(result))

    def on_view_ready(self, message: ViewReady) -> None:
        self.model.arranged(message.result)
        self._switch_view(message.result.view, message.result.rows)

    def _switch_view(self, view: View, rows: Sequence[ThreadRow], note: str = "") -> None:
        current, old = self.thread_list.current, self.thread_list.all_rows
        here = self.thread_list.current_index if current is not None else 0
        root = None if current is None or view == self.model.view else self.model.root_of(current.message_id)
        self.status.show(self.model.switch(view, note))
        self.paint(rows)
        if current is not None:  # the same article, else (same view) the next row still listed
            self.thread_list.show_row(cursor_after(old, here, rows, root))
        self._show_counts()

    def on_rescored(self, message: Rescored) -> None:
        """After an action or a filter change: the threaded rows again, and the other views rebuilt."""
        if self.model.rescored(message.scored, message.table):
            self._switch_view(View.THREADED, message.scored.rows, message.note)
        else:
            self._arrange_view(self.model.view)
            if message.note:
                self.status.show(message.note)
        self.scores_changed()

    # -- moving (n, p, N here and in the pager; step() is ReadingActions') ---
    def action_next_article(self) -> None:
        self._step_or_say("next", "no more unread articles")

    def action_previous_article(self) -> None:
        self._step_or_say("previous", "no previous unread article")

    def action_next_thread(self) -> None:
        self._step_or_say("next-thread", "no later thread with unread articles")

    def _step_or_say(self, how: str, otherwise: str) -> None:
        if self.step(how) is None:
            self.status.show(otherwise)
            if how != "previous":
                self.end_of_group()

    # -- articles ----------------------------------------------------------
    @on(LineList.Selected, "#threads")
    def _open_selected(self, event: LineList.Selected) -> None:
        if not self.loaded:
            self.status.show("still loading the group: articles open once the whole list is in")
            return
        row = self.thread_list.rows[event.index]
        root = hidden_root(row)
        if root is not None:
            self.expand_hidden(root)
            return
        if row.article is None:
            hidden = self.scored is not None and row.message_id in self.scored.scores
            self.report_error("that article is hidden: H shows hidden articles, e says why" if hidden
                              else "that article is missing: only replies to it are on the server")
            return
        self._open_article(row.article.number)

    def _open_start_article(self, key: int | str) -> None:
        index = self.model.find(key, self.thread_list.all_rows)
        if index is not None:
            self.thread_list.show_row(index)
        self._open_article(key)

    def _open_article(self, key: int | str) -> None:
        """The pager, imported with the first article opened (with it the MIME parts, the email package)."""
        from tui.screens.article import ArticleScreen

        self.app.push_screen(ArticleScreen(self.group, key, navigator=self.step, thread_list=self))
