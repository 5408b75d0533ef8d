"""One article: headers and decoded body in a pager; q returns to the thread list."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header
from textual.worker import Worker, get_current_worker

from tui.messages import ArticleLoaded
from tui.screens.base import PithScreen
from tui.widgets.article_view import ArticleView
from tui.widgets.status_line import StatusLine


class ArticleScreen(PithScreen):
    """Shows article ``key`` (a number in ``group`` or a <message-id>)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "back", "Back", id="back"),
    ]

    def __init__(self, group: str, key: int | str) -> None:
        super().__init__()
        self.group = group
        self.key = key

    def compose(self) -> ComposeResult:
        yield Header()
        yield ArticleView(id="article")
        yield StatusLine(id="status")
        yield Footer()

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    def on_mount(self) -> None:
        self.sub_title = f"{self.group} {self.key}"
        self.view.show_notice(f"loading article {self.key}…")
        self.view.focus()
        self._load()

    def action_back(self) -> None:
        self.dismiss()

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def _load(self) -> None:
        group, key = self.group, self.key
        article = self.library.call(lambda library: library.article(group, key))
        if not get_current_worker().is_cancelled:
            self.post_message(ArticleLoaded(article))

    def on_article_loaded(self, message: ArticleLoaded) -> None:
        article = message.article
        self.view.show_article(article)
        number = article.number if article.number is not None else self.key
        self.sub_title = f"{self.group} {number}"
        self.status.show(f"{len(article.body.splitlines()):,} lines  {article.message_id}")

    def load_failed(self, worker: Worker[object], message: str) -> None:
        self.view.show_notice(message)
        super().load_failed(worker, message)
