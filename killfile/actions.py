"""The reader's actions (kill / watch a thread, plonk / boost an author, tag), in a file pith owns.

pith never rewrites the user's score.toml (tomli-w would drop its comments);
what the reader does from the keyboard goes to ``killfile.d/actions.v1.toml``
in the config dir, one ``[[action]]`` per deed with an id, so ``undo`` is
simply removing one. ``memory.v1.json`` beside it remembers when each idle-
expiring rule last matched. Both are turned into a frozen UserState for the engine.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import tomli_w

from killfile.headers import normalize_address
from killfile.model import AuthorRule, Origin, Problem, ThreadRule, UserState
from killfile.toml_lines import Locator

ACTIONS = Path("killfile.d") / "actions.v1.toml"
MEMORY = Path("killfile.d") / "memory.v1.json"
KINDS = ("thread-kill", "thread-watch", "plonk", "boost", "tag", "thread-tag")
HEADER = "# Written by pith: the threads you killed or watched, authors you plonked or boosted,\n" \
         "# tags you set. Edit with care; `pith rules undo` removes the newest entry.\n\n"


@dataclass(frozen=True, slots=True)
class Action:
    id: int
    kind: str
    created: datetime
    message_id: str = ""
    address: str = ""
    tag: str = ""
    expires: datetime | None = None
    subthread: bool = False
    line: int = 0
    """Where it was read from (for explain's file:line); not stored."""


def load_actions(path: Path) -> tuple[list[Action], list[Problem]]:
    """The stored actions; a damaged file is reported, never fatal."""
    if not path.exists():
        return [], []
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return [], [Problem(str(path), 1, f"cannot read pith's actions file: {exc}")]
    lines = [t.line for t in Locator.scan(text).array_tables("action")]
    actions, problems = [], []
    for k, item in enumerate(data.get("action", [])):
        try:
            actions.append(_action(item, lines[k] if k < len(lines) else 1))
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(Problem(str(path), lines[k] if k < len(lines) else 1, f"bad action: {exc}"))
    return actions, problems


def _action(item: dict[str, Any], line: int) -> Action:
    kind = str(item["kind"])
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    return Action(int(item["id"]), kind, _aware(item["created"]), str(item.get("message_id", "")),
                  str(item.get("address", "")), str(item.get("tag", "")),
                  _aware(item["expires"]) if "expires" in item else None, bool(item.get("subthread", False)), line)


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise ValueError(f"not a date-time: {value!r}")
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def save_actions(path: Path, actions: list[Action]) -> None:
    """Write atomically (temp file + rename): a crash never leaves half a file."""
    items = []
    for action in actions:
        data = {k: v for k, v in asdict(action).items() if v not in ("", None, False) and k != "line"}
        items.append(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(HEADER + tomli_w.dumps({"action": items}), encoding="utf-8")
    os.replace(tmp, path)


def add_action(path: Path, kind: str, now: datetime, **fields: Any) -> Action:
    """Append one action and return it with its new id."""
    if kind not in KINDS:
        raise ValueError(f"unknown action kind {kind!r}")
    actions, _ = load_actions(path)
    if "address" in fields:
        fields["address"] = normalize_address(fields["address"])
    action = Action(max((a.id for a in actions), default=0) + 1, kind, now, **fields)
    save_actions(path, [*actions, action])
    return action


def undo(path: Path, action_id: int | None = None) -> Action | None:
    """Remove the newest action (or the one with ``action_id``); returns what was removed."""
    actions, _ = load_actions(path)
    if not actions:
        return None
    target = max(actions, key=lambda a: a.id) if action_id is None else next(
        (a for a in actions if a.id == action_id), None)
    if target is None:
        return None
    save_actions(path, [a for a in actions if a.id != target.id])
    return target


def user_state(actions: list[Action], path: Path, last_match: dict[str, datetime] | None = None) -> UserState:
    """Actions -> the frozen state the engine takes."""
    threads, authors = [], []
    message_tags: dict[str, set[str]] = {}
    thread_tags: dict[str, set[str]] = {}
    for a in actions:
        origin = Origin(str(path), a.line)
        if a.kind in ("thread-kill", "thread-watch"):
            threads.append(ThreadRule(a.message_id, a.kind.split("-")[1], origin, a.expires, a.subthread))
        elif a.kind in ("plonk", "boost"):
            authors.append(AuthorRule(a.address, 0, origin, expires=a.expires, action=a.kind))
        elif a.kind == "tag":
            message_tags.setdefault(a.message_id, set()).add(a.tag)
        elif a.kind == "thread-tag":
            thread_tags.setdefault(a.message_id, set()).add(a.tag)
    return UserState(tuple(threads), tuple(authors), {k: frozenset(v) for k, v in message_tags.items()},
                     {k: frozenset(v) for k, v in thread_tags.items()}, dict(last_match or {}))


def load_memory(path: Path) -> dict[str, datetime]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(k): _aware(v) for k, v in data.get("last_match", {}).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def save_memory(path: Path, last_match: dict[str, datetime]) -> None:
    """Merge newer last-match dates into the memory file."""
    merged = load_memory(path)
    for key, when in last_match.items():
        if key not in merged or when > merged[key]:
            merged[key] = when
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"version": 1, "last_match": {k: v.isoformat() for k, v in sorted(merged.items())}},
                              indent=1), encoding="utf-8")
    os.replace(tmp, path)
