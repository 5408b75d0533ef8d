"""The hostile corpus (tests/hostile/corpus.py) fed to a real INN2, then every CLI command over it.

A private INN of its own (the session's shared server stays undisturbed) gets the corpus's
groups with hostile descriptions in its newsgroups file. Each article goes in twice: by POST
over NNTP (as a poster would send it) and, with a changed Message-ID, by rnews (as a peer's
feed would bring it); the reply-chain goes in by rnews only. What INN accepts and refuses is
recorded (``accepted.json`` beside the server, and printed); then the sweep of
tests/hostile/sweep.py runs over the server. An article INN refused is skipped in the
per-article tests, with INN's words; nothing pith does is skipped.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from tests.hostile import corpus
from tests.hostile.corpus import HostileArticle
from tests.hostile.sweep import (Result, Scenario, describe, offline_scenarios, problems, run_pith, scenarios,
                                 write_inputs)
from tests.integration.inn_server import InnServer, InnUnavailable, as_news, start_server

pytestmark = pytest.mark.integration
GROUPS = (corpus.MAIN, corpus.POISON, corpus.CHAIN, corpus.PLAIN)
MUST_ACCEPT = ("poison-0", "poison-1", "poison-2", "nested-parens", "nested-multipart", "spoof-fake")
"""Articles INN took when the issue was reproduced (so the sweep over INN exercises them)."""


@dataclass(frozen=True)
class Fed:
    """What INN said to one article: ``how`` (post/rnews), ``accepted``, INN's reply."""

    key: str
    how: str
    message_id: str
    accepted: bool
    reply: str


@dataclass
class HostileInn:
    server: InnServer
    fed: list[Fed]
    numbers: dict[str, dict[str, int]]  # group -> message-id -> number


def rnews_copy(article: HostileArticle) -> bytes:
    """The article with its own Message-ID (``.rnews`` added), so the POSTed one is no duplicate."""
    return as_news(article.raw.replace(b"@hostile.example>", b".rnews@hostile.example>", 1))


def post(server: InnServer, raw: bytes) -> str:
    """POST one article over NNTP; INN's final reply line."""
    with socket.create_connection((server.host, server.port), timeout=30) as sock:
        f = sock.makefile("rwb")
        f.readline()
        f.write(b"POST\r\n")
        f.flush()
        first = f.readline()
        if not first.startswith(b"340"):
            return first.decode("utf-8", "replace").strip()
        lines = raw.replace(b"\r\n", b"\n").rstrip(b"\n").split(b"\n")
        f.write(b"".join((b"." + x if x.startswith(b".") else x) + b"\r\n" for x in lines) + b".\r\n")
        f.flush()
        return f.readline().decode("utf-8", "replace").strip()


def numbers_of(server: InnServer, group: str) -> dict[str, int]:
    """Message-ID -> article number in ``group`` (XHDR over the whole group)."""
    with socket.create_connection((server.host, server.port), timeout=30) as sock:
        f = sock.makefile("rwb")
        f.readline()
        f.write(f"GROUP {group}\r\nXHDR Message-ID 1-\r\n".encode())
        f.flush()
        if not f.readline().startswith(b"211") or not f.readline().startswith(b"221"):
            return {}
        found = {}
        for line in iter(f.readline, b".\r\n"):
            number, _, mid = line.decode("utf-8", "surrogateescape").strip().partition(" ")
            found[mid] = int(number)
        return found


def feed(server: InnServer, articles: list[HostileArticle]) -> list[Fed]:
    """POST every article but the chain, then rnews a copy of each (and the chain)."""
    fed = []
    for article in articles:
        if article.group != corpus.CHAIN:
            reply = post(server, article.raw)
            fed.append(Fed(article.key, "post", _mid(article.raw), reply.startswith("240"), reply))
    copies = [(a, a.raw if a.group == corpus.CHAIN else rnews_copy(a)) for a in articles]
    server.rnews(as_news(raw) for _, raw in copies)
    on_server = {mid for group in GROUPS for mid in numbers_of(server, group)}
    for article, raw in copies:
        mid = _mid(raw)
        there = mid in on_server
        fed.append(Fed(article.key, "rnews", mid, there, "" if there else "not filed (see the rnews log)"))
    return fed


def _mid(raw: bytes) -> str:
    return HostileArticle("", "", raw).message_id.decode("utf-8", "surrogateescape")


