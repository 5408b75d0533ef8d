"""The thread list of one group: fetch (with progress), thread, score, flatten, show.

Fetching runs on the session thread; threading, scoring, flattening and
re-ordering (CPU work, 150,000 articles) run in this screen's thread workers;
the UI thread only draws rows. The killfile actions live in ThreadActions, the read marks
(n/p/N to unread articles, u, c, only unread) in ReadingActions. The screen also steps through
articles for the pager (n, p, N), so the cursor here always sits on the article last read, and
the pager marks what it shows read through it.
"""

from __future__ import annotations

import threading
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, ProgressBar
from textual.worker import Worker, get_current_worker

from killfile.result import ScoreTable
from nntp.models import Overview
from nntp.threads import thread
from app.backend import cancellable
from tui.bindings import EXPORT, NAVIGATION, THREAD_ACTIONS, UNREAD_ONLY
from app.digest import Interests, digest_since, reader_tags
from tui.messages import ArticlesPosted, LoadPhase, LoadProgress, ProvisionalReady, Rescored, ThreadsReady, ViewReady
from app.rows import ThreadRow, cursor_after
from app.readmarks import ReadMarks, begin_reading
from app.scoring import Filter, Scored, hidden_root, score_group
from tui.screens.article import ArticleScreen
from tui.screens.base import PithScreen
from tui.screens.export_actions import ThreadExportActions
from tui.screens.reading import ReadingActions
from tui.screens.thread_actions import ThreadActions
from app.views import VIEW_TITLES, arrange, next_view
from tui.widgets.line_list import LineList
from tui.widgets.status_line import StatusLine
from tui.widgets.thread_list import ThreadList


