"""Property tests: scoring does not depend on article order, and explanations add up exactly."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from killfile.engine import score
from killfile.model import AuthorRule, Origin, ThreadRule, UserState
from killfile.rules import parse_rules
from nntp.models import Overview

START = datetime(2024, 1, 1, tzinfo=timezone.utc)
RULES, PROBLEMS = parse_rules('''
[[rule]]
name = "gizmo"
score = -30
tags = ["g"]
any = [{ header = "Subject", contains = "gizmo" }, { header = "From", regex = "^c" }]
[[rule]]
name = "short"
score = 7
all = [{ header = "Lines", lt = 5 }, { tag = "g", not = true }]
[[rule]]
name = "set"
set = 3
all = [{ header = "Subject", equals = "[x] b" }]
[[rule]]
name = "late"
score = -1
all = [{ header = "Subject", regex = "b$" }]
[[cap]]
per = "day"
max = 2
keep = "best"
[[cap]]
per = "thread"
max = 1
score = -4
[[cap]]
per = "week"
max = 3
timezone = "America/New_York"
[[tag]]
name = "x"
score = 2
[detectors.pingpong]
replies = 1
[detectors.dominated]
min_articles = 3
''', "props.toml")
assert not PROBLEMS, PROBLEMS
STATE = UserState(thread_rules=(ThreadRule("<3@p>", "kill", Origin("a", 1)),),
                  author_rules=(AuthorRule("b@p", -2, Origin("a", 2)),))


@st.composite
def groups(draw: st.DrawFn) -> list[Overview]:
    n = draw(st.integers(0, 25))
    articles: list[Overview] = []
    for k in range(1, n + 1):
        earlier = [f"<{j}@p>" for j in range(1, k)]
        refs = tuple(draw(st.lists(st.sampled_from(earlier), max_size=3, unique=True))) if earlier else ()
        hours = draw(st.one_of(st.none(), st.integers(0, 24 * 20)))
        articles.append(Overview(
            k, draw(st.sampled_from(["a", "[x] b", "Re: gizmo", "[y] c b", ""])),
            draw(st.sampled_from(["A <a@p>", "b@p", "c <c@p>", "d@p (D)"])),
            None if hours is None else START + timedelta(hours=hours),
            f"<{k}@p>", refs, 100, draw(st.integers(0, 10))))
    return articles


def outcome(articles: list[Overview]) -> dict[int, tuple[int, str, tuple[str, ...]]]:
    table = score(articles, RULES, "comp.test", START + timedelta(days=30), STATE)
    return {v.number: (v.score, v.state, v.tags) for v in table.verdicts()}


@settings(max_examples=150, deadline=None)
@given(groups(), st.randoms(use_true_random=False))
def test_scoring_is_independent_of_article_order(articles: list[Overview], rng) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(articles)
    rng.shuffle(shuffled)
    assert outcome(shuffled) == outcome(articles)


@settings(max_examples=150, deadline=None)
@given(groups())
def test_explain_deltas_sum_to_the_score(articles: list[Overview]) -> None:
    table = score(articles, RULES, "comp.test", START + timedelta(days=30), STATE)
    for verdict in table.verdicts():
        assert sum(m.delta for m in verdict.matched) == verdict.score
        assert verdict.state in ("killed", "hidden", "read", "normal", "high")
