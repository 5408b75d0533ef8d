"""One line at the bottom of a screen: what is happening, or what went wrong."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatusLine(Static):
    """Plain text only (``Text``, never markup): messages quote server replies and group names."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.message = ""

    def show(self, message: str) -> None:
        self._set(message, error=False)

    def show_error(self, message: str) -> None:
        self._set(message, error=True)

    def _set(self, message: str, *, error: bool) -> None:
        self.message = message
        self.set_class(error, "-error")
        self.update(Text(message, no_wrap=True, overflow="ellipsis"))
