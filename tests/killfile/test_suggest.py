"""pith rules suggest (issue 18): proposals from a group's record and the reader's actions,
each with its exact effect, checked against scoring with the rule appended (a property test),
the CLI in text and JSON, and accepting one appends it with a comment."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import main
from killfile import actions
from killfile.engine import score
from killfile.model import UserState
from killfile.rules import parse_rules
from killfile.suggest import Record, Scorer, evaluate, propose
from app.suggest_group import accept, suggest_group
from nntp.models import Overview
from store.cache import Store
from store.library import Library
from store.paths import config_dir
from store.readstate import ReadState
from tests.killfile.helpers import ov

T0 = datetime(1993, 4, 1, tzinfo=timezone.utc)
NOW = datetime(1993, 5, 1, tzinfo=timezone.utc)


def noisy_group() -> list[Overview]:
    """A dominated 12-article thread (8 by rant@), a ping-pong between a@ and b@, a poster of
    5 a day on 3 days, a crosspost spray, quiet threads, and a never-read author."""
    arts: list[Overview] = []

    def add(subject: str, author: str, parent: Overview | None = None, when: datetime | None = None,
            xref: str = "") -> Overview:
        n = len(arts) + 1
        refs = (parent.references + (parent.message_id,)) if parent else ()
        art = ov(n, subject, author, refs=refs, date=when or T0 + timedelta(hours=n), xref=xref,
                 msgid=f"<{n}@test.example>")
        arts.append(art)
        return art

    root = add("Taxes are theft", "Rant <rant@example.org>")
    for k in range(11):
        add("Re: Taxes are theft", "Rant <rant@example.org>" if k % 3 else "Other <o%d@example.org>" % k, root)
    top = add("Gun control", "A <a@example.org>")
    prev = top
    for k in range(8):
        prev = add("Re: Gun control", "B <b@example.org>" if k % 2 == 0 else "A <a@example.org>", prev)
    for day in range(3):
        for k in range(5):
            add(f"Daily news {day}.{k}", "Flood <flood@example.org>", when=T0 + timedelta(days=day, minutes=k))
    add("Buy now", "Spam <spam@example.org>", xref="h g1:1 g2:2 g3:3 g4:4 g5:5 g6:6")
    for k in range(6):
        add(f"Quiet topic {k}", f"Q{k} <q{k}@example.org>")
    return arts


def test_proposals_of_every_record_kind() -> None:
    record = Record(noisy_group(), "talk.test")
    kinds = Counter(p.kind for p in propose(record))
    assert kinds["dominated-thread"] == 1 and kinds["author-cap"] == 1 and kinds["crosspost-spray"] == 1
    assert kinds["pingpong"] == 1
    found = evaluate(record, Scorer("", "score.toml", UserState(), NOW), propose(record))
    by_kind = {s.proposal.kind: s for s in found}
    assert by_kind["dominated-thread"].effect.killed == 12 and by_kind["dominated-thread"].effect.starters_lost == 1
    assert "rant@example.org wrote 8 of the 12" in by_kind["dominated-thread"].proposal.reason
    assert by_kind["author-cap"].effect.hidden == 6  # 2 over 3 on each of 3 days
    assert by_kind["crosspost-spray"].effect.hidden == 1
    assert by_kind["pingpong"].effect.hidden == 9  # the whole A-B exchange is tagged pingpong


def test_proposals_from_the_readers_actions() -> None:
    arts = noisy_group()
    read = frozenset(a.number for a in arts if a.number > 21 and "flood" not in a.author)
    killed = ("<1@test.example>", "<13@test.example>")  # "Taxes are theft", "Gun control": no shared word
    record = Record(arts, "talk.test", read, killed)
    kinds = Counter(p.kind for p in propose(record))
    assert kinds["never-read-author"] == 0  # only 7 read: not enough to judge
    read = frozenset(range(22, 60)) - {a.number for a in arts if "flood" in a.author}
    more = arts + [ov(100 + k, f"Re: More taxes {k}", msgid=f"<t{k}@x>") for k in range(20)]
    record = Record(more, "talk.test", read | frozenset(range(100, 120)), killed)
    reasons = [(p.kind, p.reason) for p in propose(record)]
    assert ("never-read-author", "you read none of flood@example.org's 15 articles (and 27 others)") in reasons
    assert any(k == "skipped-thread" and "Taxes are theft" in r for k, r in reasons)
    killed_more = killed + ("<t1@x>", "<t2@x>")
    words = [p.reason for p in propose(Record(more, "talk.test", read, killed_more)) if p.kind == "killed-subject"]
    assert words and "'taxes'" in words[0] and "3 threads" in words[0]


def independent_effect(arts: list[Overview], group: str, rules_text: str, extra: str) -> dict[str, int]:
    """What scoring with ``extra`` appended does, counted here without killfile.suggest."""
    before = score(arts, parse_rules(rules_text, "s.toml")[0], group, NOW)
    after = score(arts, parse_rules(rules_text + "\n" + extra, "s.toml")[0], group, NOW)
    moved = Counter(after.state(i) for i in range(len(arts)) if after.state(i) != before.state(i))
    authors: dict[str, set[str]] = {}
    thread = {a.message_id: (a.references[0] if a.references else a.message_id) for a in arts}
    for a in arts:
        authors.setdefault(thread[a.message_id], set()).add(a.author)
    lost = sum(1 for i, a in enumerate(arts) if not a.references and len(authors[a.message_id]) > 1
               and before.visible(i) and not after.visible(i))
    return {"killed": moved["killed"], "hidden": moved["hidden"], "read": moved["read"], "starters_lost": lost}


@st.composite
def groups(draw: st.DrawFn) -> tuple[list[Overview], frozenset[int], tuple[str, ...]]:
    count = draw(st.integers(5, 70))
    authors = [f"P{k} <p{k}@example.org>" for k in range(draw(st.integers(2, 6)))]
    arts: list[Overview] = []
    for n in range(1, count + 1):
        parent = draw(st.one_of(st.none(), st.integers(0, len(arts) - 1))) if arts else None
        refs = (arts[parent].references + (arts[parent].message_id,)) if parent is not None else ()
        groups_n = draw(st.integers(1, 7))
        xref = "h " + " ".join(f"g{k}:{n}" for k in range(groups_n))
        when = T0 + timedelta(hours=draw(st.integers(0, 24 * 5)))
        subject = draw(st.sampled_from(["taxes now", "guns and taxes", "weather", "more taxes", "x"]))
        arts.append(ov(n, subject, draw(st.sampled_from(authors)), refs=refs, date=when, xref=xref,
                       msgid=f"<{n}@h>"))
    read = frozenset(draw(st.sets(st.integers(1, count))))
    killed = tuple(draw(st.sets(st.sampled_from([a.message_id for a in arts]), max_size=4)))
    return arts, read, killed


RULES = '[[rule]]\nname = "weather"\nscore = -5\nall = [{ header = "Subject", contains = "weather" }]\n'


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(groups(), st.sampled_from(["", RULES]))
def test_every_stated_effect_is_what_scoring_with_the_rule_does(  # type: ignore[no-untyped-def]
        case, rules_text: str) -> None:
    import killfile.suggest as suggest
    arts, read, killed = case
    old = (suggest.CAP_DAYS, suggest.PINGPONG_REPLIES, suggest.DOMINATED_MIN, suggest.NEVER_READ_MIN,
           suggest.READ_ENOUGH, suggest.SKIPPED_MIN)
    suggest.CAP_DAYS, suggest.PINGPONG_REPLIES, suggest.DOMINATED_MIN = 1, 1, 3  # propose often
    suggest.NEVER_READ_MIN, suggest.READ_ENOUGH, suggest.SKIPPED_MIN = 2, 2, 2
    try:
        record = Record(arts, "talk.test", read, killed)
        for s in evaluate(record, Scorer(rules_text, "s.toml", UserState(), NOW), propose(record)):
            assert s.effect.as_json() == independent_effect(arts, "talk.test", rules_text, s.proposal.toml), s
    finally:
        (suggest.CAP_DAYS, suggest.PINGPONG_REPLIES, suggest.DOMINATED_MIN, suggest.NEVER_READ_MIN,
         suggest.READ_ENOUGH, suggest.SKIPPED_MIN) = old


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "store.sqlite")
    arts = noisy_group()
    s.overview_store.save("talk.test", arts, len(arts))
    ReadState(s.db).mark_read("talk.test", [1, 2])
    return s


def test_suggest_group_reads_the_store_and_accept_appends(store: Store, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    actions.add_action(config / actions.ACTIONS, "thread-kill", T0, message_id="<13@test.example>")
    found = suggest_group(Library(store, None), "talk.test", config, NOW)
    kinds = {s.proposal.kind for s in found}
    assert "pingpong" not in kinds  # the reader already killed that thread: appending changes nothing
    assert {"dominated-thread", "author-cap", "crosspost-spray"} <= kinds
    rules = config / "score.toml"
    rules.write_text('[[rule]]\nname = "x"\nscore = 1\nmatch_all = true')  # no final newline
    cap = next(s for s in found if s.proposal.kind == "author-cap")
    accept(rules, cap, NOW)
    text = rules.read_text()
    assert "# accepted 1993-05-01 00:00 UTC from `rules suggest`; on the cached articles then: 6 hidden" in text
    ruleset, problems = parse_rules(text, str(rules))
    assert problems == [] and len(ruleset.caps) == 1 and len(ruleset.rules) == 1
    again = {s.proposal.kind for s in suggest_group(Library(store, None), "talk.test", config, NOW)}
    assert "author-cap" not in again  # accepted: it would change nothing more


def mbox_of(arts: list[Overview]) -> bytes:
    out = []
    for a in arts:
        refs = f"References: {' '.join(a.references)}\n" if a.references else ""
        xref = f"Xref: {a.xref}\n" if a.xref else ""
        out.append(f"From x Thu Jan  1 00:00:00 1970\nNewsgroups: talk.test\nFrom: {a.author}\n"
                   f"Subject: {a.subject}\nMessage-ID: {a.message_id}\n{refs}{xref}"
                   f"Date: {a.date:%a, %d %b %Y %H:%M:%S +0000}\n\nbody\n\n")
    return "".join(out).encode()


def test_cli_text_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    box = tmp_path / "list.mbox"
    box.write_bytes(mbox_of(noisy_group()))
    code = main.main(["--archive", str(box), "rules", "suggest", "talk.test", "--json", "--now", "1993-05-01"])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    kinds = {s["kind"]: s for s in data["suggestions"]}
    assert kinds["dominated-thread"]["effect"] == {"killed": 12, "hidden": 0, "read": 0, "starters_lost": 1}
    assert kinds["dominated-thread"]["rule"].count("[[thread]]") == 1
    assert not (config_dir() / "score.toml").exists()  # nothing applied
    code = main.main(["--archive", str(box), "rules", "suggest", "talk.test", "--now", "1993-05-01"])
    out = capsys.readouterr().out
    assert code == 0 and "[dominated-thread] rant@example.org wrote 8 of the 12" in out
    assert "effect: 12 killed; 1 thread starter(s) lost" in out and "nothing applied" in out
    assert main.main(["--archive", str(box), "rules", "suggest", "no.such.group"]) != 0
    assert "no such group" in capsys.readouterr().err
