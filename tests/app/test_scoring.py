"""app.scoring and app.stats: pure functions over a real ScoreTable from a small score.toml."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from killfile import session
from killfile.result import ScoreTable
from nntp.models import Overview
from nntp.threads import thread
from app.scoring import Filter, RootIndex, arrange_scored, digest, hidden_root, parse_tags, roots_of, score_map
from app.stats import bar, hidden_by_rule, month_stats, size_distribution

NOW = datetime(2024, 2, 1, tzinfo=timezone.utc)
RULES = """
[[rule]]
name = "no bob"
score = -1500
all = [{ header = "From", contains = "bob@" }]

[[rule]]
name = "gizmo"
score = 50
tags = ["gizmo"]
all = [{ header = "Subject", contains = "gizmo" }]

[[rule]]
name = "troll"
score = -9999
all = [{ header = "From", contains = "troll@" }]
"""


def ov(n: int, author: str, subject: str, refs: tuple[str, ...] = (), day: int = 1, size: int = 100) -> Overview:
    return Overview(n, subject, author, datetime(2024, 1, day, 12, tzinfo=timezone.utc), f"<{n}@x>", refs, size, 3)


ARTICLES = [
    ov(1, "Alice <alice@x>", "gizmo talk"),
    ov(2, "Bob <bob@x>", "Re: gizmo talk", ("<1@x>",), 2),
    ov(3, "Carol <carol@x>", "Re: gizmo talk", ("<1@x>", "<2@x>"), 2),
    ov(4, "Troll <troll@x>", "flame", (), 3, 5000),
    ov(5, "Dave <dave@x>", "plain", (), 3),
    ov(6, "Bob <bob@x>", "bob alone", (), 4),
]


def scored_table(tmp_path: Path) -> ScoreTable:
    (tmp_path / "score.toml").write_text(RULES)
    return session.load(tmp_path).score(ARTICLES, "g", NOW)


def test_killed_absent_hidden_folded_and_placeholders(tmp_path: Path) -> None:
    table = scored_table(tmp_path)
    roots = thread(ARTICLES)
    scores = score_map(table)
    assert scores["<1@x>"].tags == ("gizmo",) and scores["<4@x>"].state == "killed"
    result = arrange_scored(roots, scores, Filter(), roots_of(roots))
    ids = [row.message_id for row in result.rows]
    assert "<4@x>" not in ids  # killed: absent, and no "hidden" row for it
    assert ids[:3] == ["<1@x>", "<2@x>", "<3@x>"]
    assert result.rows[1].article is None  # Bob is hidden but has a shown reply: placeholder
    assert hidden_root(result.rows[3]) == "<1@x>" and result.hidden["<1@x>"] == ["<2@x>"]
    assert hidden_root(result.rows[-1]) == "<6@x>" and result.rows[-1].depth == 0  # a wholly hidden thread
    shown = arrange_scored(roots, scores, Filter(expanded=frozenset({"<1@x>"})), roots_of(roots))
    assert shown.rows[1].article is not None and not any(hidden_root(r) == "<1@x>" for r in shown.rows)
    everything = arrange_scored(roots, scores, Filter(show_hidden=True), roots_of(roots))
    assert [r.message_id for r in everything.rows] == ["<1@x>", "<2@x>", "<3@x>", "<5@x>", "<6@x>"]


def test_tag_filter_and_digest(tmp_path: Path) -> None:
    table = scored_table(tmp_path)
    roots = thread(ARTICLES)
    scores = score_map(table)
    assert parse_tags("+gizmo -flame, x") == (frozenset({"gizmo", "x"}), frozenset({"flame"}))
    only = arrange_scored(roots, scores, Filter(include=frozenset({"gizmo"})), roots_of(roots))
    assert {r.message_id for r in only.rows if r.article} == {"<1@x>", "<3@x>"}
    without = arrange_scored(roots, scores, Filter(exclude=frozenset({"gizmo"})), roots_of(roots))
    assert {r.message_id for r in without.rows if r.article} == {"<5@x>"}
    top = digest(arrange_scored(roots, scores, Filter(), roots_of(roots)), size=1)
    assert [r.message_id for r in top] == ["<1@x>"]


def test_month_stats_and_hidden_by_rule(tmp_path: Path) -> None:
    table = scored_table(tmp_path)
    roots = thread(ARTICLES)
    (month,) = month_stats(ARTICLES, roots_of(roots))
    assert month.month == "2024-01" and month.articles == 6
    assert month.by_count[0] == ("Bob", 2)
    assert month.by_bytes[0] == ("Troll", 5000)
    assert month.per_day[:5] == [1, 2, 2, 1, 0] and len(month.per_day) == 31
    assert dict(month.thread_sizes)["2-3"] == 1 and dict(month.thread_sizes)["1"] == 3
    assert dict(hidden_by_rule(table)) == {"no bob": 2, "troll": 1}
    assert hidden_by_rule(table, "2023-12") == []
    assert size_distribution([1, 40, 9]) == [("1", 1), ("2-3", 0), ("4-7", 0), ("8-15", 1), ("16-31", 0), ("32+", 1)]
    assert bar(10, 10, 4) == "████" and bar(1, 100, 4) == "▏" and bar(0, 5, 4) == ""


def test_a_lazy_root_index_arranges_and_answers_as_the_whole_map(tmp_path: Path) -> None:
    """score_group hands arrange a RootIndex (built only when asked): the same rows, the same answers."""
    table = scored_table(tmp_path)
    roots = thread(ARTICLES)
    scores = score_map(table)
    lazy = RootIndex(roots)
    assert lazy.threads_holding({"<3@x>", "<5@x>", "<gone@x>"}) == {"<1@x>", "<5@x>"}
    assert lazy.threads_holding(set()) == set()
    for view in (Filter(), Filter(show_hidden=True), Filter(exclude=frozenset({"gizmo"}))):
        assert arrange_scored(roots, scores, view, RootIndex(roots)).rows == \
            arrange_scored(roots, scores, view, roots_of(roots)).rows
    assert dict(lazy) == roots_of(roots) and lazy.get("<2@x>") == "<1@x>" and len(lazy) == len(ARTICLES)
    assert lazy.threads_holding({"<3@x>"}) == {"<1@x>"}  # the built map answers the same


def test_best_holds_only_the_threads_with_a_scored_article(tmp_path: Path) -> None:
    """A quiet thread's best score is 0 by absence: local.big's 56,000 threads made a dict entry each."""
    roots = thread(ARTICLES)
    result = arrange_scored(roots, score_map(scored_table(tmp_path)), Filter(), roots_of(roots))
    assert result.best == {"<1@x>": 50}  # "<5@x>", nothing scored, is not listed (bob's and the troll's show none)
    assert [row.message_id for row in digest(result)][0] == "<1@x>"
