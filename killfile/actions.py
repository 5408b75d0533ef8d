"""The reader's actions (kill / watch a thread, plonk / boost / cap an author, tag), in a file pith owns.

pith never rewrites the user's score.toml (tomli-w would drop its comments);
what the reader does from the keyboard goes to ``killfile.d/actions.v1.toml``
in the config dir, one ``[[action]]`` per deed with an id, so ``undo`` is
simply removing one. ``memory.v1.json`` beside it remembers when each idle-
expiring rule last matched. Both are turned into a frozen UserState for the engine.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


from killfile.headers import normalize_address
from killfile.model import AuthorRule, Cap, Origin, Problem, Scope, ThreadRule, UserState
from killfile.toml_lines import Locator
from killfile.states import CAP_WINDOWS as WINDOWS
from killfile.states import ActionKind, ThreadAction
from store import tomlsafe
from store.paths import PRIVATE_FILE, private_dir, private_umask

ACTIONS = Path("killfile.d") / "actions.v1.toml"
MEMORY = Path("killfile.d") / "memory.v1.json"
KINDS = tuple(ActionKind)
CAP_WINDOWS = tuple(WINDOWS)
HEADER = "# Written by pith: the threads you killed or watched, authors you plonked or boosted,\n" \
         "# tags you set. Edit with care; `pith rules undo` removes the newest entry.\n\n"


@dataclass(frozen=True, slots=True)
class Action:
    id: int
    kind: ActionKind
    created: datetime
    message_id: str = ""
    address: str = ""
    tag: str = ""
    expires: datetime | None = None
    subthread: bool = False
    limit: int = 0
    """author-cap: at most this many articles ..."""
    per: str = ""
    """... per day, week, month or thread (calendar windows in UTC)."""
    group: str = ""
    """author-cap: the group (a wildmat) it applies in; empty: every group."""
    line: int = 0
    """Where it was read from (for explain's file:line); not stored."""


def load_actions(path: Path) -> tuple[list[Action], list[Problem]]:
    """The stored actions; a damaged file is reported, never fatal."""
    if not path.exists():
        return [], []
    try:
        text = path.read_text(encoding="utf-8")
        data = tomlsafe.loads(text)
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
    word = str(item["kind"])
    if word not in KINDS:
        raise ValueError(f"unknown kind {word!r}")
    kind = ActionKind(word)
    per = str(item.get("per", ""))
    if kind is ActionKind.AUTHOR_CAP and per not in CAP_WINDOWS:
        raise ValueError(f"per must be one of {', '.join(CAP_WINDOWS)}, not {per!r}")
    return Action(int(item["id"]), kind, _aware(item["created"]), str(item.get("message_id", "")),
                  str(item.get("address", "")), str(item.get("tag", "")),
                  _aware(item["expires"]) if "expires" in item else None, bool(item.get("subthread", False)),
                  int(item.get("limit", 0)), per, str(item.get("group", "")), line)


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
    import tomli_w  # only writing an action needs it, not every launch (issue 17)

    _write_private(path, HEADER + tomli_w.dumps({"action": items}))


def add_action(path: Path, kind: ActionKind | str, now: datetime, **fields: Any) -> Action:
    """Append one action and return it with its new id (``kind`` may still be the plain word)."""
    if kind not in KINDS:
        raise ValueError(f"unknown action kind {kind!r}")
    kind = ActionKind(kind)
    if kind is ActionKind.AUTHOR_CAP and (fields.get("per") not in CAP_WINDOWS or int(fields.get("limit", -1)) < 0):
        raise ValueError(f"an author cap needs limit >= 0 and per = {' | '.join(CAP_WINDOWS)}")
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
    threads, authors, caps = [], [], []
    message_tags: dict[str, set[str]] = {}
    thread_tags: dict[str, set[str]] = {}
    for a in actions:
        origin = Origin(str(path), a.line)
        if a.kind in (ActionKind.THREAD_KILL, ActionKind.THREAD_WATCH):
            action: ThreadAction = "kill" if a.kind is ActionKind.THREAD_KILL else "watch"
            threads.append(ThreadRule(a.message_id, action, origin, a.expires, a.subthread))
        elif a.kind in (ActionKind.PLONK, ActionKind.BOOST):
            plonk = a.kind is ActionKind.PLONK
            authors.append(AuthorRule(a.address, 0, origin, expires=a.expires, action="plonk" if plonk else "boost"))
        elif a.kind is ActionKind.TAG:
            message_tags.setdefault(a.message_id, set()).add(a.tag)
        elif a.kind is ActionKind.THREAD_TAG:
            thread_tags.setdefault(a.message_id, set()).add(a.tag)
        elif a.kind is ActionKind.AUTHOR_CAP:
            caps.append(author_cap(a, origin))
    return UserState(thread_rules=tuple(threads), author_rules=tuple(authors),
                     message_tags={k: frozenset(v) for k, v in message_tags.items()},
                     thread_tags={k: frozenset(v) for k, v in thread_tags.items()},
                     caps=tuple(caps), last_match=dict(last_match or {}))


_ADDR = r"[^\s<>@\"(),;:\[\]\\]+@[^\s<>@\"(),;:\[\]\\.]+(?:\.[^\s<>@\"(),;:\[\]\\.]+)*"
_AUTHOR = (re.compile(rf"\s*({_ADDR})\s*(?:\([^()]*\))?\s*"),  # user@host, user@host (Name)
           re.compile(rf"[^<>]*<({_ADDR})>\s*"))  # <user@host>, Name <user@host>, "Name" <user@host>


def author_address(text: str) -> str:
    """The address a plonk, boost or cap is about; ValueError when ``text`` holds none.

    A plonk of "not an address" would otherwise store "not" and match nobody (or,
    worse, a stranger): only user@domain, <user@domain> and Name <user@domain> pass.
    """
    for pattern in _AUTHOR:
        found = pattern.fullmatch(text)
        if found:
            return normalize_address(found.group(1))
    shown = text if len(text) <= 60 else text[:60] + "..."
    raise ValueError(f"not an address: {shown!r} (write user@example.org or \"Name <user@example.org>\")")


def parse_cap_spec(text: str) -> tuple[int, str]:
    """``"3/day"``, ``"3 per day"``, ``"3 a day"``, ``"30 a month"`` -> (3, "day"); ValueError says what is wanted."""
    words = text.replace("/", " ").lower().split()
    words = [w for w in words if w not in ("per", "a", "an", "each")]
    if len(words) == 2 and words[0].isdigit():
        per = words[1].rstrip("s")
        if per in CAP_WINDOWS:
            return int(words[0]), per
    raise ValueError(f"not a cap: {text!r} (write N/day, N/week, N/month or N/thread, e.g. 3/day)")


def author_cap(action: Action, origin: Origin) -> Cap:
    """A stored author cap as the engine's Cap: only that author, over the cap hidden, earliest kept."""
    scope = Scope((action.group,)) if action.group else Scope()
    name = f"{action.address}: {action.limit} per {action.per}"
    return Cap(name, origin, WINDOWS[action.per], action.limit, scope, authors=frozenset({action.address}))


def load_memory(path: Path) -> dict[str, datetime]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(k): _aware(v) for k, v in data.get("last_match", {}).items()}
    except (OSError, ValueError, AttributeError, RecursionError):  # pith's own cache: start afresh
        return {}


def save_memory(path: Path, last_match: dict[str, datetime]) -> None:
    """Merge newer last-match dates into the memory file."""
    merged = load_memory(path)
    for key, when in last_match.items():
        if key not in merged or when > merged[key]:
            merged[key] = when
    _write_private(path, json.dumps({"version": 1, "last_match": {k: v.isoformat() for k, v in sorted(merged.items())}},
                                    indent=1))


def _write_private(path: Path, text: str) -> None:
    """Atomically (temp file + rename), 0600 in a 0700 killfile.d: what you plonk is your business."""
    private_dir(path.parent)
    tmp = path.with_suffix(".tmp")
    with private_umask():
        tmp.write_text(text, encoding="utf-8")
    os.chmod(tmp, PRIVATE_FILE)  # an older, wider file's mode is not kept by the rename
    os.replace(tmp, path)
