"""JWZ threading on integer codes: Columns give columns-mode nodes, and both modes give the old trees.

The oracle is the record-path threading as it stood before (tests/nntp/jwz_oracle.py):
for any articles, ``thread(records)`` and ``thread(from_records(records))`` give its
trees in its order: duplicates, self references, loops, dummies, trimmed References,
equal and missing dates, subject grouping.
"""

from __future__ import annotations

import io
import tarfile
from array import array
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nntp.archive import ArchiveSource, parse_message
from nntp import threads
from nntp.columns import Columns, concat, from_records
from nntp.jwz_pure import layout
from nntp.missing import missing_titles
from nntp.models import Overview
from nntp.threads import ThreadNode, count_articles, thread
from tests.nntp import jwz_oracle

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample.mbox"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "20news-19997.tar.gz"

Walk = list[tuple[int, str, Overview | None]]


def walked(roots: list[ThreadNode] | list[jwz_oracle.OracleNode]) -> Walk:
    """Every tree in order, depth-first: (depth, Message-ID, record), for either tree class."""
    return [(depth, node.message_id, node.article) for root in roots for depth, node in root.walk()]


def assert_same_as_oracle(records: list[Overview], by_subject: bool = False) -> list[ThreadNode]:
    """Both modes give the oracle's trees; columns-mode nodes hold (source, index); returns the columns trees."""
    columns = from_records(records)
    expected = walked(jwz_oracle.thread(list(columns), by_subject))
    assert walked(thread(list(columns), by_subject)) == expected
    threaded = thread(columns, by_subject)
    assert walked(threaded) == expected
    for root in threaded:
        for _, node in root.walk():
            assert (node.source is columns) == (node.index >= 0) == (node.number is not None)
    return threaded


@st.composite
def forests(draw: st.DrawFn) -> list[Overview]:
    """Articles from a small pool of Message-IDs (so: duplicates, loops, self references, missing parents),
    with few distinct dates (equal dates, none, one before 1970) and numbers in any order."""
    pool = [f"<m{i}@x>" for i in range(draw(st.integers(1, 14)))]
    count = draw(st.integers(0, 30))
    numbers = draw(st.permutations(range(1, count + 1)))
    dates = st.sampled_from([None, T0, T0 + timedelta(minutes=1), T0 + timedelta(hours=5),
                             datetime(1960, 5, 1, tzinfo=timezone.utc)])
    subjects = st.sampled_from(["a", "Re: a", "RE: AW: a", "b", "Re: b", "", "Re: "])
    return [Overview(numbers[i], draw(subjects), "u@x", draw(dates), draw(st.sampled_from(pool)),
                     tuple(draw(st.lists(st.sampled_from(pool), max_size=5))), 10, 1)
            for i in range(count)]


@settings(max_examples=400, deadline=None)
@given(forests(), st.booleans())
def test_both_modes_give_the_oracles_trees(records: list[Overview], by_subject: bool) -> None:
    threaded = assert_same_as_oracle(records, by_subject)
    assert threaded == thread(records, by_subject)  # a columns tree equals the record tree of the same articles
    assert count_articles(threaded) == len(records)


@settings(max_examples=100, deadline=None)
@given(forests(), st.data())
def test_taken_and_concatenated_columns_thread_as_their_records(records: list[Overview], data: st.DataObject) -> None:
    columns = from_records(records)
    picked = data.draw(st.lists(st.integers(0, max(len(records) - 1, 0)), unique=True)) if records else []
    rest = [i for i in range(len(records)) if i not in picked]
    for part in (columns.take(picked), concat([columns.take(picked), columns.take(rest)])):
        assert walked(thread(part)) == walked(jwz_oracle.thread(list(part)))


