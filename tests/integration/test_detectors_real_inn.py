"""The noise detectors and the engine's thread identity on real 1993 Usenet (talk.politics.misc of the
20 Newsgroups corpus, served by INN2), whose clients trimmed References from the front.

The oracle is the JWZ thread tree pith shows the reader (nntp/threads.py): every JWZ thread is
one engine thread, ping-pong tags exactly the alternating parent-to-child exchanges of that
tree, and dominated-thread judges whole JWZ threads. Before the engine joined trimmed chains,
ping-pong (more than 3 answers) tagged none of the real exchanges and dominated-thread none of
the real threads.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

import main
from killfile.facts import Facts
from killfile.headers import normalize_address
from nntp.address import ServerAddress
from nntp.models import Overview
from nntp.threads import ThreadNode, thread
from store.cache import Store, store_path
from store.paths import config_dir, data_dir

pytestmark = pytest.mark.integration
GROUP = "talk.politics.misc"


def synced(inn_server: Any, capsys: pytest.CaptureFixture[str], group: str) -> list[Overview]:
    """The group's overviews, as `pith sync` stored them from the server."""
    if not inn_server.corpus_loaded:
        pytest.skip("the 20 Newsgroups corpus is not loaded (PITH_CORPUS)")
    code = main.main(["--server", inn_server.address, "sync", group, "--quiet"])
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    store = Store(store_path(data_dir(), ServerAddress.parse(inn_server.address).identity))
    found = store.overview_store.all(group)
    assert len(found) > 900
    return found


@pytest.fixture
def overviews(inn_server: Any, capsys: pytest.CaptureFixture[str]) -> list[Overview]:
    return synced(inn_server, capsys, GROUP)


def verdicts(inn_server: Any, capsys: pytest.CaptureFixture[str], rules: str) -> list[dict[str, Any]]:
    """`pith score GROUP --json` (offline, from the synced cache) under these rules."""
    path = config_dir() / "score.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(rules)
    code = main.main(["--server", inn_server.address, "--offline", "score", GROUP, "--json", "--quiet"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def tags_by_id(inn_server: Any, capsys: pytest.CaptureFixture[str], rules: str) -> dict[str, set[str]]:
    """Message-ID -> tags, under these rules."""
    return {v["message_id"]: set(v["tags"]) for v in verdicts(inn_server, capsys, rules)}


def tagged(tags: dict[str, set[str]], name: str) -> set[str]:
    return {m for m, found in tags.items() if name in found}


def parents(roots: list[ThreadNode]) -> dict[str, str | None]:
    """Message-ID -> the nearest article above it in the JWZ tree (dummies skipped), or None."""
    out: dict[str, str | None] = {}
    stack: list[tuple[ThreadNode, str | None]] = [(r, None) for r in roots]
    while stack:
        node, above = stack.pop()
        if node.article is not None:
            out[node.article.message_id] = above
            above = node.article.message_id
        stack.extend((child, above) for child in node.children)
    return out


def exchanges(arts: list[Overview], replies: int) -> set[str]:
    """Articles of alternating two-author parent-to-child chains with more than ``replies`` answers."""
    up = parents(thread(arts))
    who = {a.message_id: normalize_address(a.author) for a in arts}
    found: set[str] = set()
    for start in who:
        chain = [start]
        while (p := up.get(chain[-1])) is not None and who[p] != who[chain[-1]] and (
                len(chain) < 2 or who[p] == who[chain[-2]]):
            chain.append(p)
        if len(chain) - 1 > replies:
            found.update(chain)
    return found


def dominated_threads(arts: list[Overview], percent: int, least: int) -> set[str]:
    found: set[str] = set()
    for root in thread(arts):
        ids = [a.message_id for a in root.articles()]
        top = Counter(normalize_address(a.author) for a in root.articles()).most_common(1)[0][1]
        if len(ids) >= least and top * 100 > len(ids) * percent:
            found.update(ids)
    return found


@pytest.mark.parametrize("group", [GROUP, "comp.graphics", "sci.space", "alt.atheism"])
def test_every_jwz_thread_is_one_engine_thread(inn_server: Any, capsys: pytest.CaptureFixture[str],
                                               group: str) -> None:
    overviews = synced(inn_server, capsys, group)
    facts = Facts(overviews)
    index = {a.message_id: i for i, a in enumerate(overviews)}
    roots = thread(overviews)
    for root in roots:
        assert len({facts.thread_ids[index[a.message_id]] for a in root.articles()}) == 1, root
    assert len(set(facts.thread_ids)) == len(roots)  # and no two JWZ threads merged (none share an ID)
    if group == GROUP:
        assert sum(1 for a in overviews if a.references and facts.thread_keys[index[a.message_id]]
                   != a.references[0]) > 0, "no trimmed References: this group would not test the join"


def test_pingpong_finds_the_real_exchanges(inn_server: Any, overviews: list[Overview],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    tags = tags_by_id(inn_server, capsys, "[detectors.pingpong]\nreplies = 3\n[detectors.dominated]\nenabled = false\n")
    truth = exchanges(overviews, 3)
    assert len(truth) >= 5, "no A-B-A-B-A exchange in the group"
    assert tagged(tags, "pingpong") == truth
    wider = tags_by_id(inn_server, capsys, "[detectors.pingpong]\nreplies = 2\n")
    assert tagged(wider, "pingpong") == exchanges(overviews, 2)


@pytest.mark.parametrize(("percent", "least"), [(50, 10), (30, 20)])
def test_dominated_judges_whole_real_threads(inn_server: Any, overviews: list[Overview],
                                             capsys: pytest.CaptureFixture[str], percent: int, least: int) -> None:
    tags = tags_by_id(inn_server, capsys, f"[detectors.dominated]\npercent = {percent}\nmin_articles = {least}\n")
    truth = dominated_threads(overviews, percent, least)
    assert truth, "no dominated thread in the group"
    assert tagged(tags, "dominated") == truth


def test_a_thread_kill_takes_the_whole_real_thread(inn_server: Any, overviews: list[Overview],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The biggest JWZ thread, killed by its root: every article in it, however trimmed its References."""
    root = max(thread(overviews), key=lambda r: sum(1 for _ in r.articles()))
    members = {a.message_id for a in root.articles()}
    assert main.main(["rules", "kill-thread", root.message_id]) == 0
    capsys.readouterr()
    killed = {v["message_id"] for v in verdicts(inn_server, capsys, "") if v["state"] == "killed"}
    assert killed == members and len(members) > 40
