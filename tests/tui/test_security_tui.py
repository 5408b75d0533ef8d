"""The reader stops, and says so plainly, on a TLS / pin / login failure: it does not go offline."""

from __future__ import annotations

from pathlib import Path

from nntp.errors import SecurityFailure
from store.cache import Store
from store.library import Library
from tests.fakes.source import FakeSource, make_overview
from tests.tui.conftest import screen_text, settle
from tui.app import PithApp
from tui.screens.groups import GroupsScreen

SIZE = (120, 36)
PIN = "news.example:563: certificate fingerprint AB:CD does not match the pinned pin_sha256"


def changed_certificate() -> FakeSource:
    raise SecurityFailure(f"{PIN}; refusing to continue (has the server's certificate changed?)")


async def test_a_changed_certificate_is_said_plainly_and_the_cache_is_not_shown(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite3"
    cached = Library(Store(store), lambda: FakeSource({"cached.group": [make_overview(1)]}))
    cached.groups()
    cached.close()
    app = PithApp(lambda: Library(Store(store), changed_certificate), title="pith — news.example")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)
        message = app.screen.status.message
        assert message.startswith("stopped for your safety, not showing cached data: ") and PIN in message
        text = screen_text(app)
        assert "cached.group" not in text and "offline" not in text.lower()
        await pilot.press("q")
        await pilot.pause()
