"""Issue 17: ``threads``/``score`` ``--json``/``--jsonl`` read a columnar group by index.

The same group given as records and as ``Columns`` (nntp/columns.py) must print
the same bytes, which are the old builder's (tests/cli/json_oracle.py), and the
columnar path must not make an ``Overview`` per article to do it. Columns-mode
trees come from ``thread(columns)`` once nntp/threads.py has it
(``ThreadNode.at``); until then, and always as well, from a stand-in node with
the same attributes (source, index, message_id, children, article).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any, cast

import pytest

from cli.columnar import numbers_dated_before, numbers_of, read_flags
from cli.json_texts import ColumnTexts
from cli.score_json import write_score_lines, write_scores
from cli.threads_json import write_threads
from killfile.result import Limits, ScoreTable
from nntp.columns import Columns, from_records
from nntp.models import Overview
from nntp.threads import ThreadNode, thread
from store.ranges import RangeSet
from tests.cli.test_json_stream import old_threads, overviews, table_for
from tests.cli_run import chain_end
from tests.hostile.corpus import PAYLOAD

START = datetime(2024, 1, 1, tzinfo=timezone.utc)
HAS_COLUMNS_THREADS = hasattr(ThreadNode, "at")


class _Counted(Columns):
    """Columns that count the records made from them (the columnar writers should make none)."""

    made = 0

    def record(self, i: int) -> Overview:
        _Counted.made += 1
        return super().record(i)


def counted(records: list[Overview]) -> _Counted:
    cols = from_records(records)
    _Counted.made = 0
    return _Counted(*(getattr(cols, name) for name in Columns.FIELDS))


class _Node:
    """A columns-mode tree node as nntp/threads.py's spec has it: (source, index), a record only on demand."""

    __slots__ = ("source", "index", "message_id", "children")

    def __init__(self, source: Columns | None, index: int, message_id: str) -> None:
        self.source, self.index, self.message_id = source, index, message_id
        self.children: tuple[_Node, ...] = ()

    @property
    def article(self) -> Overview | None:
        return None if self.source is None else self.source.record(self.index)

    @property
    def number(self) -> int | None:
        return None if self.source is None else self.source.numbers[self.index]

    def walk(self, depth: int = 0) -> Iterator[tuple[int, _Node]]:
        stack = [(depth, self)]
        while stack:
            level, node = stack.pop()
            yield level, node
            stack.extend((level + 1, child) for child in reversed(node.children))


def stand_in(roots: list[ThreadNode], source: Columns) -> list[ThreadNode]:
    """The record trees ``roots`` again, as columns-mode nodes over ``source`` (same shape, same order)."""
    at = {n: i for i, n in enumerate(source.numbers)}

    def node(old: ThreadNode) -> _Node:
        art = old.article
        return _Node(None, -1, old.message_id) if art is None else _Node(source, at[art.number], old.message_id)

    out = [node(root) for root in roots]
    stack = list(zip(roots, out))
    while stack:
        old, new = stack.pop()
        new.children = tuple(node(child) for child in old.children)
        stack.extend(zip(old.children, new.children))
    return cast(list[ThreadNode], out)


def column_trees(records: list[Overview], source: Columns) -> Iterator[tuple[str, list[ThreadNode]]]:
    """The columns-mode trees to check: the stand-in's, and thread(columns)'s once it exists."""
    yield "stand-in", stand_in(thread(records), source)
    if HAS_COLUMNS_THREADS:
        yield "thread(columns)", thread(source)


def hostile(count: int) -> list[Overview]:
    """overviews() with the hostile corpus's every family in Subject, From, Message-IDs and References."""
    made = []
    for o in overviews(count):
        tag = PAYLOAD if o.number % 3 == 0 else "\udcff\x85"
        made.append(o._replace(subject=o.subject + tag, author=tag + o.author, message_id=_marked(o.message_id),
                               references=tuple(_marked(r) for r in o.references)))
    return made


def _marked(message_id: str) -> str:
    """A Message-ID with hostile characters inside (the same for an article and those naming it)."""
    return message_id[:-1] + PAYLOAD + ">"


