"""Putting the themes of ``themes/`` (and the user's) into the app, and picking one.

The built-in files come first, then ``config_dir()/themes/*.toml`` (a user theme
named like a built-in one replaces it). Problems come back as lines for the app
to report; none of them stops the reader.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from textual.app import App

from store.paths import config_dir
from themes.loader import BUILTIN_DIR, CUSTOM_VARIABLES, load_themes

DEFAULT_THEME = "dark"


def user_theme_dir() -> Path:
    return config_dir() / "themes"


def install_themes(app: App[object], wanted: str = "") -> tuple[list[str], list[str]]:
    """Register every theme, switch to ``wanted`` (else the default); -> (pith's theme names, problems)."""
    load = load_themes(BUILTIN_DIR, user_theme_dir())
    problems = list(load.problems)
    for theme in load.themes:
        app.register_theme(theme)
    names = [theme.name for theme in load.themes]
    chosen = wanted or DEFAULT_THEME
    if chosen not in app.available_themes:
        close = difflib.get_close_matches(chosen, list(app.available_themes), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        problems.append(f"config: ui.theme: no theme called {chosen!r}{hint}; using {DEFAULT_THEME!r}")
        chosen = DEFAULT_THEME
    app.theme = chosen
    return names, problems


def with_fallbacks(variables: dict[str, str]) -> dict[str, str]:
    """CSS variables plus pith's own, taken from generated ones where the theme has none."""
    merged = dict(variables)
    for name, stand_in in CUSTOM_VARIABLES.items():
        if name not in merged:
            merged[name] = variables.get(stand_in, variables.get("foreground", "white"))
    return merged


def next_theme(names: list[str], current: str) -> str:
    """The theme after ``current`` in ``names`` (cycling; the first if current is not a pith theme)."""
    if not names:
        return current
    if current not in names:
        return names[0]
    return names[(names.index(current) + 1) % len(names)]
