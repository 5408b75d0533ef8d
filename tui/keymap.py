"""The live key bindings: checking ``[keys]`` from config.toml, and listing bindings per screen.

Textual applies a keymap (binding id -> keys) when it looks a key up, so the
help screen lists bindings the same way: each class's own ``BINDINGS`` down its
MRO (as Textual merges them), with config.toml's ``[keys]`` laid over them.
Which classes belong to which help section is tui/help_sections.py's registry,
so this module imports no screen. An id in ``[keys]`` that no binding has is
reported with the nearest real id, and left out; it never stops the reader.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from textual.app import App
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from store.config import Config
from tui import help_sections
from tui.help_sections import Section


@dataclass(frozen=True)
class KeyHelp:
    """One binding as the help screen shows it."""

    keys: tuple[str, ...]
    description: str
    binding_id: str


def sections(app: App[Any]) -> list[tuple[str, list[type]]]:
    """(title, classes whose bindings apply there); "Everywhere" (with the app's own) comes first."""
    result: list[tuple[str, list[type]]] = []
    for section, classes in help_sections.registered():
        extra: list[type] = [type(app)] if section is Section.EVERYWHERE else []
        result.append((section.value, extra + classes))
    return result


def app_keymap(app: App[Any]) -> dict[str, str]:
    """The ``[keys]`` table of the app's config (the one the app gave ``set_keymap``), keys as Textual names them.

    Ids no binding has may be in it: laid over the bindings they change nothing.
    """
    config = getattr(app, "config", None)
    return normalized(config.keys) if isinstance(config, Config) else {}


def normalized(keymap: Mapping[str, str]) -> dict[str, str]:
    """``{"help": "?,h"}`` -> ``{"help": "question_mark,h"}``: one-character keys by name, as App.set_keymap does."""
    return {binding_id: ",".join(_key_name(key) for key in keys.split(",") if key.strip())
            for binding_id, keys in keymap.items()}


def _key_name(key: str) -> str:
    return next(iter(Binding.make_bindings([Binding(key.strip(), "")]))).key


def class_bindings(cls: type) -> BindingsMap:
    """What Textual binds on an instance of ``cls``: each DOM class's own BINDINGS down the MRO, a
    subclass's bindings of a key replacing its bases' (Textual's own merge, through its public types).

    A copy, free to have a keymap applied: the merge is done once per class (BINDINGS are class constants)."""
    return _merged(cls).copy()


@functools.cache
def _merged(cls: type) -> BindingsMap:
    keys: dict[str, list[Binding]] = {}
    for base in reversed(cls.__mro__):
        if issubclass(base, DOMNode):
            keys.update(BindingsMap(base.__dict__.get("BINDINGS", [])).key_to_bindings)
    return BindingsMap.from_keys(keys)


def live_bindings(app: App[Any], keymap: Mapping[str, str] | None = None) -> list[tuple[str, list[KeyHelp]]]:
    """Every section's bindings with ids, after the keymap (the app's ``[keys]`` unless given);
    an id shown once per section, and an id of "Everywhere" only there."""
    live = app_keymap(app) if keymap is None else normalized(keymap)
    result: list[tuple[str, list[KeyHelp]]] = []
    everywhere: set[str] = set()
    for title, classes in sections(app):
        entries = _entries(app, classes, live, skip=everywhere)
        if not everywhere:
            everywhere = set(entries)
        result.append((title, [KeyHelp(tuple(keys), text, bid) for bid, (keys, text) in entries.items()]))
    return result


def _entries(app: App[Any], classes: list[type], keymap: dict[str, str],
             skip: set[str]) -> dict[str, tuple[list[str], str]]:
    entries: dict[str, tuple[list[str], str]] = {}
    for cls in classes:
        for binding in _bindings_of(cls, keymap):
            if binding.id is None or binding.id in skip:
                continue
            keys, _ = entries.setdefault(binding.id, ([], binding.description))
            shown = app.get_key_display(binding.with_key(binding.key, key_display=None))
            if shown not in keys:
                keys.append(shown)
    return entries


def _bindings_of(cls: type, keymap: dict[str, str]) -> list[Binding]:
    bindings = class_bindings(cls)
    if keymap:
        bindings.apply_keymap(keymap)
    return [binding for _key, binding in bindings]


def known_ids(app: App[Any]) -> set[str]:
    """Every binding id of every section: what a ``[keys]`` entry may name."""
    return {binding.id for _title, classes in sections(app) for cls in classes
            for _key, binding in class_bindings(cls) if binding.id}


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


def keys_for(app: App[Any], binding_id: str) -> str:
    """The live key(s) of ``binding_id`` for messages ("press v to reveal"), e.g. "v" or "v/ctrl+v"."""
    for _title, entries in live_bindings(app):
        for entry in entries:
            if entry.binding_id == binding_id:
                return "/".join(entry.keys)
    return binding_id