def threads_text(roots: list[ThreadNode], table: ScoreTable, read: RangeSet, **options: Any) -> str:
    out = io.StringIO()
    write_threads(roots, table, read, out, **options)
    return out.getvalue()


READ = RangeSet.parse("1-100,150,300-420")


@pytest.mark.parametrize("jsonl", [False, True])
@pytest.mark.parametrize("show_all", [False, True])
@pytest.mark.parametrize("make", [overviews, hostile])
def test_threads_from_columns_print_the_records_bytes_without_records(make: Any, show_all: bool,
                                                                      jsonl: bool) -> None:
    records = make(600)
    table = table_for(records)
    expected = threads_text(thread(records), table, READ, show_all=show_all, jsonl=jsonl)
    if not jsonl:
        assert expected == old_threads(thread(records), table, READ, show_all)
    source = counted(records)
    for name, roots in column_trees(records, source):
        _Counted.made = 0
        text = threads_text(roots, replace(table, articles=source), READ, show_all=show_all, jsonl=jsonl)
        assert text == expected, name
        assert _Counted.made == 0, name


def test_hostile_text_from_columns_is_escaped() -> None:
    records = hostile(90)
    source = from_records(records)
    (_, roots), *_ = column_trees(records, source)
    text = threads_text(roots, replace(table_for(records), articles=source), READ, show_all=True)
    for bad in "\x1b\x85\x9b\u202e\u2066\u061c\udcff":
        assert bad not in text
    assert "\\u001b" in text and "\\ufffd" in text and "\\u202e" in text
    json.loads(text)


@pytest.mark.parametrize("jsonl", [False, True])
def test_a_1200_deep_chain_from_columns_is_the_records_text(jsonl: bool) -> None:
    chain = [Overview(n, "Re: chain", "Ann <ann@x>", START + timedelta(seconds=n), f"<{n}@chain>",
                      tuple(f"<{k}@chain>" for k in range(max(0, n - 3), n))) for n in range(1200)]
    table = ScoreTable(chain, "g", Limits(-1000, -100, -50, 100), [0] * len(chain))
    table.scores[600] = -9999  # a killed link in the middle stays as a placeholder
    expected = threads_text(thread(chain), table, RangeSet.parse("1-10"), jsonl=jsonl)
    source = counted(chain)
    for name, roots in column_trees(chain, source):
        text = threads_text(roots, replace(table, articles=source), RangeSet.parse("1-10"), jsonl=jsonl)
        assert text == expected, name
        if not jsonl:
            depth, node = chain_end(text)
            assert depth == 1199 and node["message_id"] == "<1199@chain>"
    assert _Counted.made == 0


def test_score_json_and_jsonl_from_columns_are_the_records_text() -> None:
    records = hostile(500)
    table = table_for(records)
    expected, lines = io.StringIO(), io.StringIO()
    write_scores(table, expected)
    write_score_lines(table, thread(records), lines)
    source = counted(records)
    columnar = replace(table, articles=source)
    touched = len(set(table.forced).union(*(i for _, i in table.applications), *table.tag_index.values()))
    out = io.StringIO()
    write_scores(columnar, out)
    assert out.getvalue() == expected.getvalue()
    assert _Counted.made <= touched  # only the verdicts with more than score and state make a record
    for name, roots in column_trees(records, source):
        out = io.StringIO()
        write_score_lines(columnar, roots, out)
        assert out.getvalue() == lines.getvalue(), name


EDGES = [datetime(1, 1, 1, tzinfo=timezone.utc), datetime(999, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
         datetime(1969, 12, 31, 23, 59, 59, tzinfo=timezone.utc), datetime(1970, 1, 1, tzinfo=timezone.utc),
         datetime(1993, 4, 5, 12, 0, tzinfo=timezone.utc), datetime(2038, 1, 19, 3, 14, 8, tzinfo=timezone.utc),
         datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)]


