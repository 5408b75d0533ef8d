"""The INN2 test server itself: up, loaded, posting and reading back, private."""

from __future__ import annotations

import nntplib
import os
import socket
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.integration.inn_server import HOST, POST_GROUP, READONLY_GROUP, InnServer, mbox_articles, newsgroups_of

pytestmark = pytest.mark.integration


def connect(server: InnServer) -> nntplib.NNTP:
    return nntplib.NNTP(server.host, server.port, timeout=30, readermode=True)


def test_server_greets_on_loopback_only(inn_server: InnServer) -> None:
    assert inn_server.host == HOST and inn_server.address == f"{HOST}:{inn_server.port}"
    with connect(inn_server) as nntp:
        assert nntp.getwelcome().startswith("200")  # posting allowed
    listening = [line.split()[1] for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
                 if line.split()[3] == "0A" and int(line.split()[1].split(":")[1], 16) == inn_server.port]
    assert listening == [f"0100007F:{inn_server.port:04X}"]  # 127.0.0.1, not 0.0.0.0
    v6 = Path("/proc/net/tcp6")
    if v6.exists():
        assert f":{inn_server.port:04X} " not in v6.read_text()


def test_sample_groups_hold_every_sample_article(inn_server: InnServer) -> None:
    """Each group holds at least the sample articles that name it (INN dropped none)."""
    counts = inn_server.group_counts()
    articles, groups = mbox_articles(inn_server.sample_mbox)
    assert groups == inn_server.sample_groups != []
    expected = Counter(g for art in articles for g in newsgroups_of(art))
    for group in groups:
        assert group.startswith("sample."), group
        assert counts[group][0] >= expected[group] > 0, group
    assert counts[READONLY_GROUP][0] == 0 and POST_GROUP in counts


def header_fields(article: bytes) -> dict[str, str]:
    """Lower-cased name -> unfolded value, first occurrence wins."""
    head = article.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("latin-1")
    fields: dict[str, str] = {}
    for line in head.replace("\n ", " ").replace("\n\t", " ").splitlines():
        name, _, value = line.partition(":")
        fields.setdefault(name.lower(), value.strip())
    return fields


def test_sample_articles_keep_message_id_references_and_date(inn_server: InnServer) -> None:
    articles, _ = mbox_articles(inn_server.sample_mbox)
    replies = [a for a in articles if b"\nReferences:" in a.split(b"\n\n", 1)[0]]
    assert replies
    for article in (articles[0], replies[-1]):
        wanted = header_fields(article)
        with connect(inn_server) as nntp:
            _, info = nntp.article(wanted["message-id"])
        served = header_fields(b"\n".join(info.lines))
        for name in ("message-id", "date", "references"):
            assert served.get(name) == wanted.get(name), name
        assert served["path"].startswith("pith-test.invalid!")


def test_post_to_local_test_and_read_back_by_message_id(inn_server: InnServer) -> None:
    msgid = f"<harness-{os.getpid()}-{time.time_ns()}@pith.invalid>"
    text = (f"From: Harness <harness@pith.invalid>\r\nNewsgroups: {POST_GROUP}\r\n"
            f"Subject: harness post\r\nMessage-ID: {msgid}\r\n\r\nposted by test_inn_harness\r\n")
    with connect(inn_server) as nntp:
        before = nntp.group(POST_GROUP)[1]
        assert nntp.post(text.encode()).startswith("240")
        _, info = nntp.article(msgid)
        assert info.message_id == msgid
        assert b"posted by test_inn_harness" in info.lines
        assert nntp.group(POST_GROUP)[1] == before + 1


def test_read_only_group_refuses_posts(inn_server: InnServer) -> None:
    text = (f"From: Harness <harness@pith.invalid>\r\nNewsgroups: {READONLY_GROUP}\r\n"
            "Subject: must be refused\r\n\r\nbody\r\n")
    with connect(inn_server) as nntp, pytest.raises(nntplib.NNTPTemporaryError, match="^441"):
        nntp.post(text.encode())


def test_corpus_groups_hold_the_20_newsgroups(inn_server: InnServer) -> None:
    if not inn_server.corpus_loaded:
        pytest.skip("../shared/corpus/20news-19997.tar.gz is not there (PITH_CORPUS)")
    counts = inn_server.group_counts()
    assert 990 <= counts["comp.graphics"][0] <= 1010
    corpus = [g for g, desc in _descriptions(inn_server).items() if "20 Newsgroups" in desc]
    assert len(corpus) == 20 and all(counts[g][0] >= 990 for g in corpus)


def _descriptions(server: InnServer) -> dict[str, str]:
    with connect(server) as nntp:
        return nntp.descriptions("*")[1]


def test_instance_is_private(inn_server: InnServer) -> None:
    """Everything the server writes lives in its own directory, not in /etc/news or /var."""
    conf = inn_server.inn_conf.read_text()
    for line in conf.splitlines():
        key, _, value = line.partition(": ")
        if key.startswith("path") and value.startswith("/") and key not in ("pathnews", "pathbin", "pathcontrol"):
            assert Path(value).is_relative_to(inn_server.root), line
    pid = int((inn_server.root / "run" / "innd.pid").read_text())
    assert inn_server.process is not None and pid == inn_server.process.pid


def test_group_counts_agree_with_a_plain_socket(inn_server: InnServer) -> None:
    group = inn_server.sample_groups[0]
    with socket.create_connection((inn_server.host, inn_server.port), timeout=30) as sock:
        f = sock.makefile("rwb")
        f.readline()
        f.write(f"GROUP {group}\r\nQUIT\r\n".encode())
        f.flush()
        reply = f.readline().split()
    assert tuple(int(x) for x in reply[1:4]) == inn_server.group_counts()[group]
