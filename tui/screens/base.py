"""What every pith screen shares: the library handle, one worker-failure handler, help, and the
bindings of features that are not built yet."""

from __future__ import annotations

from typing import ClassVar, cast

from textual import on
from textual.binding import BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from nntp.sanitize import clip_line
from store.library import describe_error
from app.backend import FetchCancelled, LibraryHandle
from tui.bindings import EVERYWHERE
from tui.help_sections import HelpSectioned
from tui.navigation import OpenSearch, open_screen
from tui.screens.compose_actions import ComposeActions
from tui.screens.reader_app import ReaderApp
from tui.widgets.status_line import StatusLine


class PithScreen(HelpSectioned, ComposeActions, Screen[None]):
    """A screen whose thread workers call the Library through the app's session.

    A screen that lists keys of its own in help says so with ``HELP_SECTION`` (tui/help_sections.py).
    """

    BINDINGS: ClassVar[list[BindingType]] = EVERYWHERE
    HELP_SECTION = "Everywhere"

    @property
    def pith_app(self) -> ReaderApp:
        """``self.app`` as what it is, a PithApp (Textual types it ``App[Any]``; see tui/screens/reader_app.py)."""
        return cast(ReaderApp, self.app)

    @property
    def library(self) -> LibraryHandle:
        return self.pith_app.library

    def validate_sub_title(self, value: str | None) -> str | None:
        """The header names groups and articles: sanitized, whatever a screen sets."""
        return None if value is None else clip_line(value, 200)

    def validate_title(self, value: str | None) -> str | None:
        return None if value is None else clip_line(value, 200)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures are reported: a visible line, never a traceback."""
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR) and self.is_mounted:
            self.status.refresh()  # online / offline may have changed
        if event.state != WorkerState.ERROR or isinstance(event.worker.error, FetchCancelled):
            return
        message = describe_error(event.worker.error or RuntimeError("unknown error"))
        self.load_failed(event.worker, message)

    def load_failed(self, worker: Worker[object], message: str) -> None:
        """Show ``message``; screens override this to also back out of what failed."""
        self.report_error(message)

    def report_error(self, message: str) -> None:
        self.status.show_error(message)
        self.notify(message, severity="error", timeout=8, markup=False)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen  # with its first use: not a launch's

        self.app.push_screen(HelpScreen(self))

    def action_search(self) -> None:
        """``/``: ask for a query, then list what the store holds (in this screen's group, if it has one)."""
        from tui.screens.prompt import PromptScreen

        group: str | None = getattr(self, "group", None)

        def run(text: str | None) -> None:
            if text:
                open_screen(self.app, OpenSearch(text, group))

        where = f"in {group}" if group else "in every group"
        self.app.push_screen(PromptScreen(f"Search {where} (words, \"a phrase\", from:ADDRESS, group:NAME or group:*):",
                                          placeholder="e.g. jpeg from:bob@example.org"), run)

    def action_not_yet(self, what: str) -> None:
        """The hook behind every binding of a feature still being built (see tui/bindings.py)."""
        self.notify(f"{what} is not available yet", severity="warning", timeout=4, markup=False)
