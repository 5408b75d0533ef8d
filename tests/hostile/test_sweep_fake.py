"""Every CLI command over the hostile corpus, served by the hostile fake server (tests/hostile/).

The normal sweep runs once per module, in order, in one user home: the poison group is read
first, so every later command also proves that a poisoned chunk never bricks the store. Each
command is its own test (named by its label) judged by tests/hostile/sweep.py. The server's
bad modes (garbage greeting, 400, 411, 430, 440, drip, cut mid-OVER) run in parallel, each in
a fresh home, with a few commands each.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.hostile import corpus
from tests.hostile.server import HostileServer
from tests.hostile.sweep import (Result, Scenario, describe, offline_scenarios, problems, run_pith,
                                 scenarios, write_inputs)

TIMEOUT = 5
ARTICLES = corpus.articles()
MAIN_ARTS = [a for a in ARTICLES if a.group == corpus.MAIN]
POISON_ARTS = [a for a in ARTICLES if a.group == corpus.POISON]
MAIN_KEYS = [(a.key, str(n)) for n, a in enumerate(MAIN_ARTS, 1)] + [
    ("gone-number", str(len(MAIN_ARTS) + 1)), ("unknown-id", "<nowhere@example.org>"),
    ("hostile-id", next(a for a in MAIN_ARTS if a.key == "msgid-escape").message_id.decode())]
POISON_KEYS = [(a.key, str(n)) for n, a in enumerate(POISON_ARTS, 1)]
SPOOF_ID = "<spoof-fake.71@hostile.example>"
HOSTILE_ID = MAIN_KEYS[-1][1]


def all_scenarios(home: Path) -> list[Scenario]:
    files = write_inputs(home)
    return [*scenarios(files, MAIN_KEYS, POISON_KEYS, SPOOF_ID, HOSTILE_ID), *offline_scenarios("1")]


INPUTS = ("rules", "bad-rules", "slrn", "tin", "newsrc", "post", "post-hostile")
LABELS = [s.label for s in [*scenarios({k: Path(k) for k in INPUTS}, MAIN_KEYS, POISON_KEYS, SPOOF_ID, HOSTILE_ID),
                            *offline_scenarios("1")]]
"""The test ids; the module fixture builds the same list with real input files."""


@pytest.fixture(scope="module", autouse=True)
def bad_modes_started(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future[list[Result]]]]:
    """Every bad mode, started at once when the module starts (they mostly wait, so they run
    beside the normal sweep), each in its own home."""
    root = tmp_path_factory.mktemp("hostile-modes")
    with ThreadPoolExecutor(max_workers=len(BAD_MODES)) as pool:
        yield {mode: pool.submit(run_mode, mode, root / mode) for mode in BAD_MODES}


@pytest.fixture(scope="module")
def normal_sweep(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Result]]:
    """Every scenario, in order, against one normal hostile server and one home."""
    home = tmp_path_factory.mktemp("hostile-home")
    results: dict[str, Result] = {}
    with HostileServer("normal", ARTICLES, lifetime=300) as server:
        prefix = ["--server", server.address, "--timeout", str(TIMEOUT)]
        for scenario in all_scenarios(home):
            results[scenario.label] = run_pith(home, prefix, scenario, limit=45)
    yield results


@pytest.mark.parametrize("label", LABELS)
def test_command_is_clean(normal_sweep: dict[str, Result], label: str) -> None:
    result = normal_sweep[label]
    assert not problems(result), describe(result)


def test_the_sweep_stays_quick(normal_sweep: dict[str, Result]) -> None:
    """No command of the normal sweep gets near its limit (a hang would show here first)."""
    slow = [f"{r.scenario.label}: {r.seconds:.1f} s" for r in normal_sweep.values() if r.seconds > 20]
    assert not slow


def test_a_poisoned_group_never_bricks_later_commands(tmp_path: Path) -> None:
    """After `threads` of the poison group, the other commands work on an ordinary group.

    The server lists only the real groups, so a failure here is the poison's, not an odd name's."""
    s = Scenario
    after = [s("groups", ("groups",)), s("threads-plain", ("threads", corpus.PLAIN)),
             s("offline-groups", ("--offline", "groups")), s("search", ("search", "ordinary")),
             s("expire", ("expire", "--days", "0")), s("subscribe", ("subscribe", corpus.PLAIN)),
             s("sync", ("sync", corpus.PLAIN))]
    with HostileServer("normal", ARTICLES, corpus.real_groups(), lifetime=120) as server:
        prefix = ["--server", server.address, "--timeout", str(TIMEOUT)]
        run_pith(tmp_path, prefix, s("poison", ("threads", corpus.POISON)))
        failed = [describe(r) for r in (run_pith(tmp_path, prefix, x) for x in after) if r.code != 0]
        plain = run_pith(tmp_path, prefix, s("again", ("threads", corpus.PLAIN)))
    assert not failed, "\n".join(failed)
    assert all(f"ordinary {i}".encode() in plain.out for i in range(3)), describe(plain)


BAD_MODES = {
    "garbage-greeting": ["groups", "threads", "post"],
    "greeting-400": ["groups", "threads", "post", "sync"],
    "group-411": ["groups", "threads", "article", "sync", "post"],
    "article-430": ["threads", "article", "article-id", "sync-bodies"],
    "post-440": ["post", "outbox-flush"],
    "cut-over": ["threads", "sync"],
    "drip-greeting": ["groups"],
    "drip-reply": ["groups"],
}


MODE_LIMIT = {"cut-over": 30.0}
"""Seconds a command may take against a mode: the timeout plus start-up on a loaded machine, or
for a connection cut mid-answer, room for pith's reconnects with backoff (it must still end)."""


def mode_scenario(name: str, post_file: Path) -> Scenario:
    argv = {"groups": ("groups",), "threads": ("threads", corpus.MAIN), "article": ("article", corpus.MAIN, "1"),
            "article-id": ("article", corpus.MAIN, SPOOF_ID), "sync": ("sync", corpus.MAIN),
            "sync-bodies": ("sync", "--bodies", corpus.MAIN), "post": ("post", str(post_file)),
            "outbox-flush": ("outbox", "flush")}[name]
    return Scenario(name, argv, ok=False)


def run_mode(mode: str, home: Path) -> list[Result]:
    """The mode's commands in a fresh home; a command must end within the mode's limit."""
    home.mkdir()
    post_file = write_inputs(home)["post"]
    with HostileServer(mode, ARTICLES, lifetime=120) as server:
        prefix = ["--server", server.address, "--timeout", str(TIMEOUT)]
        return [run_pith(home, prefix, mode_scenario(name, post_file), limit=MODE_LIMIT.get(mode, TIMEOUT + 10))
                for name in BAD_MODES[mode]]


@pytest.fixture(scope="module")
def bad_modes(bad_modes_started: dict[str, Future[list[Result]]]) -> dict[str, list[Result]]:
    return {mode: future.result() for mode, future in bad_modes_started.items()}


@pytest.mark.parametrize("mode, name", [(m, n) for m, names in BAD_MODES.items() for n in names])
def test_bad_server_gets_a_clean_answer(bad_modes: dict[str, list[Result]], mode: str, name: str) -> None:
    result = next(r for r in bad_modes[mode] if r.scenario.label == name)
    assert not problems(result), f"[{mode}] " + describe(result)


def test_error_lines_stay_short(bad_modes: dict[str, list[Result]]) -> None:
    """A 64 KB greeting must not come back as a 64 KB "one-line" error."""
    long = [f"{r.scenario.label}: {len(r.err)} bytes" for r in bad_modes["garbage-greeting"] if len(r.err) > 2000]
    assert not long
