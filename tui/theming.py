"""Putting the themes of ``themes/`` (and the user's) into the app, and picking one.

The built-in files come first, then ``config_dir()/themes/*.toml`` (a user theme
named like a built-in one replaces it). Problems come back as lines for the app
to report; none of them stops the reader.

The theme last chosen (ctrl+t, the command palette) is remembered in the state
directory, never in config.toml, and wins at the next start. config.toml's
``[ui] theme`` is the default: editing it to another theme wins again, because the
memory notes which config theme it was chosen over and is ignored once that
changes.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from textual.app import App

from store.paths import config_dir, private_file, state_dir
from themes.loader import BUILTIN_DIR, CUSTOM_VARIABLES, load_themes

DEFAULT_THEME = "dark"
MEMORY_FILE = "theme-v1.json"


def user_theme_dir() -> Path:
    return config_dir() / "themes"


def memory_path() -> Path:
    return state_dir() / MEMORY_FILE


def remembered_theme(config_theme: str) -> str:
    """The theme chosen last time, unless config.toml's theme changed since; "" when none."""
    try:
        data = json.loads(memory_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""  # none yet, or unreadable: the config's theme it is
    if not isinstance(data, dict) or data.get("config_theme", "") != config_theme:
        return ""
    theme = data.get("theme", "")
    return theme if isinstance(theme, str) else ""


def remember_theme(theme: str, config_theme: str) -> str:
    """Keep ``theme`` for the next start (off the event loop); -> "" or a line saying why it failed."""
    path = memory_path()
    try:
        private_file(path).write_text(json.dumps({"theme": theme, "config_theme": config_theme}) + "\n",
                                      encoding="utf-8")
    except OSError as exc:
        return f"theme not remembered: cannot write {path}: {exc.strerror or exc}"
    return ""


def install_themes(app: App[Any], wanted: str = "", remembered: str = "") -> tuple[list[str], list[str]]:
    """Register every theme, switch to ``remembered`` if it still exists, else ``wanted`` (else the
    default); -> (pith's theme names, problems). Before the app runs (see ``start_theme``)."""
    load = load_themes(BUILTIN_DIR, user_theme_dir())
    problems = list(load.problems)
    for theme in load.themes:
        app.register_theme(theme)
    names = [theme.name for theme in load.themes]
    if remembered in app.available_themes:
        start_theme(app, remembered)
        return names, problems
    chosen = wanted or DEFAULT_THEME
    if chosen not in app.available_themes:
        close = difflib.get_close_matches(chosen, list(app.available_themes), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        problems.append(f"config: ui.theme: no theme called {chosen!r}{hint}; using {DEFAULT_THEME!r}")
        chosen = DEFAULT_THEME
    start_theme(app, chosen)
    return names, problems


def start_theme(app: App[Any], name: str) -> None:
    """The theme an app starts in, set before it runs without a second reading of its stylesheet.

    Setting ``App.theme`` runs Textual's watcher, which queues a refresh that parses
    the whole stylesheet again once the app runs (7-13 ms of a launch, issue 17),
    right after its first parse. Nothing is parsed yet here: the watcher's other
    work (the theme's classes, the ANSI colour filter) is done below, and the
    stylesheet gets the theme's variables for its first and only parse.
    """
    app.set_reactive(App.theme, name)
    dark = app.current_theme.dark
    classes = {old: False for old in app.classes if old.startswith("-theme-")}
    app.update_classes(classes | {f"-theme-{name}": True, "-dark-mode": dark, "-light-mode": not dark}, update=False)
    app._refresh_truecolor_filter(app.ansi_theme)
    app.stylesheet.set_variables(app.get_css_variables())


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
