"""Pipelined ARTICLE fetching against the real INN2 and public-inbox: byte-equal to a plain fetch,
430/423 mid-window keep the stream in step, a cut mid-window resumes with nothing lost or doubled."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from nntp.address import ServerAddress
from nntp.client import NNTPClient
from nntp.connect import ConnectOptions
from store.sync import sync_group
from tests.fakes.proxy import CuttingProxy
from tests.integration.test_resilience_inn import group_of, handshake_bytes, library_via

pytestmark = pytest.mark.integration


def client_for(address: str, compress: bool) -> NNTPClient:
    return NNTPClient(ServerAddress.parse(address), options=ConnectOptions(timeout=10, compress=compress))


def plain_raw(client: NNTPClient, group: str, number: int) -> bytes:
    return client.article(group, number).raw


@pytest.mark.parametrize("compress", [False, True])
def test_pipelined_articles_are_byte_equal_to_plain_ones(inn_server: Any, compress: bool) -> None:
    client = client_for(inn_server.address, compress)
    try:
        info = client.select_group(group_of(inn_server))
        numbers = list(range(info.low, info.high + 1))
        fetched = list(client.iter_articles(info.name, numbers, window=16))
        assert [f.key for f in fetched] == numbers
        got = {f.key: f.raw for f in fetched}
        sample = random.Random(1).sample([n for n in numbers if got[n] is not None], 25)
        for number in sample:
            assert got[number] == plain_raw(client, info.name, number)
        assert client.select_group(info.name).name == info.name  # the connection is still in step
    finally:
        client.close()


@pytest.mark.parametrize("compress", [False, True])
def test_missing_articles_mid_window_keep_the_stream_in_step(inn_server: Any, compress: bool) -> None:
    client = client_for(inn_server.address, compress)
    try:
        info = client.select_group(group_of(inn_server))
        keys: list[int | str] = [info.low, "<no-such-article@pith.test>", info.low + 1, info.high + 1000,
                                 info.low + 2, "<also-missing@pith.test>", info.low + 3]
        fetched = list(client.iter_articles(info.name, keys, window=4))
        assert [f.key for f in fetched] == keys
        assert [f.gone for f in fetched] == [False, True, False, True, False, True, False]
        assert fetched[1].status.startswith("430") and fetched[3].status.startswith("423")
        assert fetched[2].raw == plain_raw(client, info.name, info.low + 1)
    finally:
        client.close()


def test_stopping_early_drains_what_is_in_flight(inn_server: Any) -> None:
    client = client_for(inn_server.address, False)
    try:
        info = client.select_group(group_of(inn_server))
        stream = client.iter_articles(info.name, list(range(info.low, info.low + 40)), window=32)
        first = next(stream)
        stream.close()
        assert first.raw == plain_raw(client, info.name, info.low)
    finally:
        client.close()


def _bodies(path: Path) -> dict[str, bytes]:
    with sqlite3.connect(path) as db:
        return {str(m): bytes(r) for m, r in db.execute("SELECT message_id, raw FROM bodies")}


@pytest.fixture(scope="module")
def uncut_bodies(inn_server: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    path = tmp_path_factory.mktemp("uncut-bodies") / "s.sqlite3"
    lib = library_via(inn_server.address, path)
    try:
        result = sync_group(lib, group_of(inn_server), bodies=True)
    finally:
        lib.close()
    assert result.bodies > 100
    return _bodies(path)


@pytest.mark.parametrize("seed", range(4))
def test_a_cut_mid_window_resumes_with_nothing_lost_or_doubled(
    seed: int, inn_server: Any, uncut_bodies: dict[str, bytes], tmp_path: Path
) -> None:
    path = tmp_path / "s.sqlite3"
    group = group_of(inn_server)
    lib = library_via(inn_server.address, path)
    lib.fetch_overviews(group)  # overviews first, uncut: the cuts land in the body answers
    lib.close()
    rng = random.Random(seed)
    start = handshake_bytes(inn_server, bool(seed % 2), group)
    cuts: list[int | None] = [start + rng.randint(2_000, 200_000) for _ in range(3)]
    proxy = CuttingProxy((inn_server.host, inn_server.port), cuts)
    lib = library_via(proxy.address, path, compress=bool(seed % 2))
    try:
        result = sync_group(lib, group, bodies=True)
    finally:
        lib.close()
        proxy.close()
    assert proxy.cut_done >= 1
    assert result.bodies + result.gone == len(uncut_bodies) + result.gone and not result.failed
    assert _bodies(path) == uncut_bodies


@pytest.mark.parametrize("compress", [False, True])
def test_public_inbox_answers_a_pipelined_window(pi_server: Any, compress: bool) -> None:
    """public-inbox answers a 423/430 ahead of a long article still being written: still matched."""
    client = client_for(pi_server.address, compress)
    try:
        info = client.select_group(pi_server.group)
        numbers: list[int | str] = [*range(info.low, info.high + 1), "<no-such-article@pith.test>"]
        fetched = list(client.iter_articles(info.name, numbers, window=8))
        assert [f.key for f in fetched] == numbers and fetched[-1].gone
        for f in fetched[:-1]:
            assert f.raw == plain_raw(client, info.name, int(f.key))
        by_id = client.article(info.name, info.low + 2).message_id
        mixed: list[int | str] = [info.low, "<nope@pith.test>", info.low + 1, by_id, info.high + 99, info.low + 2]
        got = list(client.iter_articles(info.name, mixed, window=8))
        assert [f.key for f in got] == mixed
        assert [f.gone for f in got] == [False, True, False, False, True, False]
        assert got[3].raw == got[5].raw == fetched[2].raw
    finally:
        client.close()