@pytest.mark.skipif(not threads.COMPILED, reason="nntp/_threading.pyx is not built")
@settings(max_examples=300, deadline=None)
@given(forests())
def test_the_compiled_layout_gives_the_pure_ones_arrays(records: list[Overview]) -> None:
    columns = from_records(records)
    args = (columns.id_codes, columns.ref_starts, columns.ref_codes, len(columns.ids), columns.stamps, columns.numbers)
    assert threads._compiled is not None
    assert threads._compiled(*args) == layout(*args)
    picked = columns.take(range(len(records) - 1, -1, -2))  # codes the articles do not all use
    args = (picked.id_codes, picked.ref_starts, picked.ref_codes, len(picked.ids), picked.stamps, picked.numbers)
    assert threads._compiled(*args) == layout(*args)
    facts = threads._ColumnFacts(picked)
    items, counts = layout(*args)
    assert threads._compiled_nodes is not None
    built = threads._compiled_nodes(ThreadNode, picked, items, counts, facts.dummy)
    assert built == threads._build(facts, items, counts)
    assert all(node.source is picked for root in built for _, node in root.walk() if node.number is not None)
    record_facts = threads._RecordFacts(list(picked))
    items, counts = layout(record_facts.own, record_facts.starts, record_facts.refs, record_facts.codes,
                           record_facts.dates, record_facts.numbers)
    built = threads._compiled_nodes(ThreadNode, None, items, counts, record_facts.dummy, record_facts.records)
    assert built == threads._build(record_facts, items, counts) == threads.thread(picked)
    assert all(node.source is None for root in built for _, node in root.walk())


@pytest.mark.skipif(not threads.COMPILED, reason="nntp/_threading.pyx is not built")
def test_the_compiled_layout_refuses_codes_out_of_range_instead_of_writing_past_its_arrays() -> None:
    assert threads._compiled is not None
    q, i = (lambda *v: array("q", v)), (lambda *v: array("i", v))
    assert threads._compiled(i(), q(0), i(), 0, q(), q()) == (i(), i())
    for bad in [(i(5), q(0, 0), i(), 2, q(0), q(1)), (i(0), q(0, 1), i(-1), 2, q(0), q(1)),
                (i(0), q(0, 3), i(1), 2, q(0), q(1)), (i(0), q(0), i(), 2, q(0), q(1)), (i(0), q(0, 0), i(), 2, q(), q(1))]:
        with pytest.raises(ValueError, match="out of range"):
            threads._compiled(*bad)
    assert threads._compiled_nodes is not None
    with pytest.raises(ValueError, match="more children"):
        threads._compiled_nodes(ThreadNode, None, i(0, 1), i(2, 0), lambda code, kids: None)
    with pytest.raises(ValueError, match="past the records"):
        threads._compiled_nodes(ThreadNode, None, i(1), i(0), lambda code, kids: None, [article(1, "a")])


def test_nothing_threads_to_nothing() -> None:
    assert thread([]) == [] and thread(from_records([])) == [] and thread([], by_subject=True) == []


def article(number: int, mid: str, *refs: str, minutes: int | None = None, subject: str = "s") -> Overview:
    date = T0 + timedelta(minutes=number if minutes is None else minutes)
    return Overview(number, subject, "a@x", date, f"<{mid}>", tuple(f"<{r}>" for r in refs), 5, 1)


def test_columns_nodes_hold_source_and_index_and_build_records_on_demand() -> None:
    records = [article(1, "a"), article(2, "b", "gone", "a"), article(3, "c", "lost"), article(4, "d", "lost")]
    columns = from_records(records)
    first, missing = thread(columns)
    assert (first.source, first.index, first.number, first.message_id) == (columns, 0, 1, "<a>")
    assert first.article == records[0] and first.article is not first.article  # built on each access
    (reply,) = first.children
    assert (reply.index, reply.number, reply.article) == (1, 2, records[1])
    assert (missing.source, missing.index, missing.number, missing.article) == (None, -1, None, None)
    assert missing.message_id == "<lost>" and [c.number for c in missing.children] == [3, 4]
    assert repr(first) == "ThreadNode(1, '<a>', 1 children)"
    record_mode = thread(records)
    assert record_mode[0].source is None and record_mode[0].index == -1 and record_mode[0].number == 1
    assert hash(first) == hash(record_mode[0]) and first == record_mode[0]
    assert first != missing and first != record_mode[1]


