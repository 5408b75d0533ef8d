"""Builds the screen a navigation request names (tui/navigation.py): the one module that knows them all.

Only the app imports this module, and it sits above every screen in the import
graph, so screens ask for one another without an import cycle. Each screen
module is imported when a request first needs it: the app starts without them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.screen import Screen

from tui.navigation import OpenComposer, OpenOutbox, OpenSearch, OpenSearchHit, Request


def screen_for(app: App[Any], request: Request) -> Screen[Any]:
    """The screen ``request`` asks for (not pushed yet); a constructor's PithError reaches the caller."""
    builder: Callable[[App[Any], Any], Screen[Any]] = _BUILDERS[type(request)]
    return builder(app, request)


def _composer(app: App[Any], request: OpenComposer) -> Screen[Any]:
    from tui.screens.compose import ComposeScreen

    return ComposeScreen(request.store_path, request.headers, request.body, note=request.note,
                         draft_id=request.draft_id)


def _outbox(app: App[Any], request: OpenOutbox) -> Screen[Any]:
    from tui.screens.outbox import OutboxScreen

    return OutboxScreen()


def _search(app: App[Any], request: OpenSearch) -> Screen[Any]:
    from tui.screens.search import SearchScreen, parse_query

    return SearchScreen(parse_query(request.text, request.group))


def _search_hit(app: App[Any], request: OpenSearchHit) -> Screen[Any]:
    """An open thread list of the hit's group keeps its read mark, so going back there shows it read
    (the list's cursor stays where it was: the killfile keys are not lent)."""
    from tui.screens.article import ArticleScreen
    from tui.screens.threads import ThreadsScreen

    keeper = next((screen for screen in reversed(app.screen_stack)
                   if isinstance(screen, ThreadsScreen) and screen.group == request.group), None)
    return ArticleScreen(request.group, request.number, read_marks=keeper)


_BUILDERS: dict[type, Callable[[App[Any], Any], Screen[Any]]] = {
    OpenComposer: _composer, OpenOutbox: _outbox, OpenSearch: _search, OpenSearchHit: _search_hit,
}
