"""Screens reach the app through a typed Protocol (ReaderApp), which PithApp must keep satisfying."""

from __future__ import annotations

import inspect
from collections.abc import Callable

from tui.app import PithApp
from tui.screens.reader_app import ReaderApp


def test_pith_app_is_what_screens_ask_for(make_app: Callable[..., PithApp]) -> None:
    app = make_app()
    assert isinstance(app, ReaderApp)
    for name in ("load_killfile", "group_drawn", "open_group"):
        wanted = inspect.signature(getattr(ReaderApp, name))
        assert inspect.signature(getattr(PithApp, name)).parameters.keys() == wanted.parameters.keys(), name


def test_a_missing_member_is_noticed() -> None:
    class Partial:
        library = None
        killfile = None

        def load_killfile(self, reload: bool = False) -> None: ...

    assert not isinstance(Partial(), ReaderApp)
