"""Typed requests to open a screen, so that screens need not import one another.

PithScreen's keys open screens that are themselves built on PithScreen (the
composer, the outbox, search); importing them from the base screen would make
the import graph of tui/ a cycle. So a screen names the screen it wants with a
request here and hands it to the app (``open_screen``); the app is the one place
that knows every screen class (tui/opener.py builds them), and
tests/tui/test_import_cycles.py holds that tui/ has no cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from textual.app import App


@dataclass(frozen=True)
class OpenComposer:
    """The composer on a new article, follow-up, reply or resumed draft (its constructor may raise PithError)."""

    store_path: Path
    headers: dict[str, str] = field(hash=False)
    body: str
    note: str = ""
    draft_id: int | None = None


@dataclass(frozen=True)
class OpenOutbox:
    """``O``: the outbox (queued, sent and refused articles; drafts from there)."""


@dataclass(frozen=True)
class OpenSearch:
    """``/``: the hits for what the reader typed; ``group`` is the scope when the query names none."""

    text: str
    group: str | None


@dataclass(frozen=True)
class OpenSearchHit:
    """Enter on a search hit: the article in the pager, its read mark kept by an open thread list of its group."""

    group: str
    number: int


Request = OpenComposer | OpenOutbox | OpenSearch | OpenSearchHit
"""Every screen a screen may ask for by request."""


@runtime_checkable
class ScreenOpener(Protocol):
    """What the app offers: push the screen a request names."""

    def open_screen(self, request: Request) -> None: ...


def open_screen(app: App[Any], request: Request) -> None:
    """Ask ``app`` for the screen ``request`` names; only pith's app knows how to build it."""
    if not isinstance(app, ScreenOpener):
        raise TypeError(f"{type(app).__name__} cannot open screens by request ({type(request).__name__})")
    app.open_screen(request)