def test_at_and_replace_keep_the_mode() -> None:
    columns = from_records([article(1, "a"), article(2, "b", "a")])
    node = ThreadNode.at(columns, 1)
    assert (node.source, node.index, node.children, node.parent, node.message_id) == (columns, 1, (), None, "<b>")
    copy = node._replace(children=(ThreadNode.at(columns, 0),))
    assert copy.source is columns and copy.index == 1 and copy.children[0].number == 1
    hollow = node._replace(article=None)
    assert hollow.source is None and hollow.article is None and hollow.message_id == "<b>"
    renamed = node._replace(message_id="<other>")
    assert renamed.source is None and renamed.message_id == "<other>" and renamed.number == 2
    assert ThreadNode(None, "<x>").number is None and ThreadNode(None, "<x>").index == -1


def test_counting_and_missing_titles_build_no_record_in_columns_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    records = [article(1, "x", "gone", subject="Re: Late"), article(2, "y", "gone", minutes=0, subject="Re: Where")]
    columns = from_records(records)
    (root,) = thread(columns)
    expected = missing_titles(thread(records)[0])
    monkeypatch.setattr(Columns, "record", lambda self, i: pytest.fail("a record was built"))
    assert count_articles([root]) == 2
    assert list(missing_titles(root).values()) == list(expected.values()) == ["Where"]


def test_a_hostile_100000_deep_chain_threads_without_recursion() -> None:
    n = 100_000
    records = [Overview(i + 1, "s", "a", T0, f"<m{i}>", (f"<m{i - 1}>",) if i else ()) for i in range(n)]
    columns = from_records(records)
    (root,) = thread(columns)
    assert max(depth for depth, _ in root.walk()) == n - 1
    assert count_articles([root]) == n
    assert root == thread(columns)[0]  # equality is iterative too
    (reversed_root,) = thread(columns.take(range(n - 1, -1, -1)))
    assert reversed_root.number == 1 and count_articles([reversed_root]) == n


def test_a_columns_node_holds_no_record() -> None:
    """Per article: the node (4 slots, 64 bytes) and its index (32); no record (~450 bytes), no Message-ID string."""
    n = 30_000
    columns = from_records([article(i + 1, f"m{i}", *([f"m{i // 2}"] if i else [])) for i in range(n)])
    roots = thread(columns)  # warm up what threading imports and caches
    del roots
    tracemalloc.start()
    try:
        roots = thread(columns)
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count_articles(roots) == n
    assert held / n < 130  # a binary tree: plus a 2-tuple (~72 bytes) per parent, i.e. ~36 an article


def sample_groups() -> list[list[Overview]]:
    source = ArchiveSource(SAMPLE)
    return [[o for batch in source.iter_overviews(g.name, g.low, g.high) for o in batch.overviews]
            for g in source.list_groups()]


def test_the_sample_groups_thread_alike_in_both_modes() -> None:
    for records in sample_groups():
        assert_same_as_oracle(records)
        assert_same_as_oracle(records, by_subject=True)


@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus/20news-19997.tar.gz is not here")
def test_the_20_newsgroups_corpus_threads_alike_in_both_modes() -> None:
    """All 20 groups as one: 19,997 articles, cross-posts as duplicate Message-IDs, real References."""
    records: list[Overview] = []
    with tarfile.open(CORPUS) as tar:
        for member in tar:
            if member.isfile():
                raw = tar.extractfile(member).read()  # type: ignore[union-attr]  # a file member has a reader
                overview = parse_message(raw, "corpus").overview
                records.append(overview._replace(number=len(records) + 1))
    assert len(records) > 19_000
    threaded = assert_same_as_oracle(records)
    assert count_articles(threaded) == len(records)
    assert_same_as_oracle(records, by_subject=True)


def test_oracle_walk_helper_reads_both_tree_classes() -> None:
    out = io.StringIO()
    out.write(str(walked(jwz_oracle.thread([article(1, "a")]))))
    assert "'<a>'" in out.getvalue()
