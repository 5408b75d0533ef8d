"""``?`` (F1 in a text field): every key binding as it is now (the config's ``[keys]`` applied), screen by screen.

The screen it was opened from comes first, after "Everywhere"; each line shows
the keys, what they do, and the binding id to use in config.toml's ``[keys]``.
Problems found in config.toml or the theme files are listed at the end.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from tui.help_sections import section_of
from tui.keymap import KeyHelp, live_bindings

KEYS_WIDTH = 18
TEXT_WIDTH = 30


class HelpScreen(Screen[None]):
    """The live bindings of every screen; ``origin`` is the screen ``?`` was pressed on."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape,question_mark,f1", "close", "Close help", id="close-help"),
        Binding("j,down", "scroll_down", "Down", id="help-down", show=False),
        Binding("k,up", "scroll_up", "Up", id="help-up", show=False),
        Binding("space,pagedown", "page_down", "Page down", id="help-page-down", show=False),
        Binding("b,pageup", "page_up", "Page up", id="help-page-up", show=False),
    ]

    def __init__(self, origin: Screen[Any] | None = None) -> None:
        super().__init__()
        section = section_of(type(origin))
        self.origin = section.value if section is not None else ""
        """The heading of the screen help was opened on (its HELP_SECTION), listed first; "" for none."""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="help"):
            yield Static(self.help_text(), id="help-text", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "keys"

    def help_text(self) -> Text:
        sections = live_bindings(self.app)
        sections.sort(key=lambda item: (item[0] != "Everywhere", item[0] != self.origin))
        text = Text()
        for title, entries in sections:
            heading = f"{title} (this screen)" if title == self.origin else title
            text.append(heading + "\n", style="bold underline")
            for entry in entries:
                _line(text, entry)
            text.append("\n")
        problems = list(getattr(self.app, "problems", []))
        if problems:
            text.append("Problems in config.toml and theme files\n", style="bold underline")
            for problem in problems:
                text.append(f"  {problem}\n")
        text.append("Rebind any of these in config.toml, e.g.  [keys]  next-unread = \"n,tab\"\n", style="italic")
        return text

    def action_close(self) -> None:
        self.dismiss()

    def _scroller(self) -> VerticalScroll:
        return self.query_one(VerticalScroll)

    def action_scroll_down(self) -> None:
        self._scroller().scroll_relative(y=1, animate=False)

    def action_scroll_up(self) -> None:
        self._scroller().scroll_relative(y=-1, animate=False)

    def action_page_down(self) -> None:
        self._scroller().scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self._scroller().scroll_page_up(animate=False)


def _line(text: Text, entry: KeyHelp) -> None:
    keys = ", ".join(entry.keys)
    text.append(f"  {keys:<{KEYS_WIDTH}}", style="bold")
    text.append(f"{entry.description:<{TEXT_WIDTH}}")
    text.append(f"{entry.binding_id}\n", style="dim")
