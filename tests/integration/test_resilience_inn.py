"""Connections cut at random byte offsets during OVER and ARTICLE lose and duplicate nothing."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from nntp.address import ServerAddress
from nntp.client import NNTPClient
from nntp.connect import ConnectOptions
from nntp.resilient import ResilientSource
from store.cache import Store
from store.library import Library
from tests.fakes.proxy import CuttingProxy

pytestmark = pytest.mark.integration


def library_via(address: str, path: Path, compress: bool | None = True) -> Library:
    parsed = ServerAddress.parse(address)
    options = ConnectOptions(timeout=10, compress=compress)

    def connect() -> ResilientSource:
        return ResilientSource(lambda: NNTPClient(parsed, options=options), parsed.identity,
                               sleep=lambda _: None)

    return Library(Store(path), connect)


def handshake_bytes(inn_server: Any, compress: bool, group: str | None = None) -> int:
    """Bytes the server sends before the first bulk reply (cuts must land after them)."""
    proxy = CuttingProxy((inn_server.host, inn_server.port), [])
    client = NNTPClient(ServerAddress.parse(proxy.address), options=ConnectOptions(timeout=10, compress=compress))
    client.overview_format()
    client.select_group(group or group_of(inn_server))
    size = proxy.to_client
    client.close()
    proxy.close()
    return size + 16


def group_of(inn_server: Any) -> str:
    return "comp.graphics" if inn_server.corpus_loaded else inn_server.sample_groups[0]


@pytest.fixture(scope="module")
def uncut(inn_server: Any, tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    lib = library_via(inn_server.address, tmp_path_factory.mktemp("uncut") / "s.sqlite3")
    overviews = lib.enter_group(group_of(inn_server)).overviews
    lib.close()
    return overviews


@pytest.mark.parametrize("seed", range(20))
def test_over_cut_at_random_offsets_stores_the_uncut_result(
    seed: int, inn_server: Any, uncut: list[Any], tmp_path: Path
) -> None:
    rng = random.Random(seed)
    hello = handshake_bytes(inn_server, compress=bool(seed % 2))
    cuts = [hello + rng.randint(1, 60_000), rng.choice([None, hello + rng.randint(1, 60_000)])]
    proxy = CuttingProxy((inn_server.host, inn_server.port), cuts)
    lib = library_via(proxy.address, tmp_path / "s.sqlite3", compress=bool(seed % 2))
    try:
        got = lib.enter_group(group_of(inn_server)).overviews
    finally:
        lib.close()
        proxy.close()
    assert proxy.cut_done >= 1
    assert got == uncut
    assert len({o.number for o in got}) == len(got)


@pytest.mark.parametrize("seed", range(20))
def test_article_cut_at_random_offsets_reads_the_same_article(
    seed: int, inn_server: Any, uncut: list[Any], tmp_path: Path
) -> None:
    rng = random.Random(1000 + seed)
    big = [o for o in uncut if o.bytes > 3000]
    chosen = rng.choice(big)
    number = chosen.number
    direct = library_via(inn_server.address, tmp_path / "direct.sqlite3")
    expected = direct.article(group_of(inn_server), number)
    direct.close()
    # First connection: cut somewhere inside the article as it streams.
    hello = handshake_bytes(inn_server, compress=False, group=group_of(inn_server))
    proxy = CuttingProxy((inn_server.host, inn_server.port), [hello + rng.randint(1, chosen.bytes - 1)])
    lib = library_via(proxy.address, tmp_path / "s.sqlite3", compress=False)
    try:
        got = lib.article(group_of(inn_server), number)
    finally:
        lib.close()
        proxy.close()
    assert proxy.cut_done == 1
    assert got.raw == expected.raw and got.body == expected.body


def test_a_server_on_this_machine_is_not_asked_to_compress_unless_configured(inn_server: Any,
                                                                              tmp_path: Path) -> None:
    """Unset, COMPRESS is left out over loopback (INN offers it here): deflating 40 MB of OVER took INN 2.1 s
    against 0.7 s plain."""
    group = group_of(inn_server)
    unset = library_via(inn_server.address, tmp_path / "unset.sqlite3", compress=None)
    try:
        assert unset.enter_group(group).overviews
        assert not unset.source.stats.compressed  # type: ignore[attr-defined]
    finally:
        unset.close()


def test_compress_on_and_off_give_identical_results(inn_server: Any, tmp_path: Path) -> None:
    group = group_of(inn_server)
    on = library_via(inn_server.address, tmp_path / "on.sqlite3", compress=True)
    off = library_via(inn_server.address, tmp_path / "off.sqlite3", compress=False)
    try:
        a, b = on.enter_group(group).overviews, off.enter_group(group).overviews
        assert a == b and a
        for o in a[:: max(1, len(a) // 25)]:
            assert on.article(group, o.number).raw == off.article(group, o.number).raw
        assert on.source.stats.compressed and not off.source.stats.compressed  # type: ignore[attr-defined]
        assert on.source.stats.wire_in < off.source.stats.wire_in  # type: ignore[attr-defined]
    finally:
        on.close()
        off.close()


def test_repeated_failures_end_in_a_clear_error(inn_server: Any, tmp_path: Path) -> None:
    """After the reconnects are used up the reason is clear; with a cache, pith serves it offline."""
    proxy = CuttingProxy((inn_server.host, inn_server.port), [handshake_bytes(inn_server, True) + 400] * 50)
    lib = library_via(proxy.address, tmp_path / "s.sqlite3")
    try:
        load = lib.enter_group(group_of(inn_server))
    finally:
        lib.close()
        proxy.close()
    assert load.offline  # the group is known, so its (partial) cache is served
    assert "gave up after 5 reconnects" in lib.offline_reason
    assert f"127.0.0.1:{proxy.port}" in lib.offline_reason
