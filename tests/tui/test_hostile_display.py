"""Server text on screen: hostile group names, descriptions and error replies show, and never act."""

from __future__ import annotations

import re
from pathlib import Path

from nntp.errors import RemoteProtocolError
from nntp.models import GroupInfo
from nntp.sanitize import ERROR_LIMIT
from store.cache import Store
from store.library import Library
from tests.fakes.source import FakeSource, make_overview
from tests.tui.conftest import SIZE, screen_text, settle
from tui.app import PithApp

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""ESC and every other control, C1 (CSI is U+009B), bidi marks, overrides and isolates."""
OSC52 = "\x1b]52;c;cHduZWQ=\x07"
NAME = "alt.\x1b[2Jevil\u202egro\x9bup"
DESCRIPTION = f"set title\x1b]0;pwned\x07 clip{OSC52} and \u200bspam\u2066 \x9b31m"
GARBAGE = "400 " + ("\x1b[31m\x9b\u202e" * 3000) + "garbage greeting\r\n" * 2000


class HostileSource(FakeSource):
    """A group list written by an attacker; one group whose selection fails with garbage."""

    def __init__(self) -> None:
        super().__init__({NAME: [make_overview(1)], "fake.broken": [make_overview(1)]})

    def list_groups(self) -> list[GroupInfo]:
        return [GroupInfo(NAME, 1, 1, 1, "y", DESCRIPTION), GroupInfo("fake.broken", 1, 1, 1, "y", "fails")]

    def select_group(self, name: str) -> GroupInfo:
        if name == "fake.broken":
            raise RemoteProtocolError(f"news.example:119: {GARBAGE}")
        return super().select_group(name)


def hostile_app(tmp_path: Path, **options: object) -> PithApp:
    source = HostileSource()
    return PithApp(lambda: Library(Store(tmp_path / "store.sqlite3"), lambda: source),  # type: ignore[arg-type]
                   title="pith test", **options)


def rendered(app: PithApp) -> str:
    """Every segment the terminal would be sent, header, toasts and status line included."""
    return "".join(segment.text for strip in app.screen._compositor.render_strips() for segment in strip)


async def test_group_list_shows_hostile_names_and_descriptions_inert(tmp_path: Path) -> None:
    app = hostile_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = rendered(app)
        assert not UNSAFE.search(text), UNSAFE.findall(text)
        assert "alt.␛[2Jevil<U+202E>gro<9B>up" in screen_text(app)
        assert "set title␛]0;pwned␇ clip␛]52;c;cHduZWQ=␇ and <U+200B>spam<U+2066>" in screen_text(app)
        await pilot.press("enter")  # into the hostile group: its name is in the header now
        await settle(pilot)
        assert not UNSAFE.search(rendered(app))
        assert "topic 1" in screen_text(app)


async def test_a_hostile_server_error_is_one_clipped_inert_toast(tmp_path: Path) -> None:
    app = hostile_app(tmp_path, start_group="fake.broken")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        errors = [m for m in messages if "garbage greeting" in m or "news.example" in m]
        assert errors, messages
        for message in errors:
            assert "\n" not in message and len(message) <= ERROR_LIMIT and not UNSAFE.search(message)
        assert not UNSAFE.search(rendered(app))
        assert "news.example:119: 400 ␛[31m<9B><U+202E>" in screen_text(app)


async def test_every_toast_passes_the_border(tmp_path: Path) -> None:
    app = hostile_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.notify(f"[b]markup?[/b] {OSC52}\n" * 20, title=NAME)
        await pilot.pause()
        note = list(app._notifications)[-1]
        assert not UNSAFE.search(note.message + note.title) and note.message.count("\n") <= 6
        assert "[b]markup?[/b]" in note.message and not note.markup
        assert not UNSAFE.search(rendered(app))
