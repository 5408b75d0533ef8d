"""User filter plugins: small Python modules named in score.toml with ``[[plugin]] path = ...``.

A plugin module defines ``score(article)``. It gets a read-only ArticleView and
returns None, an int (score delta), a list of tags, or ``(delta, tags)``.
A plugin that fails to load, raises, or returns something else is reported
with its file:line and contributes nothing to that run; the others go on.
Plugins are the reader's own trusted code: pith cannot bound their running time.
"""

from __future__ import annotations

import importlib.util
import sys
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable

from killfile.model import PluginSpec, Problem


@dataclass(frozen=True, slots=True)
class ArticleView:
    """What a plugin sees of one article. Frozen; ``headers`` is a read-only mapping."""

    number: int
    message_id: str
    subject: str
    author: str
    address: str
    """Normalised From address."""
    date: datetime | None
    references: tuple[str, ...]
    lines: int
    bytes: int
    group: str
    headers: Mapping[str, str]
    """Lower-case header name -> value: the overview's, plus every header of a cached article."""
    body: str | None
    """The body when the article is cached, else None."""
    thread_root: str
    """Message-ID naming the JWZ thread the reader sees (its root, even when some References were trimmed)."""
    thread_size: int
    depth: int
    """Number of References."""
    author_posts: int
    """Articles by this author in the group being scored."""
    author_posts_in_thread: int
    tags: frozenset[str] = field(default_factory=frozenset)
    """Tags known before plugins run (auto, user, detector and rule tags)."""


@dataclass(frozen=True, slots=True)
class Plugin:
    spec: PluginSpec
    function: Callable[[ArticleView], Any]
    name: str


def load(spec: PluginSpec) -> tuple[Plugin | None, Problem | None]:
    """Import a plugin file; failures come back as a Problem with the plugin's file:line."""
    path = Path(spec.path)
    if not path.is_file():
        return None, Problem(spec.origin.path, spec.origin.line, f"plugin {path} does not exist")
    module_name = f"pith_plugin_{abs(hash(str(path.resolve())))}"
    try:
        module_spec = importlib.util.spec_from_file_location(module_name, path)
        if module_spec is None or module_spec.loader is None:
            raise ImportError(f"cannot load {path}")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules.pop(module_name, None)
        module_spec.loader.exec_module(module)
    except BaseException as exc:  # a plugin may raise anything, even SystemExit
        if isinstance(exc, KeyboardInterrupt):
            raise
        return None, failure(spec, exc, "failed to load")
    function = getattr(module, "score", None)
    if not callable(function):
        return None, Problem(str(path), 1, "plugin defines no score(article) function")
    return Plugin(spec, function, str(getattr(module, "NAME", path.stem))), None


def failure(spec: PluginSpec, exc: BaseException, what: str) -> Problem:
    """A Problem at the plugin's own file:line where ``exc`` was raised (or the config's line)."""
    plugin_file = str(Path(spec.path).resolve())
    where = (spec.origin.path, spec.origin.line)
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename and str(Path(frame.filename).resolve()) == plugin_file:
            where = (spec.path, frame.lineno or 1)
            break
    else:
        if isinstance(exc, SyntaxError) and exc.lineno:
            where = (spec.path, exc.lineno)
    return Problem(where[0], where[1], f"plugin {what} ({type(exc).__name__}: {exc}); disabled")


def outcome(value: Any) -> tuple[int, tuple[str, ...]]:
    """Normalise a plugin's return value; raises TypeError for anything undocumented."""
    if value is None:
        return 0, ()
    if isinstance(value, bool):
        raise TypeError(f"score() returned {value!r}; return an int delta, tags, or (delta, tags)")
    if isinstance(value, int):
        return value, ()
    if isinstance(value, (list, set, frozenset)) and all(isinstance(t, str) for t in value):
        return 0, tuple(sorted(value))
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], int) and not isinstance(value[0], bool):
        tags = value[1] or ()
        if isinstance(tags, str) or not all(isinstance(t, str) for t in tags):
            raise TypeError("the tags in (delta, tags) must be a list of strings")
        return value[0], tuple(sorted(tags))
    raise TypeError(f"score() returned {value!r}; return an int delta, tags, or (delta, tags)")


def readonly(headers: dict[str, str]) -> Mapping[str, str]:
    return MappingProxyType(headers)
