"""Issue 17: ``threads``/``score`` ``--json`` streamed article by article, and ``--jsonl``.

The streamed text must be exactly what the old builder (tests/cli/json_oracle.py)
printed through ``cli.jsonout``: same shape, same layout, same escaping.
"""

from __future__ import annotations

import io
import json
import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from cli.jsonout import dumps
from cli.score_json import thread_links, write_score_lines, write_scores
from cli.stale import mark_stale
from cli.threads_json import write_threads
from killfile.model import Applied
from killfile.result import Limits, ScoreTable, verdict_json
from killfile.states import ScoreState
from nntp.models import Overview
from nntp.threads import ThreadNode, thread
from store.ranges import RangeSet
from tests.cli.json_oracle import scored_threads, thread_json
from tests.cli_run import chain_end

START = datetime(2024, 1, 1, tzinfo=timezone.utc)
HOSTILE = ["caf\u00e9 \u201cquoted\u201d", "C1 \x85\x9b[31m", "bidi \u202eevil\u202c", "lone \udcff byte",
           'quote " back \\ slash', "tab\tnew\nline", "sep \u2028\u2029", "del \x7f", "\u061c\u200f"]


def overviews(count: int, seed: int = 7) -> list[Overview]:
    """Articles replying at random to earlier ones (some to Message-IDs that are not in the group)."""
    rng = random.Random(seed)
    made: list[Overview] = []
    for n in range(1, count + 1):
        refs: tuple[str, ...] = ()
        if made and rng.random() < 0.7:
            parent = rng.choice(made)
            refs = (*parent.references, parent.message_id)
        elif rng.random() < 0.1:
            refs = (f"<gone{n}@x>",)
        date = START + timedelta(minutes=n) if rng.random() < 0.95 else None
        made.append(Overview(n, f"{rng.choice(HOSTILE)} {n}", f"A{n % 5} <a{n % 5}@x>", date, f"<{n}@x>",
                             refs, bytes=100 + n, lines=n % 40))
    return made


def table_for(articles: list[Overview], seed: int = 3) -> ScoreTable:
    """Scores, forced states, tags and explanations at random (about a third of the articles)."""
    rng = random.Random(seed)
    scores = [rng.choice([0, 0, 0, -9999, -200, -60, 5, 150]) for _ in articles]
    rule = Applied("r \u202e", "score.toml:1", -5)
    picked = {i for i in range(len(articles)) if rng.random() < 0.2}
    tags = {"linux": {i for i in picked if i % 2}, "x\x85": {i for i in picked if i % 3 == 0}}
    forced = {i: ScoreState.HIDDEN for i in picked if i % 5 == 0}
    return ScoreTable(articles, "g", Limits(kill=-1000, hide=-100, read=-50, high=100), scores,
                      applications=[(rule, picked)], tag_index=tags, forced=forced)


def old_threads(roots: list[ThreadNode], table: ScoreTable, read: RangeSet, show_all: bool) -> str:
    return dumps(scored_threads([thread_json(r, read) for r in roots], table, show_all)) + "\n"


SOME_READ = RangeSet.parse("2-30")


def streamed(roots: Any, table: ScoreTable, read: RangeSet = SOME_READ, **options: Any) -> str:
    out = io.StringIO()
    write_threads(roots, table, read, out, **options)
    return out.getvalue()


@pytest.mark.parametrize("show_all", [False, True])
def test_threads_json_is_the_old_builders_text(show_all: bool) -> None:
    articles = overviews(600)
    roots, table = thread(articles), table_for(articles)
    read = RangeSet.parse("1-100,150,300-420")
    text = streamed(roots, table, read, show_all=show_all)
    assert text == old_threads(roots, table, read, show_all)
    assert json.loads(text)  # and parses


def test_threads_json_escapes_what_a_terminal_must_not_see() -> None:
    articles = overviews(200)
    text = streamed(thread(articles), table_for(articles), show_all=True)
    for bad in "\x85\x9b\u202e\u202c\u2028\u2029\x7f\u061c\u200f\udcff\n\t":
        assert bad not in text.replace("\n", "") or bad == "\n"
    assert "\\u202e" in text and "\\ufffd" in text and "\\u0085" in text


def test_empty_group_and_all_killed_group_print_an_empty_list() -> None:
    assert streamed([], table_for([])) == "[]\n" == old_threads([], table_for([]), RangeSet(), False)
    articles = overviews(20)
    table = table_for(articles)
    table.scores[:] = [-9999] * len(articles)
    assert streamed(thread(articles), table) == "[]\n"


def test_a_reply_chain_of_1200_is_the_old_builders_text() -> None:
    chain = [Overview(n, "Re: chain", "Ann <ann@x>", START + timedelta(seconds=n), f"<{n}@chain>",
                      tuple(f"<{k}@chain>" for k in range(max(0, n - 3), n))) for n in range(1200)]
    table = ScoreTable(chain, "g", Limits(-1000, -100, -50, 100), [0] * len(chain))
    table.scores[600] = -9999  # a killed link in the middle stays as a placeholder
    roots = thread(chain)
    text = streamed(roots, table, RangeSet.parse("1-10"))
    assert text == old_threads(roots, table, RangeSet.parse("1-10"), False)
    depth, node = chain_end(text)
    assert depth == 1199 and node["message_id"] == "<1199@chain>"


