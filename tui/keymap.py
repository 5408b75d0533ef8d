"""The live key bindings: checking ``[keys]`` from config.toml, and listing bindings per screen.

Textual applies a keymap (binding id -> keys) when it looks a key up, so the
help screen lists bindings the same way: each screen's class bindings with the
app's keymap laid over them. An id in ``[keys]`` that no binding has is
reported with the nearest real id, and left out; it never stops the reader.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode


@dataclass(frozen=True)
class KeyHelp:
    """One binding as the help screen shows it."""

    keys: tuple[str, ...]
    description: str
    binding_id: str


def sections(app: App[object]) -> list[tuple[str, list[type[DOMNode]]]]:
    """(title, classes whose bindings apply there); "Everywhere" comes first."""
    from tui.screens.article import ArticleScreen
    from tui.screens.base import PithScreen
    from tui.screens.compose import ComposeScreen
    from tui.screens.groups import GroupsScreen
    from tui.screens.outbox import DraftsScreen, OutboxScreen
    from tui.screens.search import SearchScreen
    from tui.screens.threads import ThreadsScreen
    from tui.widgets.article_view import ArticleView
    from tui.widgets.group_list import GroupList
    from tui.widgets.thread_list import ThreadList

    return [
        ("Everywhere", [type(app), PithScreen]),
        ("Group list", [GroupsScreen, GroupList]),
        ("Thread list", [ThreadsScreen, ThreadList]),
        ("Article", [ArticleScreen, ArticleView]),
        ("Search results", [SearchScreen]),
        ("Composer", [ComposeScreen]),
        ("Outbox", [OutboxScreen]),
        ("Drafts", [DraftsScreen]),
    ]


def live_bindings(app: App[object]) -> list[tuple[str, list[KeyHelp]]]:
    """Every section's bindings with ids, after the keymap; an id shown once per section."""
    result: list[tuple[str, list[KeyHelp]]] = []
    everywhere: set[str] = set()
    for title, classes in sections(app):
        entries = _entries(app, classes, skip=everywhere)
        if not everywhere:
            everywhere = set(entries)
        result.append((title, [KeyHelp(tuple(keys), text, bid) for bid, (keys, text) in entries.items()]))
    return result


def _entries(app: App[object], classes: list[type[DOMNode]], skip: set[str]) -> dict[str, tuple[list[str], str]]:
    entries: dict[str, tuple[list[str], str]] = {}
    for cls in classes:
        for binding in _bindings_of(app, cls):
            if binding.id is None or binding.id in skip:
                continue
            keys, _ = entries.setdefault(binding.id, ([], binding.description))
            shown = app.get_key_display(binding.with_key(binding.key, key_display=None))
            if shown not in keys:
                keys.append(shown)
    return entries


def _bindings_of(app: App[object], cls: type[DOMNode]) -> list[Binding]:
    merged = cls._merged_bindings
    if merged is None:
        return []
    bindings = merged.copy()
    keymap: Mapping[str, str] = app._keymap
    if keymap:
        bindings.apply_keymap(dict(keymap))
    return [binding for group in bindings.key_to_bindings.values() for binding in group]


def known_ids(app: App[object]) -> set[str]:
    ids: set[str] = set()
    for _title, classes in sections(app):
        for cls in classes:
            merged = cls._merged_bindings
            if merged is not None:
                ids.update(b.id for group in merged.key_to_bindings.values() for b in group if b.id)
    return ids


def check_keymap(keymap: Mapping[str, str], known: set[str]) -> tuple[dict[str, str], list[str]]:
    """-> (the entries whose id exists, one problem line per entry that does not)."""
    valid: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in keymap.items():
        if binding_id in known:
            valid[binding_id] = keys
            continue
        close = difflib.get_close_matches(binding_id, sorted(known), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        problems.append(f"config: keys.{binding_id}: no binding has this id{hint}")
    return valid, problems


def keys_for(app: App[object], binding_id: str) -> str:
    """The live key(s) of ``binding_id`` for messages ("press v to reveal"), e.g. "v" or "v/ctrl+v"."""
    for _title, entries in live_bindings(app):
        for entry in entries:
            if entry.binding_id == binding_id:
                return "/".join(entry.keys)
    return binding_id
