"""slrn entry names from `% text`, and tin's msgid=/xref= matching one item of a list header
(issue 18): a whole 26-article thread is killed by its root's Message-ID, a crosspost by one group."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from killfile.engine import score
from killfile.import_slrn import convert_slrn
from killfile.import_tin import convert_tin, item_regex
from killfile.rules import parse_rules
from nntp.models import Overview
from tests.killfile.helpers import by_number, ov

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
ROOT = "<1993Apr5.181223.1@eff.example.org>"


def converted(text: str):  # type: ignore[no-untyped-def]
    ruleset, problems = parse_rules(text, "imported.toml")
    assert problems == [], problems
    return ruleset


def test_slrn_percent_text_after_score_is_the_name() -> None:
    text, problems = convert_slrn(DATA / "slrn-named.score")
    assert problems == []
    names = [r.name for r in converted(text).rules]
    assert names == ["flame wars", "cross-posted spam", "slrn slrn-named.score:11", "two troublemakers"]


def thread_of_26() -> list[Overview]:
    """A root and 25 replies in a tree; References keep the root first (son-of-1036 trimming)."""
    arts = [ov(1, "Abortion and the law", msgid=ROOT)]
    chains = {1: (ROOT,)}
    for n in range(2, 27):
        parent = max(1, n // 2)
        chain = chains[parent] + (arts[parent - 1].message_id,) if parent > 1 else (ROOT,)
        chain = chain if len(chain) <= 5 else (chain[0],) + chain[-4:]
        chains[n] = chain
        arts.append(ov(n, "Re: Abortion and the law", f"p{n % 5} <p{n % 5}@example.org>", refs=chain,
                       msgid=f"<{n}.reply@site{n}.example.org>"))
    return arts


def test_tin_msgid_kills_every_article_naming_the_id() -> None:
    text, problems = convert_tin(DATA / "tin-msgid-xref.filter", now=NOW)
    assert problems == []
    arts = thread_of_26() + [ov(27, "other", msgid="<other@example.org>", refs=("<x@y>",))]
    result = by_number(score(arts, converted(text), "talk.politics.misc", NOW))
    assert [n for n in range(1, 28) if result[n][1] == "killed"] == list(range(1, 27))


def test_tin_xref_matches_any_one_group() -> None:
    text, _ = convert_tin(DATA / "tin-msgid-xref.filter", now=NOW)
    arts = [ov(1, "a", xref="news.example.org talk.politics.misc:5 alt.flame.jerks:7 alt.test:3"),
            ov(2, "b", xref="news.example.org talk.politics.misc:6"),
            ov(3, "c", xref="news.example.org talk.politics.misc:7 alt.flamenco:2 misc.alt.flame:9")]
    result = by_number(score(arts, converted(text), "talk.politics.misc", NOW))
    assert result[1][0] == -100 and result[2][0] == 0
    assert result[3][0] == -100  # alt.flamenco is alt.flame*, misc.alt.flame is not


def test_tin_msgid_wildcards_stay_inside_one_id() -> None:
    text, _ = convert_tin(DATA / "tin-msgid-xref.filter", now=NOW)
    arts = [ov(1, "x", msgid="<a@b>", refs=("<12abortion34@news.example>",)),
            ov(2, "y", msgid="<c@d>", refs=("<abortion", "x>", "<q@r>")),
            ov(3, "z", msgid="<e@f>", refs=("<1@abortion>", "<2@x>"))]
    result = by_number(score(arts, converted(text), "talk.politics.misc", NOW))
    assert [result[n][0] for n in (1, 2, 3)] == [-200, 0, 0]


def test_item_regex_anchors_each_item() -> None:
    import re
    pattern = item_regex("<a?c*@x.org>", r"\s")
    assert re.search(pattern, "<q@r> <abcd@x.org> <z@y>")
    assert not re.search(pattern, "<abcd@x.org.uk>") and not re.search(pattern, "<ab@q> <c@x.org>")
