"""score.toml parsing: every problem carries its file:line, and a broken rule spares the others."""

from __future__ import annotations

from pathlib import Path

from killfile.model import AllOf, AnyOf, Leaf, Not
from killfile.rules import load_rules, parse_rules
from killfile.scope import in_scope
from killfile.model import Scope


def problems_of(text: str) -> list[tuple[int, str]]:
    _, problems = parse_rules(text, "score.toml")
    return [(p.line, p.message) for p in problems]


GOOD = """\
# a comment
[[thresholds]]
groups = ["comp.*"]
kill = -5000

[[rule]]
name = "troll"
groups = ["comp.*", "!comp.os.linux.announce"]
score = -9999
all = [
  { header = "From", contains = "troll@example.com" },
  { header = "Subject", regex = '\\bgizmo\\b', not = true },
]

[[rule]]
name = "long ones"
score = -10
tags = ["long"]
[[rule.any]]
header = "Lines"
gt = 200
[[rule.any]]
header = "Bytes"
ge = 20000

[[cap]]
per = "day"
max = 3
timezone = "Europe/Berlin"

[[tag]]
name = "spoiler"
hide = true
"""


def test_a_valid_file_parses_into_records() -> None:
    ruleset, problems = parse_rules(GOOD, "score.toml")
    assert problems == []
    troll, long_ones = ruleset.rules
    assert troll.name == "troll" and troll.add == -9999 and troll.origin.line == 6
    assert isinstance(troll.condition, AllOf)
    leaf, negated = troll.condition.items
    assert leaf == Leaf("from", "contains", "troll@example.com", False, 11)
    assert isinstance(negated, Not) and negated.item.line == 12
    assert isinstance(long_ones.condition, AnyOf) and long_ones.tags == ("long",)
    assert ruleset.caps[0].timezone == "Europe/Berlin" and ruleset.thresholds[0].kill == -5000
    assert ruleset.tag_filters[0].hide


def test_unknown_key_is_reported_at_its_line_with_a_suggestion() -> None:
    found = problems_of('[[rule]]\nname = "x"\nscroe = 5\nall = [{ header = "Subject", contains = "a" }]\n')
    assert found == [(3, 'unknown key "scroe" in [[rule]] (did you mean "score"?)')]


def test_re2_rejection_names_the_line_of_the_condition() -> None:
    text = ('[[rule]]\nname = "bad"\nscore = 1\nall = [\n  { header = "Subject", contains = "ok" },\n'
            '  { header = "Subject", regex = \'(a)\\1\' },\n]\n\n[[rule]]\nname = "fine"\nscore = 2\n'
            'all = [{ header = "From", contains = "x" }]\n')
    ruleset, problems = parse_rules(text, "score.toml")
    assert [(p.line, "RE2 rejects" in p.message) for p in problems] == [(6, True)]
    assert [r.name for r in ruleset.rules] == ["fine"]


def test_lookaround_is_rejected_not_run_by_another_engine() -> None:
    found = problems_of('[[rule]]\nscore = 1\nall = [{ header = "Subject", regex = "(?<=x)y" }]\n')
    assert found and found[0][0] == 3 and "RE2" in found[0][1]


def test_toml_syntax_error_costs_only_its_table() -> None:
    text = ('[[rule]]\nname = "one"\nscore = 1\nall = [{ header = "Subject", contains = "a" }]\n\n'
            '[[rule]]\nname = "broken"\nscore = = 2\n\n'
            '[[rule]]\nname = "three"\nscore = 3\nall = [{ header = "Subject", contains = "c" }]\n')
    ruleset, problems = parse_rules(text, "score.toml")
    assert [r.name for r in ruleset.rules] == ["one", "three"]
    assert len(problems) == 1 and problems[0].line == 8 and "TOML syntax" in problems[0].message
    assert ruleset.rules[1].origin.line == 10


def test_sub_table_conditions_report_their_own_line() -> None:
    text = '[[rule]]\nname = "r"\nscore = 1\n[[rule.all]]\nheader = "Lines"\ngt = 3\n[[rule.all]]\nheader = "Subject"\nregex = "["\n'
    assert problems_of(text)[0][0] == 7


def test_each_kind_of_mistake() -> None:
    cases = {
        '[[rule]]\nscore = 1\n': "no conditions",
        '[[rule]]\nall = [{ header = "Subject", contains = "x" }]\n': "does nothing",
        '[[rule]]\nscore = 1\nset = 2\nall = [{ header = "Subject", contains = "x" }]\n': "not both",
        '[[rule]]\nscore = 1\nall = [{ header = "Lines", contains = "x" }]\n': "is a number",
        '[[rule]]\nscore = 1\nall = [{ header = "Subject", gt = 3 }]\n': "Lines, Bytes and Age",
        '[[rule]]\nscore = 1\nall = [{ header = "Date", before = "soon" }]\n': "not a date",
        '[[rule]]\nscore = 1\nall = [{ contains = "x" }]\n': 'needs "header"',
        '[[cap]]\nper = "fortnight"\nmax = 2\n': "day, week, month or thread",
        '[[cap]]\nper = "day"\n': '"max"',
        '[[thread]]\nmessage_id = "nope"\n': "<id@host>",
        '[[author]]\naddress = "a@b"\naction = "bury"\n': "plonk",
        '[frobnicate]\nx = 1\n': 'unknown table or key "frobnicate"',
        '[detectors.pingpong]\nreplies = -1\n': "bad value",
    }
    for text, expected in cases.items():
        found = problems_of(text)
        assert found and expected in found[0][1], (text, found)
        assert found[0][0] >= 1


def test_missing_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    ruleset, problems = load_rules(tmp_path / "nope.toml")
    assert ruleset.rules == () and problems[0].message == "no such file"


def test_dates_and_idle_expiry() -> None:
    ruleset, problems = parse_rules('[[rule]]\nscore = 1\nexpires = 2024-05-01\nexpire_after_days = 30\n'
                                    'all = [{ header = "Date", after = 2024-01-01T10:00:00Z }]\n')
    assert problems == []
    rule = ruleset.rules[0]
    assert rule.expiry.at is not None and rule.expiry.at.isoformat() == "2024-05-01T00:00:00+00:00"
    assert rule.expiry.idle_days == 30


def test_wildmat_scopes() -> None:
    assert in_scope(Scope(), "any.group")
    scope = Scope(("comp.*", "!comp.os.*", "comp.os.linux.advocacy"))
    assert in_scope(scope, "comp.graphics")
    assert not in_scope(scope, "comp.os.linux.misc")
    assert in_scope(scope, "comp.os.linux.advocacy")
    assert not in_scope(scope, "rec.arts")
    assert in_scope(Scope(("!misc.invest.*",)), "rec.arts")  # slrn's [~misc.invest.*]
    assert not in_scope(Scope(("!misc.invest.*",)), "misc.invest.stocks")
    assert in_scope(Scope(("comp.sys.[im]*",)), "comp.sys.ibm.pc")
