"""Themes as data: the three built-ins, user themes, problems reported (never fatal), runtime switching."""

from __future__ import annotations

from collections.abc import Callable
import re
from pathlib import Path

from textual.color import Color

from store.config import Config
from tests.tui.conftest import PAGER_MBOX, SIZE, screen_text, settle
from themes.loader import BUILTIN_DIR, CUSTOM_VARIABLES, load_theme_file, load_themes
from tui.app import PithApp
from tui.theming import user_theme_dir
from tui.widgets.article_view import ArticleView

MakeApp = Callable[..., PithApp]
TCSS = Path(__file__).resolve().parents[2] / "tui" / "app.tcss"


def test_builtin_themes_load_cleanly_with_every_pith_variable() -> None:
    load = load_themes(BUILTIN_DIR)
    assert load.problems == ()
    assert [t.name for t in load.themes] == ["dark", "light", "high-contrast"]
    dark, light, contrast = load.themes
    assert dark.dark and not light.dark and contrast.dark
    for theme in load.themes:
        assert set(CUSTOM_VARIABLES) <= set(theme.variables), theme.name
    assert Color.parse(contrast.background or "").brightness == 0


def test_bad_values_are_reported_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('name = "mine"\ndrak = true\n[colors]\nprimary = "#123456"\nsecondary = "not-a-colour"\n'
                    'backgroud = "#000000"\n[variables]\nquote-1 = "#zzzzzz"\nqoute-2 = "red"\n'
                    'signature = "grey"\nblock-cursor-text-style = "bold"\n')
    theme, problems = load_theme_file(path)
    assert theme is not None and theme.name == "mine" and theme.secondary is None
    assert theme.variables == {"signature": "grey", "block-cursor-text-style": "bold"}
    assert problems == [
        f"theme {path}: drak: unknown key (did you mean 'dark'?)",
        f"theme {path}: colors.secondary: not a colour: 'not-a-colour'",
        f"theme {path}: colors.backgroud: unknown colour field (did you mean 'background'?)",
        f"theme {path}: variables.quote-1: not a colour: '#zzzzzz'",
        f"theme {path}: variables.qoute-2: unknown variable (did you mean 'quote-2'?)",
    ]


def test_unreadable_files_and_missing_primary_are_left_out(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("name = \n")
    (tmp_path / "noprimary.toml").write_text("[colors]\nprimary = \"blurple\"\n")
    (tmp_path / "good.toml").write_text("[colors]\nprimary = \"#336699\"\n")
    (tmp_path / "empty.toml").write_text("name = \"empty\"\n")
    load = load_themes(tmp_path)
    assert [t.name for t in load.themes] == ["good"]
    assert len(load.problems) == 3
    assert load.problems[0].startswith(f"theme {tmp_path / 'broken.toml'}: not loaded: ")
    assert list(load.problems[1:]) == [
        f"theme {tmp_path / 'empty.toml'}: colors.primary: missing; the theme is not loaded",
        f"theme {tmp_path / 'noprimary.toml'}: colors.primary: not a colour: 'blurple'; the theme is not loaded",
    ]


def test_tcss_uses_only_variables() -> None:
    declarations = [line.strip().rstrip(";").split(":", 1) for line in TCSS.read_text().splitlines()
                    if line.strip().endswith(";")]
    for prop, value in declarations:
        if "color" in prop or prop in ("background", "border", "outline"):
            assert "$" in value, prop
        assert not re.search(r"#[0-9a-fA-F]{3}", value), prop


async def test_config_theme_is_used_and_ctrl_t_cycles(make_app: MakeApp) -> None:
    app = make_app(PAGER_MBOX, start_group="pith.test.pager", start_article=1, config=Config(theme="light"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "light" and app.problems == []
        view = app.screen.query_one(ArticleView)
        light_quote = view.get_component_rich_style("article-view--quote-1").color
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert app.theme == "high-contrast"
        contrast_quote = view.get_component_rich_style("article-view--quote-1").color
        assert contrast_quote != light_quote and contrast_quote.triplet.hex == "#00ffff"
        line = next(text for text in view._source if text.plain == "> first level")
        assert line.spans[0].style.color == contrast_quote  # the pager rebuilt its lines
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert app.theme == "dark"
        app.theme = "textual-light"  # as from the command palette: pith's variables still resolve
        await settle(pilot)
        assert "> first level" in screen_text(app)


async def test_user_themes_load_and_bad_ones_are_reported(make_app: MakeApp) -> None:
    directory = user_theme_dir()
    directory.mkdir(parents=True)
    (directory / "solar.toml").write_text('[colors]\nprimary = "#268bd2"\nbackground = "#002b36"\n'
                                          '[variables]\nquote-1 = "#b58900"\n')
    (directory / "oops.toml").write_text("[colors\n")
    app = make_app(config=Config(theme="solar"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "solar"
        assert app.pith_themes == ["dark", "light", "high-contrast", "solar"]
        assert len(app.problems) == 1 and app.problems[0].startswith(f"theme {directory / 'oops.toml'}: not loaded")
        assert app.screen.status.message == f"1 problem (? lists it): {app.problems[0]}"
        assert "1 problem (? lists it): theme " in screen_text(app)
