"""JWZ threading: parents by References, dummies, duplicates, loops, deep chains, order."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from nntp.models import Overview
from nntp.threads import ThreadNode, count_articles, normalize_subject, thread

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


def art(number: int, mid: str, *refs: str, subject: str = "s") -> Overview:
    return Overview(number, subject, "a@x", T0 + timedelta(minutes=number), f"<{mid}>",
                    tuple(f"<{r}>" for r in refs))


def shape(node: ThreadNode) -> object:
    label = node.article.number if node.article else node.message_id
    return (label, [shape(c) for c in node.children]) if node.children else label


def test_replies_hang_under_their_parents_in_date_order() -> None:
    roots = thread([art(3, "c", "a"), art(1, "a"), art(2, "b", "a"), art(4, "d", "a", "b")])
    assert [shape(r) for r in roots] == [(1, [(2, [4]), 3])]


def test_missing_parent_becomes_a_dummy_holding_its_children() -> None:
    roots = thread([art(1, "x", "gone"), art(2, "y", "gone")])
    assert len(roots) == 1
    assert roots[0].article is None
    assert roots[0].message_id == "<gone>"
    assert [c.article.number for c in roots[0].children if c.article] == [1, 2]


def test_dummy_root_with_one_child_is_promoted_and_inner_dummies_spliced() -> None:
    roots = thread([art(1, "a"), art(2, "c", "a", "missing-b")])
    assert [shape(r) for r in roots] == [(1, [2])]
    roots = thread([art(5, "z", "gone")])
    assert [shape(r) for r in roots] == [5]


def test_duplicate_message_ids_keep_both_articles() -> None:
    roots = thread([art(1, "a"), art(2, "a"), art(3, "r", "a")])
    assert count_articles(roots) == 3


def test_reference_loops_are_broken() -> None:
    roots = thread([art(1, "a", "b"), art(2, "b", "a")])
    assert count_articles(roots) == 2
    roots = thread([art(1, "a", "a")])
    assert [shape(r) for r in roots] == [1]


def test_own_references_win_over_guessed_parents() -> None:
    # c first claims b's parent is x (via c's refs); b's own refs then say a.
    roots = thread([art(1, "a"), art(3, "c", "x", "b"), art(2, "b", "a")])
    assert count_articles(roots) == 3
    by_number = {n.article.number: n for r in roots for _, n in r.walk() if n.article}
    assert [c.article.number for c in by_number[1].children if c.article] == [2]


def test_deep_chain_does_not_recurse() -> None:
    n = 20_000
    arts = [art(i, f"m{i}", *( [f"m{i-1}"] if i else [])) for i in range(n)]
    roots = thread(arts)
    assert len(roots) == 1
    assert max(depth for depth, _ in roots[0].walk()) == n - 1


def test_subject_grouping_is_off_by_default_and_optional() -> None:
    arts = [art(1, "a", subject="Hello"), art(2, "b", subject="Re: hello")]
    assert len(thread(arts)) == 2
    grouped = thread(arts, by_subject=True)
    assert [shape(r) for r in grouped] == [(1, [2])]
    assert normalize_subject("Re: AW: Re[2]: Topic") == "topic"


mids = st.sampled_from([f"m{i}" for i in range(12)])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(mids, st.lists(mids, max_size=4)), max_size=30))
def test_every_article_appears_exactly_once(spec: list[tuple[str, list[str]]]) -> None:
    arts = [art(i + 1, mid, *refs) for i, (mid, refs) in enumerate(spec)]
    roots = thread(arts)
    numbers = sorted(a.number for r in roots for a in r.articles())
    assert numbers == list(range(1, len(arts) + 1))
