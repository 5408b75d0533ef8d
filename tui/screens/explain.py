"""``e``: why an article got its score: each rule, cap, thread rule and detector that applied, with
its file:line and score change, in order, then the final score and state (hidden articles too)."""

from __future__ import annotations

import os
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header

from killfile.result import ScoreTable
from killfile.session import explain_text
from store.paths import config_dir
from tui.widgets.plain_text import PlainText


class ExplainScreen(Screen[None]):
    """The explanation of articles ``indices`` of ``table`` (several for an "N hidden" row)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape,e", "close", "Close", id="close-explain"),
        Binding("j,down", "scroll(1)", "Down", id="explain-down", show=False),
        Binding("k,up", "scroll(-1)", "Up", id="explain-up", show=False),
    ]

    def __init__(self, table: ScoreTable, indices: list[int]) -> None:
        super().__init__()
        self.table = table
        self.indices = indices

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="explain"):
            yield PlainText(self.text(), id="explain-text")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "why this score" if len(self.indices) == 1 else f"why these {len(self.indices)} are hidden"

    def text(self) -> str:
        """The CLI's explain text, with sources in the config dir shortened to "score.toml:7"."""
        text = "\n".join(explain_text(self.table, i) for i in self.indices)
        return text.replace(f"{config_dir()}{os.sep}", "")

    def action_scroll(self, lines: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_close(self) -> None:
        self.dismiss()
