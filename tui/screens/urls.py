"""The URLs of the article on screen, to pick one to open (slrn's ``U``, mutt's urlview).

Dismissed with the chosen URL (Enter) or None (q, Escape); the article screen
opens it. Each URL is shown as plain Text (never markup), and it is printable
ASCII by construction (app/urls.py), so it cannot draw on the terminal.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class UrlsScreen(ModalScreen[str | None]):
    """A list of ``urls``; Enter dismisses with the one under the cursor."""

    DEFAULT_CSS = """
    UrlsScreen { align: center middle; }
    #urls-box { width: 90%; height: auto; max-height: 80%; border: round $accent; background: $surface;
                padding: 0 1; }
    #urls-title { height: 1; color: $text-muted; }
    #urls-list { height: auto; max-height: 30; border: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "close", "Close", id="close-urls"),
    ]

    def __init__(self, urls: list[str]) -> None:
        super().__init__()
        self.urls = urls

    def compose(self) -> ComposeResult:
        count = len(self.urls)
        title = f"{count} URL{'s' if count > 1 else ''} in this article (Enter opens, q or Escape closes)"
        with Vertical(id="urls-box"):
            yield Static(Text(title), id="urls-title", markup=False)
            yield OptionList(*[Option(Text(url, no_wrap=True, overflow="ellipsis")) for url in self.urls],
                             id="urls-list")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.urls[event.option_index])

    def action_close(self) -> None:
        self.dismiss(None)
