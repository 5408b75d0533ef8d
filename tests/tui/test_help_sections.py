"""Help sections declared by the screens themselves; the keymap reads bindings through public Textual API."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App

from store.config import Config
from tests.tui.conftest import SIZE, settle
from tui import help_sections, opener
from tui.app import PithApp
from tui.help_sections import HelpSectioned, Section, section_of
from tui.keymap import class_bindings, live_bindings, normalized, sections
from tui.navigation import OpenOutbox, Request, open_screen
from tui.screens.help import HelpScreen
from tui.screens.search import SearchScreen, parse_query
from tui.screens.sync import SyncScreen

ROOT = Path(__file__).resolve().parents[2]


def declared_sections() -> dict[str, str]:
    """class name -> the module (by name) of every class in tui/ that assigns HELP_SECTION in its body."""
    found: dict[str, str] = {}
    for path in (ROOT / "tui").rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    isinstance(stmt, ast.Assign | ast.AnnAssign) and "HELP_SECTION" in ast.unparse(stmt).split("=")[0]
                    for stmt in node.body):
                found[node.name] = module
    return found


def test_every_declaring_module_is_loaded_for_help() -> None:
    declared = declared_sections()
    declared.pop("HelpSectioned")
    assert {"PithScreen", "GroupsScreen", "ThreadsScreen", "ArticleScreen", "ComposeScreen",
            "DraftsScreen", "GroupList", "ThreadList", "ArticleView"} <= set(declared)
    assert set(declared.values()) == set(help_sections.SECTION_MODULES)


def test_sections_in_order_with_the_screen_before_its_widgets() -> None:
    app = PithApp(lambda: None, title="t")  # type: ignore[arg-type,return-value]
    listed = [(title, [cls.__name__ for cls in classes]) for title, classes in sections(app)]
    assert listed == [
        ("Everywhere", ["PithApp", "PithScreen"]), ("Group list", ["GroupsScreen", "GroupList"]),
        ("Thread list", ["ThreadsScreen", "ThreadList"]), ("Article", ["ArticleScreen", "ArticleView"]),
        ("Search results", ["SearchScreen"]), ("Composer", ["ComposeScreen"]), ("Outbox", ["OutboxScreen"]),
        ("Drafts", ["DraftsScreen"]),
    ]


def test_only_a_class_s_own_declaration_counts() -> None:
    assert section_of(SearchScreen) is Section.SEARCH
    assert section_of(SyncScreen) is None  # built on PithScreen ("Everywhere"), no section of its own
    assert section_of(HelpScreen) is None


def test_a_section_that_does_not_exist_names_the_class() -> None:
    with pytest.raises(ValueError, match=r"Odd.HELP_SECTION: no section 'Thread lists' \(one of 'Everywhere'"):
        type("Odd", (HelpSectioned,), {"HELP_SECTION": "Thread lists"})


@pytest.mark.parametrize("cls", [cls for _t, group in help_sections.registered() for cls in group]
                         + [PithApp, HelpScreen, SyncScreen])
def test_public_merge_matches_textual_s_own(cls: type) -> None:
    """class_bindings walks the MRO itself; Textual's private merge is the oracle here, and only here."""
    ours = [(key, b.id, b.action) for key, b in class_bindings(cls)]
    theirs = [(key, b.id, b.action) for key, b in cls._merged_bindings]
    assert ours == theirs


def test_keymap_is_normalised_as_textual_does() -> None:
    assert normalized({"help": "?,h", "search": " / ", "post": "ctrl+p,,"}) == {
        "help": "question_mark,h", "search": "slash", "post": "ctrl+p"}


def test_live_bindings_take_the_app_s_keys_or_the_ones_given() -> None:
    app = PithApp(lambda: None, title="t", config=Config(keys={"help": "h"}))  # type: ignore[arg-type,return-value]
    everywhere = dict(live_bindings(app))["Everywhere"]
    assert next(e.keys for e in everywhere if e.binding_id == "help") == ("h",)
    everywhere = dict(live_bindings(app, {"help": "?,x"}))["Everywhere"]
    assert next(e.keys for e in everywhere if e.binding_id == "help") == ("?", "x")


def test_keymap_imports_no_screen_and_no_textual_internals() -> None:
    source = (ROOT / "tui" / "keymap.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not {m for m in modules if m.startswith(("tui.screens", "tui.widgets"))}
    assert "_merged_bindings" not in source and "._keymap" not in source


def test_every_request_has_a_screen() -> None:
    assert set(opener._BUILDERS) == set(Request.__args__)


async def test_open_screen_needs_pith_s_app() -> None:
    class Bare(App[None]):
        pass

    with pytest.raises(TypeError, match="Bare cannot open screens by request"):
        open_screen(Bare(), OpenOutbox())


async def test_help_on_search_results_puts_them_first(make_app: Callable[..., PithApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(SearchScreen(parse_query("zzz", None)))
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        headings = [line for line in app.screen.help_text().plain.splitlines() if line and not line.startswith(" ")]
        assert headings[:3] == ["Everywhere", "Search results (this screen)", "Group list"]

