"""One line at the bottom of a screen: what is happening (left) and where we are (right).

The left part is the latest message or error; the right part is the screen's
counts, the server and whether it is online — read from the app at every
render, so a refresh after each Library call keeps it true.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from nntp.sanitize import clip_line, sanitize_line

GAP = 2


class StatusLine(Widget):
    """Plain, sanitized text only (never markup): messages quote server replies, group names, ids."""

    DEFAULT_CSS = "StatusLine { height: 1; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.message = ""
        self.counts = ""
        self.error = False

    def show(self, message: str) -> None:
        self._set(message, error=False)

    def show_error(self, message: str) -> None:
        self._set(message, error=True)

    def set_counts(self, counts: str) -> None:
        """What the screen holds ("8 articles in 3 threads · threaded"), shown on the right."""
        self.counts = sanitize_line(counts)
        self.refresh()

    def _set(self, message: str, *, error: bool) -> None:
        self.message = clip_line(message)  # a 64 KB server reply must not become a 64 KB line
        self.error = error
        self.set_class(error, "-error")
        self.refresh()

    @property
    def where(self) -> str:
        """The right-hand part: counts, server, online state."""
        server = getattr(self.app, "server", "")
        library = getattr(self.app, "library", None)
        state = getattr(library, "state", "")
        parts = [part for part in (self.counts, server, state) if part]
        return sanitize_line("  │  ".join(parts))

    def render(self) -> Text:
        width = self.content_size.width
        right = Text(self.where, no_wrap=True, style="")
        if right.cell_len > width // 2:
            right.truncate(max(0, width // 2), overflow="ellipsis")
        left = Text(self.message, no_wrap=True, overflow="ellipsis")
        room = max(0, width - right.cell_len - (GAP if right.cell_len else 0))
        left.truncate(room, overflow="ellipsis", pad=True)
        return left + Text(" " * (width - left.cell_len - right.cell_len)) + right
