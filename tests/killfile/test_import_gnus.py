"""Gnus score files -> pith rules (issue 18): the documented format on a realistic file, each
match type scored on articles, expiry of temporary entries, thresholds, and a Lisp reader that
never raises and reports what it cannot read by line."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from killfile.engine import score
from killfile.import_gnus import convert_gnus, groups_of
from killfile.import_lisp import Symbol, read_lisp
from killfile.rules import parse_rules
from tests.killfile.helpers import by_number, ov

DATA = Path(__file__).parent / "data"
FILE = DATA / "talk.politics.misc.SCORE"
NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
GROUP = "talk.politics.misc"


def ruleset(now: datetime = NOW):  # type: ignore[no-untyped-def]
    text, problems = convert_gnus(FILE, now=now)
    parsed, errors = parse_rules(text, "imported.toml")
    assert errors == [], errors
    return parsed, problems


def test_unconvertible_entries_are_reported_by_line() -> None:
    _, problems = ruleset()
    by_line = {p.line: p.message for p in problems}
    assert sorted(by_line) == [15, 16, 33, 34, 36, 40, 41, 42, 43, 44]
    assert "\\s" in by_line[15] and "match type w" in by_line[16] and "regexp" in by_line[33]
    assert "whole article" in by_line[34] and "adaptive" in by_line[36] and "(eval" in by_line[44]


def test_string_match_types_score_like_gnus() -> None:
    rules, _ = ruleset()
    when = datetime(1993, 4, 10, tzinfo=timezone.utc)  # between the file's before and after dates
    arts = [ov(n, subject, author, date=when) for n, subject, author in [
        (1, "x", "Lars Ingebrigtsen <larsi@gnus.org>"),     # s: -10000, R larsi: -50000
        (2, "x", "Per Abrahamsen <abraham@dina.kvl.dk>"),   # no score given: Gnus's 1000
        (3, "x", "rhumble@example.edu (Rob)"),              # e is the whole value: no
        (4, "x", "RHUMBLE@example.edu"),                    # e (lower case: any case): -500
        (5, "GUN CONTROL again", "a@b"), (6, "Gun control again", "a@b"),  # S is case-sensitive
        (7, "Re: RE: abortion  and the LAW (was: taxes)", "a@b"),  # f: fuzzy, -200
        (8, "Abortion and the law, part 2", "a@b"),        # f is the whole subject: no
        (9, "Clinton's plan", "a@b"), (10, "clintonesque", "a@b")]]  # r with \< \>
    result = by_number(score(arts, rules, GROUP, NOW))
    assert result[1][0] == -60000 and result[2][0] == 1000
    assert result[3][0] == 0 and result[4][0] == -500
    assert result[5][0] == 0 and result[6][0] == -100
    assert result[7][0] == -200 and result[8][0] == 0
    assert result[9][0] == 50 and result[10][0] == 0


def test_numbers_dates_ids_xref_and_thresholds() -> None:
    rules, _ = ruleset()
    when = datetime(1993, 4, 10, tzinfo=timezone.utc)
    arts = [ov(1, "a", lines=1, date=when), ov(2, "b", lines=501, date=when), ov(3, "c", lines=42, date=when),
            ov(4, "d", size=100000, date=when), ov(5, "e", date=datetime(1993, 3, 30, tzinfo=timezone.utc)),
            ov(6, "f", date=datetime(1993, 4, 20, tzinfo=timezone.utc)),
            ov(7, "g", date=datetime(1993, 4, 5, 12, tzinfo=timezone.utc)),
            ov(8, "h", refs=("<1993Apr5.181223.1@eff.example.org>",), date=when),
            ov(9, "i", msgid="<spam.1@spammer.example>", date=when),
            ov(10, "j", xref="news.example talk.politics.misc:9 alt.politics.clinton:4", date=when),
            ov(11, "k", xref="news.example alt.politics:5", lines=1, date=when)]
    result = by_number(score(arts, rules, GROUP, NOW))
    assert [result[n][0] for n in range(1, 11)] == [-100, -20, 7, -30, -40, 10, 3, -300, -9999, -1000]
    # (mark 0) and (expunge -1000): Gnus acts on scores below them, so -1000 is read, -1100 hidden
    assert result[8][1] == "read" and result[10][1] == "read" and result[11][:2] == (-1100, "hidden")
    assert by_number(score(arts, rules, "misc.misc", NOW))[1][0] == 0  # the file's group only


def test_temporary_entries_expire_as_gnus_drops_them() -> None:
    text, _ = convert_gnus(FILE, now=NOW)
    assert "last matched 2026-11-30" in text and "expire_after_days = 7" in text
    later, problems = convert_gnus(FILE, now=datetime(2026, 12, 20, tzinfo=timezone.utc))
    assert any(p.line == 11 and "expired" in p.message for p in problems)
    assert "Ding is Badd" not in later.split("Not converted:")[1].split("[[rule]]", 1)[1]


def test_groups_from_the_file_name() -> None:
    assert groups_of(Path("all.SCORE")) == []
    assert groups_of(Path("gnu.all.SCORE")) == ["gnu.*"]
    assert groups_of(Path("nntp+news.example:comp.lang.c.SCORE")) == ["comp.lang.c"]
    text, _ = convert_gnus(FILE, now=NOW, groups=["talk.*"])
    assert json.dumps(["talk.*"]).replace(",", ", ") in text


def test_reader_reports_unreadable_text_by_line(tmp_path: Path) -> None:
    bad = tmp_path / "x.SCORE"
    bad.write_text('(("from"\n  ("ok" -1)\n  ("never closed -5))\n')
    text, problems = convert_gnus(bad, now=NOW)
    assert [(p.line, "string never closed" in p.message) for p in problems] == [(3, True)]
    parse_rules(text, "x.toml")
    assert read_lisp("(a\n(b))\n)").problems == [(3, "')' without '('")]
    assert read_lisp("(mark -10)").data[0].items[0].value == Symbol("mark")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='()"\\; \n\tab1-.\'<>sre', max_size=200))
def test_reader_and_importer_never_raise(tmp_path_factory, text: str) -> None:  # type: ignore[no-untyped-def]
    read_lisp(text)
    path = tmp_path_factory.mktemp("g") / "all.SCORE"
    path.write_text(text)
    out, _ = convert_gnus(path, now=NOW)
    _, errors = parse_rules(out, "x.toml")
    assert errors == [], (text, out)


def test_import_gnus_on_the_command_line(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import main
    code = main.main(["rules", "import-gnus", str(FILE), "--groups", "talk.*,!talk.bizarre"])
    out, err = capsys.readouterr()
    assert code == 0 and 'groups = ["talk.*", "!talk.bizarre"]' in out and f"{FILE}:44:" in err
    assert main.main(["rules", "import-gnus", str(tmp_path / "missing.SCORE")]) != 0
    assert "no such file" in capsys.readouterr().err
