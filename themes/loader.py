"""TOML theme files -> ``textual.theme.Theme``, with every problem collected, never raised.

A theme file has ``name``, ``dark``, optional ``luminosity-spread`` / ``text-alpha``,
a ``[colors]`` table for Textual's theme fields and a ``[variables]`` table for
pith's own variables (``quote-1`` .. ``quote-4``, ``signature`` ...) or overrides
of Textual's generated ones (``block-cursor-background``). A bad colour drops
that one value and is reported; only a file that cannot be read, or has no
usable ``primary``, is left out. A user's typo must never stop the reader.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.design import ColorSystem
from textual.theme import Theme

from store import tomlsafe

BUILTIN_DIR = Path(__file__).resolve().parent
BUILTIN_ORDER = ("dark", "light", "high-contrast")

COLOR_FIELDS = ("primary", "secondary", "warning", "error", "success", "accent",
                "foreground", "background", "surface", "panel", "boost")

CUSTOM_VARIABLES: dict[str, str] = {
    "quote-1": "text-secondary",
    "quote-2": "text-accent",
    "quote-3": "text-success",
    "quote-4": "text-warning",
    "signature": "text-muted",
    "spoiler": "text-muted",
    "attachment": "text-accent",
    "unread": "foreground",
    "score-high": "text-success",
    "score-low": "text-muted",
    "diff-added": "text-success",
    "diff-removed": "text-error",
    "diff-context": "foreground",
    "diff-hunk": "text-secondary",
    "diff-file": "text-accent",
}
"""pith's variables, each with the generated Textual variable that stands in for it
in a theme that does not set it (Textual's own themes, a sparse user theme)."""

_TOP_KEYS = ("name", "dark", "colors", "variables", "luminosity-spread", "text-alpha")


@dataclass(frozen=True)
class ThemeLoad:
    """Themes that loaded (in order) and one line per problem found on the way."""

    themes: tuple[Theme, ...]
    problems: tuple[str, ...]


def load_themes(*directories: Path) -> ThemeLoad:
    """Every ``*.toml`` in ``directories``; a later theme of the same name replaces an earlier one."""
    themes: dict[str, Theme] = {}
    problems: list[str] = []
    for directory in directories:
        for path in _theme_files(directory):
            theme, found = load_theme_file(path)
            problems.extend(found)
            if theme is not None:
                themes[theme.name] = theme
    return ThemeLoad(tuple(themes.values()), tuple(problems))


def _theme_files(directory: Path) -> list[Path]:
    files = sorted(directory.glob("*.toml")) if directory.is_dir() else []
    rank = {name: index for index, name in enumerate(BUILTIN_ORDER)}
    return sorted(files, key=lambda p: (rank.get(p.stem, len(rank)), p.name))


def load_theme_file(path: Path) -> tuple[Theme | None, list[str]]:
    """One file; ``(None, problems)`` when it cannot become a theme at all."""
    try:
        data = tomlsafe.loads(path.read_text(encoding="utf-8"))  # deep nesting: a problem, not a crash
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return None, [f"theme {path}: not loaded: {exc}"]
    return parse_theme(data, default_name=path.stem, origin=str(path))


def parse_theme(data: dict[str, Any], default_name: str, origin: str) -> tuple[Theme | None, list[str]]:
    """A parsed TOML table -> Theme; problems are ``"theme ORIGIN: KEY: what is wrong"``."""
    problems: list[str] = []

    def report(key: str, message: str) -> None:
        problems.append(f"theme {origin}: {key}: {message}")

    for key in data:
        if key not in _TOP_KEYS:
            report(key, f"unknown key{_nearest(key, _TOP_KEYS)}")
    colors = _table(data, "colors", report)
    fields = {}
    for key, value in colors.items():
        if key not in COLOR_FIELDS:
            report(f"colors.{key}", f"unknown colour field{_nearest(key, COLOR_FIELDS)}")
        elif _is_colour(value):
            fields[key] = value
        elif key != "primary":
            report(f"colors.{key}", f"not a colour: {value!r}")
    if "primary" not in fields:
        what = f"not a colour: {colors['primary']!r}" if "primary" in colors else "missing"
        report("colors.primary", f"{what}; the theme is not loaded")
        return None, problems
    variables = _variables(_table(data, "variables", report), report)
    name = data.get("name", default_name)
    if not isinstance(name, str) or not name.strip():
        report("name", f"must be a non-empty string, not {name!r}")
        name = default_name
    theme = Theme(name=name.strip(), dark=_flag(data, "dark", True, report), variables=variables,
                  luminosity_spread=_number(data, "luminosity-spread", 0.15, report),
                  text_alpha=_number(data, "text-alpha", 0.95, report), **fields)
    return theme, problems


def _variables(table: dict[str, Any], report: Any) -> dict[str, str]:
    known = _known_variables()
    variables = {}
    for key, value in table.items():
        if key not in known:
            report(f"variables.{key}", f"unknown variable{_nearest(key, known)}")
        elif key.endswith("text-style"):
            if isinstance(value, str):
                variables[key] = value
            else:
                report(f"variables.{key}", f"must be a string such as \"bold\", not {value!r}")
        elif _is_colour(value):
            variables[key] = value
        else:
            report(f"variables.{key}", f"not a colour: {value!r}")
    return variables


@cache
def _known_variables() -> frozenset[str]:
    return frozenset(ColorSystem(primary="#000000").generate()) | frozenset(CUSTOM_VARIABLES)


def _table(data: dict[str, Any], key: str, report: Any) -> dict[str, Any]:
    value = data.get(key, {})
    if isinstance(value, dict):
        return value
    report(key, "must be a table")
    return {}


def _flag(data: dict[str, Any], key: str, default: bool, report: Any) -> bool:
    value = data.get(key, default)
    if isinstance(value, bool):
        return value
    report(key, f"must be true or false, not {value!r}")
    return default


def _number(data: dict[str, Any], key: str, default: float, report: Any) -> float:
    value = data.get(key, default)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value)
    report(key, f"must be a number from 0 to 1, not {value!r}")
    return default


def _is_colour(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        Color.parse(value)
    except ColorParseError:
        return False
    return True


def _nearest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
