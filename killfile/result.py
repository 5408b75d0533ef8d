"""The outcome of scoring one group: compact columns for a million articles, verdicts on demand.

Scores live in one list, and explanations only for the articles something
applied to, so scoring a huge group does not build a million objects; the
TUI asks ``state(i)`` per visible row and ``verdict(i)`` when the reader asks why.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from nntp.columns import Columns
from nntp.models import Overview

from killfile.kernels import decode_coded
from killfile.model import Applied, ArticleScore, Problem, Rule
from killfile.states import SEVERITY, ScoreState


@dataclass(slots=True)
class Limits:
    """Resolved thresholds for one group."""

    kill: int
    hide: int
    read: int
    high: int

    def state(self, score: int) -> ScoreState:
        if score <= self.kill:
            return ScoreState.KILLED
        if score <= self.hide:
            return ScoreState.HIDDEN
        if score <= self.read:
            return ScoreState.READ
        if score >= self.high:
            return ScoreState.HIGH
        return ScoreState.NORMAL


@dataclass(slots=True)
class ScoreTable:
    """Scores, states, tags and explanations for ``articles`` (index i is articles[i])."""

    articles: Sequence[Overview]
    group: str
    limits: Limits
    scores: list[int]
    applications: list[tuple[Applied, Collection[int]]] = field(default_factory=list)
    """What applied to which articles, in the order it applied (the engine's log)."""
    tag_index: dict[str, set[int]] = field(default_factory=dict)
    """Tag -> articles carrying it."""
    forced: dict[int, ScoreState] = field(default_factory=dict)
    """Article -> the most severe state an entry forced on it (a thread kill, a cap)."""
    unevaluated: list[tuple[Rule, set[int]]] = field(default_factory=list)
    """Rules that need the article, with the articles they could be judged on."""
    notes: list[str] = field(default_factory=list)
    """Run-wide remarks: expired rules, disabled plugins."""
    problems: list[Problem] = field(default_factory=list)
    """Plugin failures found while scoring."""
    last_match: dict[str, datetime] = field(default_factory=dict)
    """Rule key -> newest matched article date, for rules that expire when idle."""
    _index: dict[str, int] | None = None
    _entries: dict[int, list[Applied]] | None = None
    _tags: dict[int, list[str]] | None = None

    def __len__(self) -> int:
        return len(self.articles)

    def state(self, i: int) -> ScoreState:
        by_score = self.limits.state(self.scores[i])
        forced = self.forced.get(i)
        if forced is not None and SEVERITY[forced] > SEVERITY[by_score]:
            return forced
        return by_score

    def visible(self, i: int) -> bool:
        """Neither killed nor hidden: what a thread list shows without expanding."""
        return self.state(i).visible

    def index_of(self, message_id: str) -> int | None:
        if self._index is None:
            self._index = {}
            ids = (decode_coded(self.articles.ids.blob, self.articles.ids.ends, self.articles.id_codes)
                   if isinstance(self.articles, Columns) else (a.message_id for a in self.articles))
            for i, known in enumerate(ids):
                self._index.setdefault(known, i)
        return self._index.get(message_id)

    def entries(self, i: int) -> list[Applied]:
        """What applied to article i, in order; built for all articles on first use (one pass)."""
        if self._entries is None:
            self._entries = {}
            for applied, indices in self.applications:
                for k in indices:
                    self._entries.setdefault(k, []).append(applied)
        return self._entries.get(i, [])

    def tags(self, i: int) -> list[str]:
        """Article i's tags, sorted."""
        if self._tags is None:
            self._tags = {}
            for name in sorted(self.tag_index):
                for k in self.tag_index[name]:
                    self._tags.setdefault(k, []).append(name)
        return self._tags.get(i, [])

    def verdict(self, i: int) -> ArticleScore:
        number, message_id = _identity(self.articles, i)
        return ArticleScore(number, message_id, self.scores[i], self.state(i),
                            tuple(self.tags(i)), tuple(self.entries(i)), tuple(self._notes_for(i)))

    def _notes_for(self, i: int) -> list[str]:
        notes = []
        for rule, judged in self.unevaluated:
            if i not in judged:
                notes.append(f'rule "{rule.name or rule.origin}" ({rule.origin}) not evaluated: '
                             "it needs the article, which is not cached")
        return notes

    def verdicts(self) -> Iterator[ArticleScore]:
        for i in range(len(self.articles)):
            yield self.verdict(i)

    def counts(self) -> dict[ScoreState, int]:
        """How many articles are in each state (most severe first)."""
        out = dict.fromkeys(ScoreState, 0)
        for i in range(len(self.articles)):
            out[self.state(i)] += 1
        return out


def _identity(articles: Sequence[Overview], i: int) -> tuple[int, str]:
    """Article i's number and Message-ID (read from the arrays of Columns, with no record made)."""
    if isinstance(articles, Columns):
        return articles.numbers[i], articles.message_id(i)
    a = articles[i]
    return a.number, a.message_id


def verdict_json(v: ArticleScore) -> dict[str, Any]:
    """The ``pith score --json`` shape; these field names are a contract with users' scripts."""
    return {
        "number": v.number,
        "message_id": v.message_id,
        "score": v.score,
        "state": v.state,
        "tags": list(v.tags),
        "matched": [{"rule": m.rule, "source": m.source, "delta": m.delta} for m in v.matched],
    }
