"""Against INN: every group's OVER answers parse the same a block at a time as line by line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nntp.address import ServerAddress
from nntp.client import NNTPClient
from nntp.connect import ConnectOptions
from nntp.parse import over_parser
from nntp.responses import _decode_lines
from store import packread
from store.cache import Store
from store.library import Library

pytestmark = pytest.mark.integration


def test_block_parse_equals_line_parse_for_every_group(inn_server: Any) -> None:
    """The sample's groups and the whole 20 Newsgroups corpus, answer by answer."""
    client = NNTPClient(ServerAddress.parse(inn_server.address), options=ConnectOptions(timeout=30))
    try:
        groups = {g: c for g, c in inn_server.group_counts().items() if c[0]}
        parse = over_parser(client.overview_format())
        total = lines_seen = 0
        for name, (_, low, high) in groups.items():
            for raw in client.iter_raw_overviews(name, low, high, chunk=2000):
                lines = _decode_lines(raw.data[:-2]) if raw.data else []
                batch = raw.parse()
                assert list(batch.overviews) == [r for r in map(parse, lines) if r is not None], name
                assert batch.skipped == sum(1 for line in lines if parse(line) is None)
                total += len(batch.overviews)
                lines_seen += len(lines)
        # Every line the server sent is a record: the active file's counts can run ahead of the
        # overview (other tests on this server cancel articles), so the lines are the measure.
        assert total == lines_seen and total >= 0.99 * sum(c[0] for c in groups.values())
    finally:
        client.close()


def test_entering_cold_then_warm_reads_the_same_records(inn_server: Any, tmp_path: Path) -> None:
    """Cold (answers stored as they came, parsed in hand), warm (from those packs), and a search finds them."""
    group = "comp.graphics" if inn_server.corpus_loaded else inn_server.sample_groups[0]
    address = ServerAddress.parse(inn_server.address)

    def library() -> Library:
        return Library(Store(tmp_path / "s.sqlite3"), lambda: NNTPClient(address, options=ConnectOptions(timeout=30)))

    first = library()
    cold = first.enter_group(group).overviews
    assert {p[4].startswith("over/") for p in packread.listed(first.store.db, group)} == {True}  # nothing parsed to store
    first.close()
    second = library()
    warm = second.enter_group(group)
    assert warm.overviews == cold and warm.fetched == 0
    assert second.store.overview_store.count(group) == len(cold)
    word = cold[len(cold) // 2].subject.split()[-1]
    assert any(hit.group == group for hit in second.search(word, group=group))
    second.close()
