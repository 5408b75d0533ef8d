"""What every pith screen shares: the library handle and one worker-failure handler."""

from __future__ import annotations

from textual import on
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from store.library import describe_error
from tui.backend import FetchCancelled, LibraryHandle
from tui.widgets.status_line import StatusLine


class PithScreen(Screen[None]):
    """A screen whose thread workers call the Library through the app's session."""

    @property
    def library(self) -> LibraryHandle:
        return self.app.library  # type: ignore[attr-defined,no-any-return]

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures are reported: a visible line, never a traceback."""
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
