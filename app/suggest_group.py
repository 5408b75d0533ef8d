"""The ``rules suggest`` use case, once for the CLI and the TUI: gather a group's cached
articles, the reader's read marks, thread kills and rules, and return the suggestions
(killfile.suggest); ``accept`` appends one to the rule file with a comment. No textual, no rich.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from app.scoring import cached_articles
from killfile import actions, session
from killfile.suggest import Record, Scorer, Suggestion, evaluate, propose
from killfile.states import ActionKind
from nntp.errors import PithError
from store.library import Library


def suggest_group(library: Library, group: str, config_dir: Path, now: datetime,
                  rules_path: Path | None = None) -> list[Suggestion]:
    """Suggestions for ``group`` from what is cached; PithError when nothing is."""
    record, scorer = gather(library, group, config_dir, now, rules_path)
    return evaluate(record, scorer, propose(record))


def gather(library: Library, group: str, config_dir: Path, now: datetime,
           rules_path: Path | None = None) -> tuple[Record, Scorer]:
    """Everything suggestions are drawn from, read from the store and the config dir (the part
    that must run where the store lives; proposing and scoring can run anywhere)."""
    overviews = library.cached_overviews(group)
    if not overviews:
        raise PithError(f"{group}: no cached articles (enter the group first, e.g. `pith threads {group}`)")
    path = rules_path or config_dir / session.RULES_FILE
    killfile = session.load(config_dir, rules_path, with_state=True)
    stored, _ = actions.load_actions(config_dir / actions.ACTIONS)
    record = Record(overviews, group, library.read(group),
                    tuple(a.message_id for a in stored if a.kind is ActionKind.THREAD_KILL))
    full = cached_articles(library, overviews, killfile) if killfile.needs_articles else None
    return record, Scorer(_text(path), str(path), killfile.state, now, tuple(killfile.plugins), full)


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def accept(rules_path: Path, suggestion: Suggestion, now: datetime) -> None:
    """Append the suggestion to the rule file, under a comment saying when and what it did then."""
    p = suggestion.proposal
    note = (f"\n# accepted {now:%Y-%m-%d %H:%M} UTC from `rules suggest`; "
            f"on the cached articles then: {suggestion.effect}\n")
    existing = _text(rules_path)
    sep = "" if not existing or existing.endswith("\n") else "\n"
    rules_path.parent.mkdir(parents=True, exist_ok=True)
    with open(rules_path, "a", encoding="utf-8") as f:
        f.write(sep + note + p.toml)
