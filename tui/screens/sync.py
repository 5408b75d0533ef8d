"""Sync for offline reading: new overviews of the subscribed groups and the bodies of unread articles.

The same ``store.sync.sync_group`` as ``pith sync --bodies``, run on the session
thread with a progress bar per phase; each group's summary is listed as it
finishes. Escape (or q) stops at the next batch or body and keeps what arrived:
every batch and body is committed as it comes, so a stopped sync resumes where
it stopped next time.
"""

from __future__ import annotations

import threading
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Footer, Header, Log, ProgressBar

from nntp.errors import NoSuchGroup, SourceUnavailable
from nntp.sanitize import error_line
from store.library import Library
from store.sync import GroupSync, sync_group
from app.backend import FetchCancelled
from tui.screens.base import PithScreen
from tui.widgets.status_line import StatusLine


class SyncProgress(Message):
    """``done`` of ``expected`` in ``phase`` ("overviews" | "bodies") of ``group``."""

    def __init__(self, phase: str, group: str, done: int, expected: int) -> None:
        super().__init__()
        self.phase, self.group, self.done, self.expected = phase, group, done, expected

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SyncProgress)


class SyncLine(Message):
    """One finished line for the log (a group's summary, a group that failed, the end)."""

    def __init__(self, text: str, final: bool = False) -> None:
        super().__init__()
        self.text, self.final = text, final


def sync_plan(library: Library, current: str | None) -> list[str]:
    """The subscribed groups (or, with none subscribed, the group under the cursor)."""
    return library.subscribed() or ([current] if current else [])


class SyncScreen(PithScreen):
    """Runs one sync and shows it; q / Escape stops it (what arrived is kept) or, when done, goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "stop_or_back", "Stop / back", id="stop-sync"),
    ]

    def __init__(self, current_group: str | None = None, bodies: bool = True) -> None:
        super().__init__()
        self.current_group = current_group
        self.bodies = bodies
        self.finished = False
        self.results: list[GroupSync] = []
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        yield Header()
        yield ProgressBar(id="sync-progress", show_eta=False)
        yield Log(id="sync-log", highlight=False)
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "sync"
        self.status.show("syncing…")
        self._sync()

    def action_stop_or_back(self) -> None:
        if self.finished:
            self.dismiss()
        else:
            self._cancel.set()
            self.status.show("stopping after the current batch…")

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def _sync(self) -> None:
        groups = self.library.call(sync_plan, self.current_group, local=True)
        if not groups:
            self.post_message(SyncLine("nothing to sync: subscribe to groups first (or put the cursor on one)", True))
            return
        stopped = False
        for group in groups:
            try:
                result = self.library.call(self._sync_one, group)
            except FetchCancelled:
                stopped = True
                break
            except (NoSuchGroup, SourceUnavailable) as exc:
                self.post_message(SyncLine(f"{group}: {exc}"))
                if isinstance(exc, SourceUnavailable):
                    break
                continue
            self.results.append(result)
            self.post_message(SyncLine(result.summary()))
        done = len(self.results)
        self.post_message(SyncLine(f"stopped after {done} of {len(groups)} group(s); what arrived is kept" if stopped
                                   else f"synced {done} of {len(groups)} group(s)", True))

    def _sync_one(self, library: Library, group: str) -> GroupSync:
        def progress(phase: str, name: str, done: int, expected: int) -> None:
            if self._cancel.is_set():
                raise FetchCancelled("sync stopped")
            self.post_message(SyncProgress(phase, name, done, expected))

        return sync_group(library, group, bodies=self.bodies, read_numbers=library.read, progress=progress)

    def on_sync_progress(self, message: SyncProgress) -> None:
        self.query_one(ProgressBar).update(total=max(1, message.expected), progress=message.done)
        self.status.show(f"{message.group}: {message.phase} {message.done:,}/{message.expected:,}")

    def on_sync_line(self, message: SyncLine) -> None:
        self.query_one(Log).write_line(error_line(message.text))  # server replies inside
        if message.final:
            self.finished = True
            self.query_one(ProgressBar).display = False
            self.status.show(message.text + " · q goes back")
