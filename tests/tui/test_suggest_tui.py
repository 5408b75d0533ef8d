"""s in the thread list: suggested rules with their effect; a then y appends one to score.toml,
n appends nothing, and closing the screen scores the group again (issue 18)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from store.config import Config
from store.paths import config_dir
from tests.killfile.test_suggest import mbox_of, noisy_group
from tests.tui.conftest import SIZE, screen_text, settle
from tui.app import PithApp
from tui.screens.help import HelpScreen
from tui.screens.suggest import SuggestScreen
from tui.screens.threads import ThreadsScreen

MakeApp = Callable[..., PithApp]


async def test_suggestions_screen_accepts_only_on_yes(make_app: MakeApp, tmp_path: Path) -> None:
    box = tmp_path / "talk.mbox"
    box.write_bytes(mbox_of(noisy_group()))
    app = make_app(mbox=box, start_group="talk.test")
    rules = config_dir() / "score.toml"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Taxes are theft" in screen_text(app)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SuggestScreen)
        text = screen_text(app)
        assert "[author-cap] flood@example.org posted more than 3" in text and "effect: 6 hidden" in text
        assert "[dominated-thread] rant@example.org wrote 8 of the 12" in text
        kinds = [s.proposal.kind for s in app.screen.found]
        for _ in range(kinds.index("dominated-thread")):
            await pilot.press("j")
        await pilot.press("a", "n")  # asked, and refused: nothing written
        await settle(pilot)
        assert not rules.exists()
        await pilot.press("a", "y")
        await settle(pilot)
        written = rules.read_text()
        assert "# accepted" in written and "12 killed" in written and "[[thread]]" in written
        assert "[accepted]" in screen_text(app)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, ThreadsScreen)
        assert "Taxes are theft" not in screen_text(app)  # the accepted thread kill now applies
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        listed = app.screen.help_text().plain
        assert "Suggest rules" in listed and "suggest-rules" in listed


async def test_the_key_is_rebindable(make_app: MakeApp, tmp_path: Path) -> None:
    box = tmp_path / "talk.mbox"
    box.write_bytes(mbox_of(noisy_group()))
    app = make_app(mbox=box, start_group="talk.test", config=Config(keys={"suggest-rules": "ctrl+g"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, SuggestScreen)
