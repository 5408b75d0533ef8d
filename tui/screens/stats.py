"""``S``: the group's statistics, a month at a time: top posters by articles and by bytes (bars),
posts per day (a sparkline), thread sizes, and how many articles each rule and cap hid.

The numbers are computed by app.stats in a thread worker; ``[`` and ``]`` step through months.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Sparkline

from killfile.result import ScoreTable
from nntp.models import Overview
from app.stats import MonthStats, bar, hidden_by_rule, month_stats
from tui.widgets.plain_text import PlainText

NAME_WIDTH = 24
BAR_WIDTH = 30


class StatsReady(Message):
    def __init__(self, months: list[MonthStats], hidden: dict[str, list[tuple[str, int]]]) -> None:
        super().__init__()
        self.months = months
        self.hidden = hidden


def bars(title: str, items: Sequence[tuple[str, int]], unit: str = "") -> str:
    """A titled block of horizontal bars, one line per item."""
    lines = [title]
    largest = max((value for _, value in items), default=0)
    for name, value in items:
        label = name if len(name) <= NAME_WIDTH else name[: NAME_WIDTH - 1] + "…"
        lines.append(f"  {label:<{NAME_WIDTH}} {value:>9,}{unit}  {bar(value, largest, BAR_WIDTH)}")
    if not items:
        lines.append("  (none)")
    return "\n".join(lines)


class StatsScreen(Screen[None]):
    """Statistics of ``group`` from its overviews (and its ScoreTable, for what the rules hid)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape,S", "close", "Close", id="close-statistics"),
        Binding("left_square_bracket,left", "month(-1)", "Earlier month", id="previous-month"),
        Binding("right_square_bracket,right", "month(1)", "Later month", id="next-month"),
        Binding("j,down", "scroll(1)", "Down", id="statistics-down", show=False),
        Binding("k,up", "scroll(-1)", "Up", id="statistics-up", show=False),
    ]

    def __init__(self, group: str, overviews: Sequence[Overview], root_of: Mapping[str, str],
                 table: ScoreTable | None) -> None:
        super().__init__()
        self.group = group
        self.overviews = overviews
        self.root_of = root_of
        self.table = table
        self.months: list[MonthStats] = []
        self.hidden: dict[str, list[tuple[str, int]]] = {}
        self.month = -1

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats"):
            yield PlainText("counting…", id="stats-head")
            yield Sparkline([], id="per-day")
            yield PlainText("", id="stats-body")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"{self.group}: statistics"
        self._compute()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _compute(self) -> None:
        months = month_stats(self.overviews, self.root_of)
        hidden = {m.month: hidden_by_rule(self.table, m.month) for m in months} if self.table else {}
        self.post_message(StatsReady(months, hidden))

    def on_stats_ready(self, message: StatsReady) -> None:
        self.months, self.hidden = message.months, message.hidden
        self.month = len(self.months) - 1
        self.show()

    def show(self) -> None:
        head = self.query_one("#stats-head", PlainText)
        if not self.months:
            head.update(f"{self.group}: no dated articles")
            return
        m = self.months[self.month]
        head.update(f"{self.group} — {m.month} ({self.month + 1} of {len(self.months)}; [ and ] change month)\n"
                    f"{m.articles:,} articles\n\nPosts per day, 1 to {len(m.per_day)} "
                    f"(busiest: {max(m.per_day)})")
        self.query_one(Sparkline).data = m.per_day
        self.query_one("#stats-body", PlainText).update(self.body(m))

    def body(self, m: MonthStats) -> str:
        hidden = self.hidden.get(m.month, [])
        return "\n\n".join([
            bars("Top posters by articles", m.by_count),
            bars("Top posters by bytes", m.by_bytes, " B"),
            bars("Threads by size (articles this month)", m.thread_sizes),
            bars("Articles hidden or killed, by rule and cap", hidden),
        ])

    def action_month(self, step: int) -> None:
        if self.months:
            self.month = max(0, min(len(self.months) - 1, self.month + step))
            self.show()

    def action_scroll(self, lines: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_close(self) -> None:
        self.dismiss()
