"""Address matching sees through invisible characters, and no From can make scoring raise."""

from __future__ import annotations

from pathlib import Path

import pytest

from killfile import actions
from killfile.headers import normalize_address
from killfile.model import AuthorRule, Origin, UserState
from nntp.addresses import address_key, split_address
from nntp.parse import parse_over_line
from nntp.threads import thread
from tests.killfile.helpers import NOW, by_number, ov, run
from app.rows import display_name, flatten

ORIGIN = Origin("actions.v1.toml", 3)
DEEP = "(" * 600 + "x"
LOOKALIKES = ["spam\u200b@example.org", "Spam <spam\u2060@example.org>", "s\u00adpam@Example.ORG",
              "\ufeffspam@example.org (Spam)", "spam@exa\U000e0041mple.org", "Spam <spam@example.org\u200d>"]


def over(number: int, author: str) -> str:
    return f"{number}\ttopic\t{author}\tFri, 01 Mar 2024 12:00:00 +0000\t<{number}@x>\t\t100\t5"


@pytest.mark.parametrize("author", LOOKALIKES)
def test_a_lookalike_address_keys_as_the_real_one_raw_or_sanitized(author: str) -> None:
    assert address_key(author) == "spam@example.org"
    parsed = parse_over_line(over(1, author))  # overview authors arrive sanitized: <U+200B> markers
    assert parsed is not None and "<U+" in parsed.author
    assert normalize_address(parsed.author) == "spam@example.org"


def test_a_plonk_catches_lookalikes_from_the_overview() -> None:
    arts = [parse_over_line(over(n, author)) for n, author in enumerate(LOOKALIKES, 1)]
    arts.append(parse_over_line(over(99, "Ann <ann@example.org>")))
    state = UserState(author_rules=(AuthorRule("spam@example.org", 0, ORIGIN, action="plonk"),))
    result = by_number(run(arts, state=state))  # type: ignore[arg-type]
    assert all(result[n][1] == "killed" for n in range(1, len(LOOKALIKES) + 1))
    assert result[99][1] == "normal"


def test_a_plonk_stored_with_invisibles_matches_the_plain_address(tmp_path: Path) -> None:
    path = tmp_path / "actions.v1.toml"
    actions.add_action(path, "plonk", NOW, address="Spam <spam\u200b@example.org>")
    stored, problems = actions.load_actions(path)
    assert problems == [] and stored[0].address == "spam@example.org"
    result = by_number(run([ov(1, author="spam@example.org")], state=actions.user_state(stored, path)))
    assert result[1][1] == "killed"


def test_an_author_cap_counts_lookalikes_as_one_author(tmp_path: Path) -> None:
    path = tmp_path / "actions.v1.toml"
    actions.add_action(path, "author-cap", NOW, address="spam@example.org", limit=1, per="day")
    arts = [ov(n, author=author) for n, author in enumerate(LOOKALIKES[:3], 1)]
    states = [s for _sc, s, _t in by_number(run(arts, state=actions.user_state(actions.load_actions(path)[0], path))).values()]
    assert states == ["normal", "hidden", "hidden"]


@pytest.mark.parametrize("author", [DEEP, "a@b.c " + "(" * 600, "Name <a@b.c> " + "(" * 5000 + ")" * 5000])
def test_a_deeply_nested_from_threads_scores_and_renders(author: str) -> None:
    arts = [ov(1, author=author), ov(2, "Re: topic", refs=("<1@example.org>",)),
            ov(3, author="Troll <troll@example.com>")]
    state = UserState(author_rules=(AuthorRule("troll@example.com", 0, ORIGIN, action="plonk"),))
    result = by_number(run(arts, "[[cap]]\nper = \"day\"\nmax = 5\n", state=state))
    assert result[1][1] == "normal" and result[3][1] == "killed"
    rows = flatten(thread(arts))
    assert len(rows) == 3 and all(isinstance(display_name(r.article.author), str) for r in rows if r.article)


def test_split_address_shapes_and_never_raises() -> None:
    assert split_address('"Doe, John" <J@d.org>') == ("Doe, John", "J@d.org")
    assert split_address("ann@example.org (Ann)") == ("Ann", "ann@example.org")
    assert split_address("a@b (c (d) e)") == ("c d e", "a@b")
    assert split_address("Spam <spam<U+200B>@x.org>") == ("Spam", "spam<U+200B>@x.org")
    assert split_address(DEEP) == ("", "")
    assert split_address("junk " + "(" * 900 + " me@x.org")[1] == "me@x.org"
    for hostile in ("", "<", ">", "\"", "(" * 20 + ")" * 20, "a" * 5000 + "<", "<" * 5000, "\\" * 999):
        name, address = split_address(hostile)
        assert isinstance(name, str) and isinstance(address, str)


def test_pathological_froms_cost_linear_time() -> None:
    import time
    values = ["a@" * 10_000 + "<", "<" + "a@" * 10_000 + " ", "<" * 10_000 + "@" * 10_000, "x " + "(" * 20_000]
    start = time.perf_counter()
    for value in values:
        address_key.__wrapped__(value)  # type: ignore[attr-defined]
        split_address.__wrapped__(value)  # type: ignore[attr-defined]
    # a guard against a backtracking square (tens of seconds here), not a speed figure: linear takes ~0.05 s
    assert time.perf_counter() - start < 5
