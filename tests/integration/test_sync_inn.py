"""pith sync against the real INN2 of the test harness: offline reading after it, and kill -9 resumption."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from nntp.address import ServerAddress
from store.cache import store_path
from store.paths import data_dir
from store import packread
from tests.cli_run import run

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def groups_for(inn_server: Any) -> list[str]:
    """The sample's groups (a few hundred articles, crossposts among them).

    Bodies come one ARTICLE round trip at a time, and against INN each costs ~40 ms
    (the server's Nagle meets our delayed ACK), so the body tests stay this small;
    the corpus groups are synced for overviews only.
    """
    return [g for g in inn_server.sample_groups if g.startswith("sample.")]


def corpus_groups(inn_server: Any) -> list[str]:
    return ["comp.graphics", "sci.space", "talk.politics.misc"] if inn_server.corpus_loaded else []


def every_corpus_group(inn_server: Any) -> list[str]:
    """The 20 Newsgroups' groups (~20,000 overviews): an overview-only sync long enough to be killed inside."""
    if not inn_server.corpus_loaded:
        return []
    return sorted(g for g, (count, _, _) in inn_server.group_counts().items() if count >= 500 and "." in g
                  and not g.startswith(("sample.", "local.", "hostile.")))


def test_sync_then_read_everything_offline(inn_server: Any, capsys: pytest.CaptureFixture[str]) -> None:
    groups, big = groups_for(inn_server), []
    code, out, err = run(capsys, "--server", inn_server.address, "sync", *groups, "--bodies", "--quiet")
    assert code == 0, err
    counts = inn_server.group_counts()
    for group in groups:  # a crosspost's body is fetched once, for the first group that has it
        assert f"{group}: {counts[group][0]:,} new overview(s), " in out
    db = sqlite3.connect(store_path(data_dir(), ServerAddress.parse(inn_server.address).identity))
    assert without_body(db) == set()
    db.close()
    code, out, _ = run(capsys, "--server", inn_server.address, "sync", *groups, "--bodies", "--quiet")
    assert code == 0 and out == "".join(f"{g}: nothing new\n" for g in groups)  # fetches nothing again
    big = corpus_groups(inn_server)
    if big:
        code, out, _ = run(capsys, "--server", inn_server.address, "sync", *big, "--quiet")
        assert code == 0 and all(f"{g}: {counts[g][0]:,} new overview(s), 0 bodies" in out for g in big)
        groups = groups + big

    offline = ("--server", inn_server.address, "--offline")
    for group in groups:
        code, out, err = run(capsys, *offline, "threads", group, "--json")
        assert code == 0 and "offline (--offline)" in err
        numbers = [n["number"] for n in _walk(json.loads(out)) if n["number"] is not None]
        assert len(numbers) == counts[group][0]
        for number in numbers[:: max(1, len(numbers) // 20)]:
            code, text, err = run(capsys, *offline, "article", group, str(number))
            if group in big:  # listed, threaded, but no body was fetched: it says so
                assert code == 2 and f"{group}: article {number} has no cached body (offline: --offline)" in err
            else:
                assert code == 0 and "Subject:" in text, err
    code, out, _ = run(capsys, *offline, "search", "the", "--group", groups[0], "--json", "--limit", "5")
    assert code == 0 and {h["group"] for h in json.loads(out)} == {groups[0]}


def _walk(roots: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out, stack = [], list(roots)
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(node["children"])
    return out


def group_ids(db: sqlite3.Connection) -> dict[str, list[tuple[int, str]]]:
    """(number, Message-ID) of every stored article, per group, read from its packs."""
    out = {}
    for (grp,) in db.execute("SELECT DISTINCT grp FROM overview_pack").fetchall():
        columns = packread.overviews(db, grp).columns
        out[grp] = list(zip(columns.numbers, columns.message_id_column()))
    return out


def without_body(db: sqlite3.Connection) -> set[str]:
    """Message-IDs of stored articles with no cached body."""
    bodies = {m for (m,) in db.execute("SELECT message_id FROM bodies")}
    return {m for found in group_ids(db).values() for _, m in found} - bodies


def check_consistent(path: Path) -> dict[str, int]:
    """integrity_check ok, nothing duplicated, index in step; returns records per group."""
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name='meta'").fetchone():
            return {}  # killed before the first migration committed: an empty file, which the next open migrates
        db.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")
        found = group_ids(db)
        assert all(len({m for _, m in arts}) == len(arts) for arts in found.values())
        assert not db.execute("SELECT p.grp FROM overview_pack p JOIN groups g ON g.name = p.grp "
                              "WHERE p.last > g.fetched_high").fetchall()  # no pack beyond its mark
        docs = db.execute("SELECT COUNT(*) FROM search_doc").fetchone()[0]
        assert db.execute("SELECT COUNT(*) FROM search_fts").fetchone()[0] == docs
        stored = {m for arts in found.values() for _, m in arts}
        assert {m for (m,) in db.execute("SELECT message_id FROM search_doc")} <= stored
        queued = ("AND NOT EXISTS (SELECT 1 FROM search_pending_bodies p WHERE p.message_id = b.message_id)"
                  if db.execute("SELECT 1 FROM sqlite_master WHERE name='search_pending_bodies'").fetchone() else "")
        assert db.execute("SELECT COUNT(*) FROM bodies b WHERE NOT EXISTS (SELECT 1 FROM search_doc d "
                          f"WHERE d.message_id = b.message_id AND d.has_body = 1) {queued}").fetchone()[0] == 0
        return stored_records(found)
    finally:
        db.close()


def stored_records(found: dict[str, list[tuple[int, str]]]) -> dict[str, int]:
    """Records per group in its packs (answers as they came, or binary): no number twice."""
    numbers = {grp: [n for n, _ in arts] for grp, arts in found.items()}
    assert all(len(set(found)) == len(found) for found in numbers.values())
    return {grp: len(found) for grp, found in numbers.items()}


def sync_process(inn_server: Any, groups: list[str], data: Path, bodies: bool) -> subprocess.Popen[bytes]:
    env = {**os.environ, "XDG_DATA_HOME": str(data), "PYTHONPATH": str(REPO)}
    argv = [sys.executable, "-m", "main", "--server", inn_server.address, "sync", *groups, "--quiet"]
    return subprocess.Popen(argv + (["--bodies"] if bodies else []), cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def timed_run(inn_server: Any, groups: list[str], data: Path, bodies: bool) -> float:
    started = time.monotonic()
    proc = sync_process(inn_server, groups, data, bodies)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    return time.monotonic() - started


def started_up(data: Path) -> float:
    """Seconds for pith to start and stop without work (``sync --help``): where a sync's work begins."""
    env = {**os.environ, "XDG_DATA_HOME": str(data), "PYTHONPATH": str(REPO)}
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "main", "sync", "--help"], cwd=REPO, env=env, capture_output=True, check=True)
    return time.monotonic() - started


def test_sync_survives_sigkill_at_random_points(inn_server: Any, tmp_path: Path) -> None:
    """Ten seeds: kill -9 at a random moment (even seeds while fetching bodies, odd ones in the big
    overview batches), check the store, resume, check again: complete, nothing twice, nothing more to do."""
    jobs = [(corpus_groups(inn_server)[:2] or groups_for(inn_server)[:2], True),
            (every_corpus_group(inn_server) or groups_for(inn_server), False)]
    durations = [min(timed_run(inn_server, groups, tmp_path / f"timing{i}-{n}", bodies) for n in range(3))
                 for i, (groups, bodies) in enumerate(jobs)]  # the quickest of three: a busy machine varies
    start = started_up(tmp_path / "start")  # a kill before the sync begins would test nothing
    counts = inn_server.group_counts()
    killed, missed = 0, []
    for seed in range(10):
        groups, bodies = jobs[seed % 2]
        data = tmp_path / f"seed{seed}"
        db = store_path(data / "pith", ServerAddress.parse(inn_server.address).identity)
        delay = random.Random(seed).uniform(start, max(start, 0.9 * durations[seed % 2]))
        proc = sync_process(inn_server, groups, data, bodies)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        else:
            missed.append((seed, round(delay, 2)))
        proc.wait(timeout=600)
        if db.exists():
            check_consistent(db)
        timed_run(inn_server, groups, data, bodies)  # resume
        rows = check_consistent(db)
        assert {g: rows.get(g, 0) for g in groups} == {g: counts[g][0] for g in groups}, seed
        out, _ = sync_process(inn_server, groups, data, bodies).communicate(timeout=600)
        assert out.decode() == "".join(f"{g}: nothing new\n" for g in groups), seed
        if bodies:
            store = sqlite3.connect(db)
            assert without_body(store) == set(), seed
            store.close()
    assert killed >= 8, f"only {killed} of 10 runs were still going when killed ({durations}, start-up {start:.2f}, " \
                         f"(seed, delay) missed: {missed})"