class _Recorder(io.StringIO):
    """Remembers how many threads the generator had handed out at each write."""

    def __init__(self, produced: list[int]) -> None:
        super().__init__()
        self.produced = produced
        self.seen: list[int] = []

    def write(self, text: str) -> int:
        self.seen.append(self.produced[0])
        return super().write(text)


def test_writer_never_holds_the_whole_document() -> None:
    articles = overviews(4000)
    roots, table = thread(articles), table_for(articles)
    produced = [0]

    def lazily() -> Iterator[ThreadNode]:
        for root in roots:
            produced[0] += 1
            yield root

    out = _Recorder(produced)
    write_threads(lazily(), table, RangeSet(), out, show_all=True)
    assert len(out.seen) > 3 and out.seen[0] < len(roots) // 2  # writing began long before the last thread
    assert out.getvalue() == old_threads(roots, table, RangeSet(), True)


def test_stale_output_marks_every_root_as_the_old_writer_did() -> None:
    articles = overviews(100)
    roots, table = thread(articles), table_for(articles)
    out = io.StringIO()
    out.stale = True  # type: ignore[attr-defined]  # what CacheAwareOut says after a fallback
    write_threads(roots, table, RangeSet(), out)
    expected = dumps(mark_stale(scored_threads([thread_json(r, RangeSet()) for r in roots], table, False))) + "\n"
    assert out.getvalue() == expected


def _nodes(roots: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], int, dict[str, Any] | None]]:
    for index, root in enumerate(roots):
        stack: list[tuple[dict[str, Any], dict[str, Any] | None]] = [(root, None)]
        while stack:
            node, parent = stack.pop()
            yield node, index, parent
            stack.extend((c, node) for c in reversed(node["children"]))


@pytest.mark.parametrize("show_all", [False, True])
def test_threads_jsonl_is_one_shown_article_per_line_with_thread_and_parent(show_all: bool) -> None:
    articles = overviews(500)
    roots, table = thread(articles), table_for(articles)
    read = RangeSet.parse("1-50")
    lines = streamed(roots, table, read, show_all=show_all, jsonl=True).splitlines()
    expected = []
    for node, index, parent in _nodes(json.loads(old_threads(roots, table, read, show_all))):
        if node["number"] is not None:
            fields = {k: v for k, v in node.items() if k != "children"}
            by_number = {a.message_id: a.number for a in articles}
            reply_to = articles[node["number"] - 1].references[-1:] or ("",)
            expected.append({**fields, "thread": index, "parent": by_number.get(reply_to[0])})
            assert parent is None or parent["message_id"] in reply_to
    assert [json.loads(line) for line in lines] == expected


def test_jsonl_on_a_small_group_filters_like_jq() -> None:
    small = [Overview(1, "root", "a", START, "<1@x>", ()),
             Overview(2, "Re: root", "b", START + timedelta(1), "<2@x>", ("<1@x>",)),
             Overview(3, "Re: Re: root", "c", START + timedelta(2), "<3@x>", ("<1@x>", "<2@x>")),
             Overview(4, "orphan", "d", START + timedelta(3), "<4@x>", ("<lost@x>",)),
             Overview(5, "second", "e", START + timedelta(4), "<5@x>", ())]
    table = ScoreTable(small, "g", Limits(-1000, -100, -50, 100), [0] * 5)
    rows = [json.loads(line) for line in streamed(thread(small), table, jsonl=True).splitlines()]
    assert [(r["number"], r["thread"], r["parent"]) for r in rows] == [(1, 0, None), (2, 0, 1), (3, 0, 2),
                                                                       (4, 1, None), (5, 2, None)]
    # jq 'select(.parent == 1) | .number'
    assert [r["number"] for r in rows if r["parent"] == 1] == [2]
    assert "children" not in rows[0] and rows[0]["references"] == []
    out = io.StringIO()
    out.stale = True  # type: ignore[attr-defined]
    write_threads(thread(small), table, SOME_READ, out, jsonl=True)
    assert [json.loads(line) for line in out.getvalue().splitlines()] == [{**r, "stale": True} for r in rows]


def test_score_json_is_the_old_text_and_stale_marks_each_verdict() -> None:
    articles = overviews(700)
    table = table_for(articles)
    out = io.StringIO()
    write_scores(table, out)
    verdicts = [verdict_json(v) for v in table.verdicts()]
    assert out.getvalue() == dumps(verdicts) + "\n"
    stale = io.StringIO()
    stale.stale = True  # type: ignore[attr-defined]
    write_scores(table, stale)
    assert stale.getvalue() == dumps(mark_stale(verdicts)) + "\n"
    empty = io.StringIO()
    write_scores(table_for([]), empty)
    assert empty.getvalue() == "[]\n"


def test_score_jsonl_lines_are_the_verdicts_with_thread_and_parent() -> None:
    articles = overviews(300)
    table, roots = table_for(articles), thread(articles)
    out = io.StringIO()
    write_score_lines(table, roots, out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    links = thread_links(roots)
    assert rows == [{**verdict_json(v), "thread": links[v.number][0], "parent": links[v.number][1]}
                    for v in table.verdicts()]
    assert "\u202e" not in out.getvalue() and "\\u202e" in out.getvalue()


def test_completion_offers_jsonl_on_threads_and_score() -> None:
    from tests.test_packaging import bash_complete

    assert bash_complete(["pith", "threads", "g", "--jsonl"]) == ["--jsonl"]
    assert bash_complete(["pith", "score", "g", "--json"]) == ["--json", "--jsonl"]
