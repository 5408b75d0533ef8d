"""Small builders for killfile tests: overview records and rule sets from TOML text."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from killfile.engine import score
from killfile.model import RuleSet, UserState
from killfile.result import ScoreTable
from killfile.rules import parse_rules
from nntp.models import Overview

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)
NOW = datetime(2024, 3, 10, tzinfo=timezone.utc)


def ov(number: int, subject: str = "topic", author: str = "Ann <ann@example.org>", *,
       refs: tuple[str, ...] = (), date: datetime | None | bool = True, lines: int = 10, size: int = 1000,
       xref: str = "", msgid: str = "", extra: tuple[tuple[str, str], ...] = ()) -> Overview:
    when = T0 + timedelta(hours=number) if date is True else (None if date is False else date)
    return Overview(number, subject, author, when, msgid or f"<{number}@example.org>", refs, size, lines, xref,
                    extra)


def rules(text: str) -> RuleSet:
    """Parse rules that must be valid (a test typo fails loudly)."""
    parsed, problems = parse_rules(text, "score.toml")
    assert not [p for p in problems if p.severity == "error"], problems
    return parsed


def run(articles: list[Overview], text: str = "", group: str = "comp.test", now: datetime = NOW,
        state: UserState | None = None, **kwargs: object) -> ScoreTable:
    return score(articles, rules(text), group, now, state, **kwargs)  # type: ignore[arg-type]


def by_number(table: ScoreTable) -> dict[int, tuple[int, str, list[str]]]:
    """number -> (score, state, tags)."""
    return {a.number: (table.scores[i], table.state(i), table.tags(i)) for i, a in enumerate(table.articles)}


def explained_sum(table: ScoreTable, i: int) -> int:
    return sum(m.delta for m in table.verdict(i).matched)
