"""The hostile test kit checks itself: the corpus is what it claims, the fake server serves it raw,
and the judge (tests/hostile/sweep.py) catches every unsafe character, so a sweep cannot pass
by looking away."""

from __future__ import annotations

import socket

from tests.hostile import corpus
from tests.hostile.server import HostileServer
from tests.hostile.sweep import Result, Scenario, problems, stream_problems


def test_the_judge_flags_every_family_and_passes_placeholders() -> None:
    assert stream_problems(b"a \x1b[2J b")[0].startswith("ESC")
    assert stream_problems(b"a \x9b2J b")[0].startswith("raw C1 byte")
    assert stream_problems("a \u0085 b".encode())[0].startswith("C1 code point")
    assert stream_problems("a \u202e b".encode())[0].startswith("bidi control")
    assert stream_problems(b"Traceback (most recent call last):")[0].startswith("Traceback")
    assert stream_problems("a \u200b b".encode(), invisibles=True)[0].startswith("invisible")
    assert stream_problems("\u241b[2J <9B> <U+202E> caf\u00e9 \u2014 \U0001f600".encode()) == []


def test_the_judge_wants_a_clean_exit() -> None:
    def result(code: int | None, ok: bool = True) -> Result:
        return Result(Scenario("x", ("groups",), ok=ok), code, b"", b"", 0.1, 5)

    assert problems(result(0)) == [] and problems(result(3)) == []
    assert problems(result(2, ok=False)) == []
    assert "exit status 2 where the command should have worked" in problems(result(2))
    assert "exit status 70" in problems(result(70, ok=False))
    assert problems(result(1, ok=False)) == []  # the server failed us: documented, clean
    assert "exit status 1 where the command should have worked" in problems(result(1))
    assert "did not end within 5 s" in problems(result(None))


def test_the_corpus_is_deterministic_and_hostile_where_it_says() -> None:
    articles = corpus.articles()
    assert articles == corpus.articles()
    by_key = {a.key: a for a in articles}
    assert len(by_key) == len(articles)
    head = by_key["every-header"].raw.split(b"\n\n")[0]
    for line in head.split(b"\n")[1:]:
        name = line.split(b":")[0]
        assert b"\x1b" in line or name in (b"Message-ID",), name
    assert len({a.message_id for a in articles if a.group == corpus.CHAIN}) == corpus.CHAIN_DEPTH
    assert by_key["nested-multipart"].raw.count(b"multipart/mixed") == corpus.NEST_DEPTH + 1
    assert 100_000 <= max(len(x) for x in by_key["huge-header"].raw.split(b"\n")) < 110_000
    assert b"\x00" in by_key["nul-header"].raw and b"\n\n" not in by_key["headers-only"].raw


def test_the_fake_server_serves_raw_hostile_bytes() -> None:
    with HostileServer("normal", lifetime=30) as server, socket.create_connection(("127.0.0.1", server.port)) as sock:
        f = sock.makefile("rwb")
        assert f.readline().startswith(b"200 ")
        f.write(b"LIST ACTIVE\r\nGROUP hostile.test\r\nOVER 1-5\r\nARTICLE <nowhere@x>\r\nQUIT\r\n")
        f.flush()
        data = f.read()
    assert b"hostile.c1\x9b31m " in data and b"hostile.\x1b[2J" in data
    assert b"\r\n1\tsubject \x1b[2J" in data
    assert b"430 no such article <nowhere@x> <\x1b[2J" in data
