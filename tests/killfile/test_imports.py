"""Imports of slrn score files and tin filter files, including files written by slrn 1.0.3 and
tin 2.6.2 themselves (data/*-created.*: made with their own menus against an INN2 server;
tin-2.6.2-rewritten.filter: a hand-written file that tin rewrote in its own format)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from killfile.import_slrn import convert_slrn
from killfile.import_tin import convert_tin
from killfile.rules import parse_rules
from killfile.slang_regex import Untranslatable, translate
from tests.killfile.helpers import by_number, ov
from killfile.engine import score

DATA = Path(__file__).parent / "data"
BEFORE_EXPIRY = datetime(2026, 12, 1, tzinfo=timezone.utc)


def converted(text: str):  # type: ignore[no-untyped-def]
    ruleset, problems = parse_rules(text, "imported.toml")
    assert problems == [], problems
    return ruleset


def test_slang_regex_translation() -> None:
    assert translate(r"\<agent\>") == (r"\bagent\b", False)
    assert translate(r"\c[a-z]") == ("[a-z]", True)
    assert translate(r"\(foo\|bar\)(x)") == (r"(foo|bar)\(x\)", False)
    assert translate(r"sci\.space\?") == (r"sci\.space\?", False)
    assert translate("Earn \\$") == ("Earn \\$", False)
    try:
        translate(r"\(a\)\1")
    except Untranslatable as exc:
        assert "back-reference" in str(exc)
    else:
        raise AssertionError("back-reference accepted")


def test_slrn_file_written_by_slrn() -> None:
    text, problems = convert_slrn(DATA / "slrn-1.0.3-created.score")
    assert problems == []
    ruleset = converted(text)
    first, second, third = ruleset.rules
    assert first.set_to == -9999 and first.scope.patterns == ("sample.sci.space",)
    assert first.expiry.at == datetime(2026, 12, 28, tzinfo=timezone.utc)
    assert second.add == -50 and second.scope.patterns == ()
    assert third.condition.items[0].header == "references"  # type: ignore[union-attr]
    arts = [ov(1, "Re: How many read sci.space?", "jim@inqmind.bison.mb.ca (jim jaworski)"),
            ov(2, "Sixty-two thousand (was Re: How many read sci.space?)", "higgins@fnalf.fnal.gov (Bill)"),
            ov(3, "x", refs=("<EDM.93Apr18133611.sample@gocart.twisto.compaq.com>",)), ov(4, "other")]
    result = by_number(score(arts, ruleset, "sample.sci.space", BEFORE_EXPIRY))
    assert [result[n][:2] for n in (1, 2, 3, 4)] == [(-9999, "killed"), (-50, "read"), (-9999, "killed"),
                                                     (0, "normal")]
    assert by_number(score(arts, ruleset, "sample.misc", BEFORE_EXPIRY))[1][0] == 0


def test_slrn_documented_sample_with_groups_negation_nesting_and_include() -> None:
    text, problems = convert_slrn(DATA / "slrn-doc-sample.score")
    lines = sorted((p.line, p.message) for p in problems)
    assert [line for line, _ in lines] == [56, 58]
    assert "X-Mailer" not in str(lines)  # any header converts
    assert "back-reference" in lines[0][1] and "Has-Body" in lines[1][1]
    assert "Not converted" in text and "slrn-doc-sample.score:58" in text
    ruleset = converted(text)
    names = [r.name for r in ruleset.rules]
    assert "kill-troll" in names  # from the included file, named by its Score line
    by_line = {r.origin.line: r for r in ruleset.rules}
    assert len(ruleset.rules) == 14
    negated = [r for r in ruleset.rules if r.scope.patterns == ("!misc.invest.*", "!misc.taxes")]
    assert len(negated) == 6  # five entries and the included one
    arts = [ov(1, "Earn $$$ fast"), ov(2, "ALL CAPS SHOUTING"), ov(3, "Re: SHOUTING"), ov(4, "Re: quiet"),
            ov(5, "slrn and agent", "x <davis@space.mit.edu>"), ov(6, "long", lines=500),
            ov(7, "x", "troll@example.com")]
    result = by_number(score(arts, ruleset, "rec.misc", datetime(2024, 3, 5, tzinfo=timezone.utc)))
    assert result[1][0] == -9999 + 10  # "Earn \\$" (OR entry) and "Age: 7"
    assert result[2][0] == -1000 + 10 and result[3][0] == -1000 + 10 and result[4][0] == 10
    assert result[6][0] == -100 + 10 and result[7][0] == -20 + 10
    readers = by_number(score(arts, ruleset, "news.software.readers", datetime(2024, 3, 5, tzinfo=timezone.utc)))
    assert readers[5][0] == 1000  # "=1000" sets and stops: davis's +1000 and agent's -9999 never apply
    assert by_line  # every rule carries its origin in the converted file


def test_tin_file_written_by_tin_scores_each_line_like_tin() -> None:
    text, problems = convert_tin(DATA / "tin-2.6.2-created.filter", now=BEFORE_EXPIRY)
    assert problems == []
    ruleset = converted(text)
    assert [r.add for r in ruleset.rules] == [-9999, 100, -500, -500]
    compaq = [r for r in ruleset.rules if r.add == -500]
    assert {r.scope.patterns for r in compaq} == {("sample.sci.space",)}
    assert compaq[0].expiry.at == datetime(2026, 12, 26, 13, 39, 11, tzinfo=timezone.utc)
    arts = [ov(1, "SOFTWARE RELEASE for use with Voyager CDROMs", "edm@twisto.compaq.com (Ed McCreary)", lines=80),
            ov(2, "Sixty-two thousand (was Re: How many read sci.space?)"),
            ov(3, "other", "edm@twisto.compaq.com (Ed McCreary)", lines=300)]
    result = by_number(score(arts, ruleset, "sample.sci.space", BEFORE_EXPIRY))
    # tin 2.6.2 killed article 1 (80 lines) with this very rule: the From line scores on its own.
    assert result[1][0] == 100 - 500 and result[2][1] == "killed" and result[3][0] == -1000
    after = convert_tin(DATA / "tin-2.6.2-created.filter", now=datetime(2027, 1, 1, tzinfo=timezone.utc))
    assert any("expired" in p.message for p in after[1])


def test_tin_rewritten_file_and_and_mode() -> None:
    text, problems = convert_tin(DATA / "tin-2.6.2-rewritten.filter", now=BEFORE_EXPIRY)
    assert problems == []
    ruleset = converted(text)
    assert ruleset.rules[0].scope.patterns == ("sample.comp.graphics", "!sample.comp.graphics.announce")
    arts = [ov(1, "x", refs=("<root@example.org>",)), ov(2, "A Space odyssey"), ov(3, "a space odyssey"),
            ov(4, "tiny", lines=2, xref="h misc.advocacy:3 sample.sci.space:9")]
    result = by_number(score(arts, ruleset, "sample.sci.space", BEFORE_EXPIRY))
    assert result[1][0] == 75 and result[2][0] == 100 and result[3][0] == 0  # case=0: case-sensitive
    assert result[4][0] == -400  # lines=<3 and xref= each score -200, as tin does
    combined, _ = convert_tin(DATA / "tin-2.6.2-rewritten.filter", combine=True, now=BEFORE_EXPIRY)
    assert by_number(score(arts, converted(combined), "sample.sci.space", BEFORE_EXPIRY))[4][0] == -200


def test_tin_regex_mode_wildmats_and_unconvertible(tmp_path: Path) -> None:
    path = tmp_path / "filter"
    path.write_text("# Filter file V1.0.2 for the TIN newsreader\n\n"
                    "comment=regex rule\ngroup=news.software.*,!news.software.readers\ncase=1\nscore=kill\n"
                    "subj=([cd]news|diablo)\nsubj=inn\n\n"
                    "group=*\ncase=1\nscore=-5\ngnksa=>0\n\n"
                    "group=*\ncase=0\nscore=7\nfrom=Joe?Bloggs*\n\n"
                    "group=*\ncase=0\nscore=9\nsubj=(a)\\1\n")
    text, problems = convert_tin(path, regex_mode=True)
    messages = [(p.line, p.message) for p in problems]
    assert any(line == 13 and "GNKSA" in m for line, m in messages)
    assert any(line == 23 and "RE2 rejects" in m for line, m in messages)
    ruleset = converted(text)
    assert ruleset.rules[0].condition.items[0].value == "([cd]news|diablo)|inn"  # type: ignore[union-attr]
    wild, _ = convert_tin(path)
    rules = converted(wild).rules
    joe = [r for r in rules if r.add == 7][0]
    assert joe.condition.items[0].value == "^Joe.Bloggs.*$"  # type: ignore[union-attr]
