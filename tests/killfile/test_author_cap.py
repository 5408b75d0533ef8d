"""A cap on one author (the reader's C key, `pith rules cap-author`, or `authors = [...]` in a [[cap]])."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from killfile import actions
from killfile.model import Origin, UserState
from tests.killfile.helpers import NOW, T0, by_number, explained_sum, ov, run

ORIGIN = Origin("actions.v1.toml", 3)


def day_posts() -> list:
    """Ann writes 5 articles in one day, Bob 5 as well (hours 1-10 of the same UTC day)."""
    return [ov(n, author="Ann <ann@example.org>" if n <= 5 else "Bob <bob@example.org>") for n in range(1, 11)]


def test_a_capped_author_keeps_the_first_n_and_others_are_untouched(tmp_path: Path) -> None:
    path = tmp_path / "actions.v1.toml"
    actions.add_action(path, "author-cap", NOW, address="Ann <ANN@example.org>", limit=2, per="day")
    stored, problems = actions.load_actions(path)
    assert problems == [] and stored[0].address == "ann@example.org" and (stored[0].limit, stored[0].per) == (2, "day")
    table = run(day_posts(), state=actions.user_state(stored, path))
    states = {n: s for n, (_score, s, _tags) in by_number(table).items()}
    assert [states[n] for n in range(1, 6)] == ["normal", "normal", "hidden", "hidden", "hidden"]
    assert all(states[n] == "normal" for n in range(6, 11))
    matched = table.verdict(2).matched  # article 3: the first over the cap says why
    assert [(m.rule, m.source) for m in matched] == [("cap ann@example.org: 2 per day", f"{path}:4")]
    assert explained_sum(table, 2) == table.verdict(2).score


def test_author_cap_is_scoped_to_its_group(tmp_path: Path) -> None:
    path = tmp_path / "actions.v1.toml"
    actions.add_action(path, "author-cap", NOW, address="ann@example.org", limit=1, per="day", group="comp.test")
    state = actions.user_state(actions.load_actions(path)[0], path)
    assert sum(s == "hidden" for _sc, s, _t in by_number(run(day_posts(), state=state)).values()) == 4
    assert all(s == "normal" for _sc, s, _t in by_number(run(day_posts(), group="rec.other", state=state)).values())


def test_author_cap_per_thread_counts_each_thread_apart() -> None:
    root_a, root_b = ov(1, author="bob@example.org"), ov(2, author="bob@example.org", msgid="<b@x>")
    replies = [ov(n, "Re: topic", refs=("<1@example.org>",)) for n in range(3, 6)]
    replies += [ov(n, "Re: other", refs=("<b@x>",)) for n in range(6, 8)]
    cap = actions.author_cap(actions.Action(1, "author-cap", NOW, address="ann@example.org", limit=2, per="thread"),
                             ORIGIN)
    result = by_number(run([root_a, root_b, *replies], state=UserState(caps=(cap,))))
    assert [result[n][1] for n in (3, 4, 5, 6, 7)] == ["normal", "normal", "hidden", "normal", "normal"]


def test_score_toml_cap_with_authors_caps_only_those() -> None:
    text = '[[cap]]\nper = "week"\nmax = 1\nauthors = ["Bob <BOB@example.org>"]\n'
    states = {n: s for n, (_sc, s, _t) in by_number(run(day_posts(), text)).items()}
    assert [states[n] for n in range(6, 11)] == ["normal", "hidden", "hidden", "hidden", "hidden"]
    assert all(states[n] == "normal" for n in range(1, 6))


def test_bad_author_caps_are_refused_or_reported(tmp_path: Path) -> None:
    path = tmp_path / "actions.v1.toml"
    with pytest.raises(ValueError, match="per"):
        actions.add_action(path, "author-cap", NOW, address="a@b", limit=2, per="fortnight")
    path.write_text('[[action]]\nid = 1\nkind = "author-cap"\ncreated = 2024-03-01T00:00:00Z\n'
                    'address = "a@b"\nlimit = 2\nper = "fortnight"\n')
    stored, problems = actions.load_actions(path)
    assert stored == [] and problems and "fortnight" in problems[0].message and problems[0].line == 1


def test_undo_removes_an_author_cap(tmp_path: Path) -> None:
    path = tmp_path / "actions.v1.toml"
    added = actions.add_action(path, "author-cap", T0 + timedelta(days=1), address="a@b", limit=3, per="month")
    removed = actions.undo(path)
    assert removed is not None and (removed.id, removed.kind, removed.limit) == (added.id, "author-cap", 3)
    assert actions.load_actions(path)[0] == []