@pytest.fixture(scope="module")
def hostile_inn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileInn]:
    try:
        server = start_server(corpus=False)
    except InnUnavailable as exc:
        pytest.skip(str(exc))
    try:
        for group in GROUPS:
            server.ctlinnd("newgroup", group, "y", "pith-tests")
        with open(server.root / "db" / "newsgroups", "ab") as out:
            out.write(b"".join(g.name + b"\t" + g.description + b"\n" for g in corpus.real_groups()))
        fed = feed(server, corpus.articles())
        record = tmp_path_factory.mktemp("hostile-inn") / "accepted.json"
        record.write_text(json.dumps([f.__dict__ for f in fed], indent=1))
        print(f"INN accepted {sum(f.accepted for f in fed)} of {len(fed)}; refused:",
              *[f"{f.how} {f.key}: {f.reply}" for f in fed if not f.accepted], sep="\n  ")
        yield HostileInn(server, fed, {g: numbers_of(server, g) for g in GROUPS})
    finally:
        server.stop()


def test_inn_takes_the_articles_that_broke_pith(hostile_inn: HostileInn) -> None:
    accepted = {f.key for f in hostile_inn.fed if f.accepted}
    assert set(MUST_ACCEPT) <= accepted, [f for f in hostile_inn.fed if f.key in MUST_ACCEPT]
    assert len(hostile_inn.numbers[corpus.CHAIN]) == corpus.CHAIN_DEPTH


# ---------------------------------------------------------------- the sweep over INN

MAIN_ARTS = [a for a in corpus.articles(0) if a.group == corpus.MAIN]
POISON_ARTS = [a for a in corpus.articles(0) if a.group == corpus.POISON]
HOSTILE_ID = next(a for a in MAIN_ARTS if a.key == "msgid-escape").message_id.decode("utf-8", "surrogateescape")
SPOOF_ID = "<spoof-fake.71@hostile.example>"
ABSENT = "0"  # the article number of an article INN refused (its tests are skipped)


def keys(inn: HostileInn | None, group: str, arts: list[HostileArticle]) -> list[tuple[str, str]]:
    """(key, number) of each article in ``group``: the POSTed copy, else the rnews one."""
    numbers = inn.numbers[group] if inn else {}
    out = []
    for article in arts:
        mid = _mid(article.raw)
        number = numbers.get(mid) or numbers.get(_mid(rnews_copy(article)))
        out.append((article.key, str(number) if number else ABSENT))
    return out


def inn_scenarios(home: Path, inn: HostileInn | None) -> list[Scenario]:
    main_keys = keys(inn, corpus.MAIN, MAIN_ARTS)
    high = max((int(n) for _, n in main_keys), default=0)
    main_keys += [("gone-number", str(high + 1)), ("unknown-id", "<nowhere@example.org>"), ("hostile-id", HOSTILE_ID)]
    files = write_inputs(home)
    return [*scenarios(files, main_keys, keys(inn, corpus.POISON, POISON_ARTS), SPOOF_ID, HOSTILE_ID),
            *offline_scenarios("1")]




def _labels() -> list[str]:
    """The test ids: the scenarios with placeholder numbers (the module fixture finds the real ones)."""
    dummy = {k: Path(k) for k in ("rules", "bad-rules", "slrn", "tin", "newsrc", "post", "post-hostile")}
    main_keys = [(a.key, "1") for a in MAIN_ARTS] + [("gone-number", "1"), ("unknown-id", "x"), ("hostile-id", "x")]
    return [s.label for s in [*scenarios(dummy, main_keys, [(a.key, "1") for a in POISON_ARTS], SPOOF_ID, HOSTILE_ID),
                              *offline_scenarios("1")]]


@pytest.fixture(scope="module")
def inn_sweep(hostile_inn: HostileInn, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result | str]:
    """Every scenario in order over INN; a scenario naming a refused article maps to INN's reason."""
    home = tmp_path_factory.mktemp("hostile-inn-home")
    prefix = ["--server", hostile_inn.server.address, "--timeout", "5"]
    results: dict[str, Result | str] = {}
    refused = {f.key: f.reply for f in hostile_inn.fed if f.how == "post" and not f.accepted}
    hostile_id_there = any(HOSTILE_ID in numbers for numbers in hostile_inn.numbers.values())
    for scenario in inn_scenarios(home, hostile_inn):
        if scenario.argv[-1] == ABSENT and scenario.argv[0] == "article":
            results[scenario.label] = f"INN refused this article: {refused.get(scenario.label.split('-', 2)[-1], '?')}"
            continue
        if HOSTILE_ID in scenario.argv and not hostile_id_there:
            scenario = replace(scenario, ok=False)  # INN refused that Message-ID: "no such article" is right
        results[scenario.label] = run_pith(home, prefix, scenario, limit=60)
    return results


@pytest.mark.parametrize("label", _labels())
def test_command_is_clean_over_inn(inn_sweep: dict[str, Result | str], label: str) -> None:
    result = inn_sweep[label]
    if isinstance(result, str):
        pytest.skip(result)
    assert not problems(result), describe(result)
