"""A source says what it can do (nntp/source.py Capability); nobody above nntp/ probes it for methods or classes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nntp.archive import ArchiveSource
from nntp.client import NNTPClient
from nntp.compress import WireStats
from nntp.resilient import ResilientSource
from nntp.source import Capability, NewsSource, NotCapable
from store.cache import Store
from store.library import Library
from store.outbox import send_queued
from tests.fakes.source import FakeSource, make_overview

ROOT = Path(__file__).resolve().parents[2]
PROBES = re.compile(r"isinstance\([^)]*\b\w*Source\b(?!Unavailable)|getattr\(\s*[\w.]*source\b|getattr\([^)]*\"_?source\"",
                    re.IGNORECASE)


def test_no_floor_above_nntp_probes_a_source() -> None:
    bad = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
           for floor in ("store", "app", "cli", "tui") for path in sorted((ROOT / floor).rglob("*.py"))
           for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if PROBES.search(line)]
    assert bad == []


def test_the_probe_pattern_catches_what_it_is_meant_to() -> None:
    for line in ('isinstance(source, ArchiveSource)', 'getattr(source, "post", None)',
                 'getattr(library.source, "iter_articles", None)', 'getattr(getattr(library, "_source"), "stats")'):
        assert PROBES.search(line), line
    assert not PROBES.search("isinstance(exc, SourceUnavailable)")


def test_every_source_declares_what_it_can_do() -> None:
    assert NNTPClient.capabilities == (Capability.POST | Capability.RAW_OVERVIEWS | Capability.PIPELINED_ARTICLES
                                       | Capability.LIST_ACTIVE | Capability.STATS)
    assert ResilientSource.capabilities == NNTPClient.capabilities
    assert ArchiveSource.capabilities == Capability.IMPORT_ARCHIVE
    assert FakeSource.capabilities == Capability.NONE
    for source in (NNTPClient, ResilientSource, ArchiveSource, FakeSource):
        assert NewsSource in source.__mro__  # subclassed: the optional methods' defaults say NotCapable


def test_a_method_outside_the_capabilities_says_so_plainly(tmp_path: Path) -> None:
    source = FakeSource({"g": [make_overview(1)]})
    with pytest.raises(NotCapable, match=r"^fake: this source cannot do POST \(not in its capabilities\)$"):
        source.post(b"")
    with pytest.raises(NotCapable, match="RAW_OVERVIEWS"):
        next(source.iter_raw_overviews("g", 1, 1))
    with pytest.raises(NotCapable, match="cannot do POST"):
        ArchiveSource(tmp_path / "a.mbox").post(b"")  # read-only: no POST either
    assert source.posting_allowed and source.greeting == ""  # nothing said against posting


class CountingSource(FakeSource):
    capabilities = Capability.STATS

    @property
    def stats(self) -> WireStats:
        return WireStats(wire_in=1234)


def test_the_library_asks_the_capabilities(tmp_path: Path) -> None:
    groups = {"g": [make_overview(1)]}
    plain = Library(Store(tmp_path / "a.sqlite3"), lambda: FakeSource(groups))
    plain.groups()
    assert plain.wire_stats() is None and not plain.is_archive
    assert send_queued(plain)[1] == "this source is a read-only archive"  # no POST: nothing is sent
    plain.close()
    counted = Library(Store(tmp_path / "b.sqlite3"), lambda: CountingSource(groups))
    assert counted.wire_stats() is None  # not connected yet: nothing to count
    counted.groups()
    stats = counted.wire_stats()
    assert stats is not None and stats.wire_in == 1234
    counted.close()