def test_dates_from_stamps_are_isoformat_of_the_utc_datetime() -> None:
    days = [START + timedelta(seconds=s * 7919) for s in range(3000)] + EDGES
    records = [Overview(n, "s", "a", d, f"<{n}@x>", ()) for n, d in enumerate(days, 1)]
    records.append(Overview(len(days) + 1, "s", "a", None, "<none@x>", ()))
    source = from_records(records)
    texts = ColumnTexts(source)
    expected = [f'"{d.isoformat()}"' for d in days] + ["null"]
    assert [texts.date(s) for s in source.stamps] == expected
    assert texts.date(int(START.timestamp())) == '"2024-01-01T00:00:00+00:00"'


def test_numbers_read_flags_and_old_articles_come_from_the_arrays() -> None:
    records = overviews(300)
    source = counted(records)
    assert list(numbers_of(source)) == [o.number for o in records] == numbers_of(records)
    read = RangeSet.parse("1-5,40,100-1000")
    expected = [int(o.number in read) for o in records]
    assert list(read_flags(source.numbers, read)) == expected
    shuffled = [o.number for o in reversed(records)]  # not ascending: one lookup each
    assert list(read_flags(shuffled, read)) == expected[::-1]
    cutoff = START + timedelta(minutes=150)
    assert numbers_dated_before(source, cutoff) == numbers_dated_before(records, cutoff)
    assert numbers_dated_before(records, cutoff) == [o.number for o in records if o.date and o.date < cutoff]
    assert _Counted.made == 0


def test_message_ids_are_encoded_from_a_table_still_being_filled() -> None:
    source = from_records(overviews(20))
    source.ids.code("<late \u202e@x>")  # a code added after the build: the blob is not joined yet
    assert ColumnTexts(source).ids == [json.dumps(s, ensure_ascii=False) for s in source.ids.strings()]


def test_catchup_older_than_marks_the_old_articles_of_a_stored_group(tmp_path: Any,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from tests.cli_run import run
    from tests.killfile.test_cli_score import MBOX

    mbox = tmp_path / "list.mbox"
    mbox.write_bytes(MBOX)  # four articles, 5-8 April 1993
    days = (datetime.now(timezone.utc) - datetime(1993, 4, 6, 12, tzinfo=timezone.utc)).total_seconds() / 86400
    code, out, _ = run(capsys, "--archive", str(mbox), "catchup", "test.kf", "--older-than", str(days), "--json")
    assert code == 0 and json.loads(out) == {"group": "test.kf", "marked": 2, "unread": 2}
    code, out, _ = run(capsys, "--archive", str(mbox), "catchup", "test.kf")
    assert out == "test.kf: marked 4 read, 0 unread\n"


def test_index_links_are_thread_links_by_index_in_both_modes() -> None:
    from cli.score_json import NONE, index_links, thread_links

    records = overviews(400)
    source = counted(records)
    links = thread_links(thread(records))
    expected = [links.get(o.number, (None, None)) for o in records]
    for articles, roots in ((records, thread(records)), (source, thread(source)), (source, thread(records))):
        threads, parents = index_links(roots, articles)
        got = [(None if t == NONE else t, None if p == NONE else p) for t, p in zip(threads, parents)]
        assert got == expected
    assert _Counted.made == 0


def test_threads_text_from_columns_is_the_records_text_without_records() -> None:
    from cli.commands import _print_tree
    from cli.threads_text import ColumnLines

    records = hostile(300)
    records[7] = records[7]._replace(date=None)
    records[8] = records[8]._replace(date=datetime(999, 12, 31, 23, 59, 59, tzinfo=timezone.utc))
    for k in (20, 21):  # two replies to one missing article: a placeholder root, titled from them
        records[k] = records[k]._replace(references=(_marked("<gone@x>"),))
    hidden = {o.number for o in records if o.number % 7 == 0}
    expected = io.StringIO()
    for root in thread(records):
        _print_tree(root, expected, hidden)
    source = counted(records)
    for name, roots in column_trees(records, source):
        out, lines = io.StringIO(), ColumnLines(source)
        for root in roots:
            _print_tree(root, out, hidden, lines)
        assert out.getvalue() == expected.getvalue(), name
    assert _Counted.made == 0
    assert "????-??-??" in expected.getvalue() and "[missing <gone" in expected.getvalue()
