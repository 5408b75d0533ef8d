"""Everything the CLI and the TUI need to score a group, loaded in one call, plus explain text.

Loading never raises for the user's mistakes: problems (bad rules, broken
plugins, a damaged actions file) come back as a list to show as a warning
while every rule that is fine still applies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from nntp.models import Article, Overview

from killfile import actions, engine, plugins
from killfile.bodycache import BodyHits
from killfile.conditions import headers_of
from killfile.headers import needs_article
from killfile.model import Problem, RuleSet, UserState
from killfile.result import ScoreTable
from killfile.rules import load_rules

RULES_FILE = "score.toml"


@dataclass(slots=True)
class Killfile:
    """Rules, plugins and stored state, ready to score with."""

    rules: RuleSet
    state: UserState
    plugins: list[plugins.Plugin] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    config_dir: Path | None = None

    @property
    def needs_articles(self) -> bool:
        """Whether to hand the engine cached whole articles: only when something can use them.

        Rules on headers beyond the overview need them; plugins and tag filters may
        (Keywords and body spoiler tags come from them). Reading and parsing every
        cached article of a big group costs more than scoring it, so otherwise not.
        """
        slow = any(needs_article(h) for r in self.rules.rules for h in headers_of(r.condition) if h != "tag")
        return slow or bool(self.plugins) or bool(self.rules.tag_filters)

    def score(self, articles: Sequence[Overview], group: str, now: datetime,
              full: Mapping[str, Article] | None = None, body_hits: BodyHits | None = None) -> ScoreTable:
        table = engine.score(articles, self.rules, group, now, self.state, full, self.plugins, body_hits)
        self.problems.extend(p for p in table.problems if p not in self.problems)
        return table

    def remember(self, table: ScoreTable) -> None:
        """Store last-match dates of idle-expiring rules (pith-owned file)."""
        if self.config_dir is not None and table.last_match:
            actions.save_memory(self.config_dir / actions.MEMORY, table.last_match)


def load(config_dir: Path, rules_path: Path | None = None, with_state: bool = True) -> Killfile:
    """score.toml (or ``rules_path``), its plugins, and pith's actions and memory files."""
    problems: list[Problem] = []
    path = rules_path if rules_path is not None else config_dir / RULES_FILE
    if rules_path is None and not path.exists():
        rules = RuleSet()
    else:
        rules, found = load_rules(path)
        problems.extend(found)
    loaded = []
    for spec in rules.plugins:
        plugin, problem = plugins.load(spec)
        if plugin is not None:
            loaded.append(plugin)
        if problem is not None:
            problems.append(problem)
    state = UserState()
    if with_state:
        stored, found = actions.load_actions(config_dir / actions.ACTIONS)
        problems.extend(found)
        memory = actions.load_memory(config_dir / actions.MEMORY)
        state = actions.user_state(stored, config_dir / actions.ACTIONS, memory)
    return Killfile(rules, state, loaded, problems, config_dir)


def explain_text(table: ScoreTable, i: int) -> str:
    """The ordered story of one article's score, for ``pith score --explain`` and the TUI."""
    a = table.articles[i]
    v = table.verdict(i)
    out = [f"{a.message_id}  (article {a.number} in {table.group})",
           f"  Subject: {a.subject}", f"  From:    {a.author}", ""]
    if not v.matched:
        out.append("  nothing applied")
    width = max((len(m.rule) for m in v.matched), default=0)
    for m in v.matched:
        effect = f"  -> {m.force}" if m.force else ""
        note = f"  ({m.note})" if m.note else ""
        out.append(f"  {m.delta:+7d}  {m.rule:<{width}}  {m.source}{note}{effect}")
    out.append(f"  {'':->7}")
    out.append(f"  {v.score:+7d}  final score: {v.state}")
    limits = table.limits
    out.append(f"           (kill <= {limits.kill}, hide <= {limits.hide}, read <= {limits.read}, "
               f"high >= {limits.high})")
    if v.tags:
        out.append(f"  tags: {', '.join(v.tags)}")
    for note in (*v.notes, *table.notes):
        out.append(f"  note: {note}")
    return "\n".join(out) + "\n"