class ThreadsScreen(ReadingActions, ThreadActions, ThreadExportActions, PithScreen):
    """Threads of ``group``; opens ``open_article`` (number or <message-id>) once loaded."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "back", "Back", id="back"),
        Binding("o", "cycle_view", "View", id="cycle-view"),
        *NAVIGATION,
        *THREAD_ACTIONS,
        UNREAD_ONLY,
        *EXPORT,
    ]

    def __init__(self, group: str, open_article: int | str | None = None) -> None:
        super().__init__()
        self.group = group
        self.open_article = open_article
        self.loaded = False
        self.provisional = False
        """A first screen from the group's first records is shown while the rest loads."""
        self.view = "threaded"
        self._views: dict[str, list[ThreadRow]] = {}
        self._summary = ""
        self._articles = 0
        self._cancel = threading.Event()
        self.overviews: list[Overview] = []
        self.scored: Scored | None = None
        self.table: ScoreTable | None = None
        self.filter = Filter()
        self.digest_note = ""
        self._reload_note: str | None = None
        """Set while the group is entered again after a post of ours (what was posted, for the status line)."""
        self._posted_while_loading: str | None = None
        self._status_lead = ""
        """Leads the status line once the rows arranged after a reload are shown (what was posted)."""

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
    def _load(self, reload: bool = False) -> None:
        """Enter the group; ``reload``: again, over the list on screen (no first screen, and the read
        marks and the visit stay those of the first entry: see ``reading_reloaded``)."""
        name = self.group
        report = cancellable(self._cancel, lambda done, expected: self.post_message(LoadProgress(name, done, expected)))
        early = None if reload else self._first_screen
        load = self.library.call(lambda library: library.enter_group(name, progress=report, early=early))
        if get_current_worker().is_cancelled:
            return
        marks, visit = None, None
        if not reload:
            high = max((overview.number for overview in load.overviews), default=0)
            read, visit = self.library.call(lambda library: begin_reading(library, name, high), local=True)
            marks = ReadMarks(name, read, (overview.number for overview in load.overviews), load.group.high)
        self.post_message(LoadPhase(f"threading {len(load.overviews):,} articles…"))
        roots = thread(load.overviews)
        self.post_message(LoadPhase(f"scoring {len(load.overviews):,} articles…"))
        killfile = self.app.load_killfile()  # type: ignore[attr-defined]
        scored, table = score_group(self.library, killfile, load.overviews, roots, name, self.filter)
        if not get_current_worker().is_cancelled:
            self.post_message(ThreadsReady(load, scored.rows, len(roots), scored, table, marks, visit))

    def _first_screen(self, records: list[Overview]) -> None:
        """A first screen from the group's first records, scored by the same rules (nothing killed
        flashes up). Called by enter_group on the session thread before the long wait: ~3,000
        records are tens of ms of work, done before the whole group's decoding competes for the GIL."""
        if not records or self._cancel.is_set():
            return
        roots = thread(records)
        killfile = self.app.load_killfile()  # type: ignore[attr-defined]
        scored, _table = score_group(None, killfile, records, roots, self.group, self.filter)
        self.post_message(ProvisionalReady(scored.rows, scored, len(records)))

    def on_provisional_ready(self, message: ProvisionalReady) -> None:
        """Rows to look at and move through; opening and the killfile keys wait for the whole list."""
        if self.loaded:
            return
        self.provisional = True
        scored = message.scored
        self.thread_list.set_rows(message.rows, scores=scored.scores, hidden=scored.hidden)
        self.thread_list.focus()
        self.status.set_counts(f"first {message.records:,} articles · loading the rest")

    def on_load_progress(self, message: LoadProgress) -> None:
        self.query_one(ProgressBar).update(total=max(1, message.expected), progress=message.done)
        self.status.show(f"fetching {message.done:,}/{message.expected:,}")

    def on_load_phase(self, message: LoadPhase) -> None:
        self.status.show(message.text)

    def on_threads_ready(self, message: ThreadsReady) -> None:
        reloaded, note = self.loaded and self._reload_note is not None, self._reload_note
        self._reload_note = None
        moved = reloaded or (self.provisional and self.thread_list.cursor)
        was = self.thread_list.current if moved else None
        self.loaded = True
        self.provisional = False
        self.overviews = message.load.overviews
        self.scored, self.table = message.scored, message.table
        self._views = {"threaded": message.rows}
        self.query_one(ProgressBar).display = False
        scored = message.scored
        roots = scored.roots if scored else []
        if message.marks is not None:
            self.start_reading(message.marks, message.visit, roots)
        elif reloaded:
            self.reading_reloaded([overview.number for overview in self.overviews], message.load.group.high, roots)
        # After a reload in another view (or only unread) the rows are arranged again; the cursor stays.
        rearrange = reloaded and (self.unread_only or self.view != "threaded")
        if not rearrange:
            self.thread_list.set_rows(message.rows, scores=scored.scores if scored else None,
                                      hidden=scored.hidden if scored else None)
        if was is not None and not rearrange:  # stay on the article the reader is on
            index = next((i for i, row in enumerate(message.rows) if row.message_id == was.message_id), None)
            if index is not None:
                self.thread_list.show_row(index)
        self._summary = _summary(message)
        self._articles = len(message.load.overviews)
        problems = len(self.app.killfile.problems) if self.app.killfile else 0  # type: ignore[attr-defined]
        self.status.show((f"{note} · " if note else "") + self._summary
                         + (f" · {problems} rule problem(s): R lists them" if problems else ""))
        self.scores_changed(message.table)  # killed articles read; the counts shown
        if not reloaded:
            self.thread_list.focus()
        self.app.settle_when_idle()  # type: ignore[attr-defined]
        if rearrange:
            self._status_lead = note or ""
        if rearrange and self.unread_only and self.marks is not None:
            self._apply_unread_only(True, self.marks.snapshot())
        elif rearrange:
            self._arrange_view(self.view, message.rows)
        if self.open_article is not None:
            self._open_start_article(self.open_article)
            self.open_article = None
        if self._posted_while_loading is not None:  # that load may have started before the post
            self.reload(self._posted_while_loading)
            self._posted_while_loading = None

    def on_articles_posted(self, message: ArticlesPosted) -> None:
        """An article of ours reached the server in this group: enter it again, so it shows up here."""
        if self.group not in message.groups:
            return
        if self.loaded:
            self.reload(message.note)
        else:
            self._posted_while_loading = message.note

    def reload(self, note: str) -> None:
        """Fetch what is new in the group (only that: the rest is cached) and show the whole list again,
        with the cursor, the view and the read marks kept; ``note`` leads the status line meanwhile and after."""
        self._reload_note = note
        self.status.show(f"{note} · fetching what is new in {self.group}…")
        self._load(reload=True)

    def load_failed(self, worker: Worker[object], message: str) -> None:
        """Entering the group failed: back to the group list, which shows why. A reload that failed
        leaves the list as it was and says why."""
        if worker.group == "threads":
            self._reload_note = None
        if worker.group == "threads" and self.is_current and not self.loaded:
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
            self._arrange_view(view, self._views["threaded"])

    @work(thread=True, exclusive=True, group="view", exit_on_error=False)
    def _arrange_view(self, view: str, threaded: list[ThreadRow]) -> None:
        scored, note = self.scored, ""
        if view == "digest" and scored is not None:
            killfile = self.app.killfile  # type: ignore[attr-defined]
            interests = Interests(self.marks.is_read if self.marks is not None else None,
                                  reader_tags(killfile.state if killfile is not None else None))
            rows, note = digest_since(scored, self.last_visit, interests)
        else:
            rows = arrange(self._unread_rows(threaded) if self.unread_only else threaded, view)
        if not get_current_worker().is_cancelled:
            self.post_message(ViewReady(view, rows, note))

    def _unread_rows(self, threaded: list[ThreadRow]) -> list[ThreadRow]:
        """Only-unread in the flat orders: the read parents kept for the tree have no place there."""
        marks = self.marks
        return [row for row in threaded
                if row.article is not None and (marks is None or not marks.is_read(row.article.number))]

    def on_view_ready(self, message: ViewReady) -> None:
        self._views[message.view] = message.rows
        if message.view == "digest":
            self.digest_note = message.note
        self._switch_view(message.view, message.rows)

    def _switch_view(self, view: str, rows: list[ThreadRow], note: str = "") -> None:
        current, old = self.thread_list.current, self.thread_list.all_rows
        here = self.thread_list.current_index if current is not None else 0
        same_view, self.view = self.view == view, view
        scored = self.scored
        self.thread_list.set_rows(rows, scores=scored.scores if scored else None,
                                  hidden=scored.hidden if scored else None)
        if current is not None:  # the same article, else (same view) the next row still listed
            root = None if same_view or scored is None else scored.root_of.get(current.message_id)
            self.thread_list.show_row(cursor_after(old, here, rows, root))
        if view == "digest" and self.digest_note:
            note = note or self.digest_note  # what the digest holds says more than the group summary
        text = note or f"{self._summary} · {VIEW_TITLES[view]}"
        lead, self._status_lead = self._status_lead, ""
        self.status.show(f"{lead} · {text}" if lead else text)
        self._show_counts()

    def on_rescored(self, message: Rescored) -> None:
        """After an action or a filter change: the threaded rows again, and the other views rebuilt."""
        self.scored, self.table = message.scored, message.table
        self._views = {"threaded": message.scored.rows}
        if self.view == "threaded":
            self._switch_view("threaded", message.scored.rows, message.note)
        else:
            self._arrange_view(self.view, message.scored.rows)
            if message.note:
                self.status.show(message.note)
        self.scores_changed(message.table)

    def _show_counts(self) -> None:
        unread = self.unread_counts()
        counts = f"{unread} of {self._articles:,}" if unread else f"{self._articles:,} articles"
        counts = f"{counts} · {VIEW_TITLES[self.view]}" + (" · only unread" if self.unread_only else "")
        extra = self.filter.describe()
        self.status.set_counts(f"{counts} · {extra}" if extra else counts)

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
        self.app.push_screen(ArticleScreen(self.group, row.article.number, navigator=self.step, thread_list=self))

    def _open_start_article(self, key: int | str) -> None:
        index = _find(self.thread_list.all_rows, key)
        if index is not None:
            self.thread_list.show_row(index)
        self.app.push_screen(ArticleScreen(self.group, key, navigator=self.step, thread_list=self))


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
