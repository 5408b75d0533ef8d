"""tin filter files (~/.tin/filter) -> pith rules.

As tin 2.6.2 reads them: a rule starts at ``group=`` (``comment=`` lines before
it belong to it), ``case=0`` means case-sensitive, ``score=`` is a number or
``kill`` / ``hot``, ``time=`` is the expiry (epoch seconds). tin scores every
matching line of a rule separately (a rule with ``from=`` and ``lines=`` adds its
score once per line that matches: checked against real tin 2.6.2), so each match
line becomes its own pith rule; ``combine=True`` makes one AND rule instead.
Patterns are wildmats unless tin's ``wildcard`` setting is 1 (``regex_mode``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from killfile import regex
from killfile.emit import RuleText, document
from killfile.model import Problem
from killfile.scope import parse_group_list, wildmat_body

KILL, HOT, SCORE_MAX = -9999, 100, 10000
TEXT_FIELDS = ("subj", "from", "msgid", "msgid_last", "msgid_only", "refs_only", "xref", "path")
THRESHOLDS = """# tin's defaults kill at score <= -50 and mark hot at >= 50; pith's at -9999 and 1.
# To keep tin's limits for these rules, uncomment:
# [[thresholds]]
# kill = -50
# high = 50
"""


@dataclass
class _Rule:
    line: int
    groups: str
    comments: list[str] = field(default_factory=list)
    case_sensitive: bool = False
    score: int = 0
    expires: datetime | None = None
    tests: list[tuple[str, str, int]] = field(default_factory=list)
    """(key, value, line) in file order."""


class _Skip(ValueError):
    pass


def convert_tin(path: Path, regex_mode: bool = False, combine: bool = False,
                now: datetime | None = None) -> tuple[str, list[Problem]]:
    """A tin filter file -> (pith TOML text, what could not be converted); expired rules are dropped."""
    tin_rules, problems = parse_tin(path)
    now = now or datetime.now(timezone.utc)
    out: list[RuleText] = []
    for rule in tin_rules:
        out.extend(_convert(rule, str(path), regex_mode, combine, problems, now))
    mode = "regex" if regex_mode else "wildmat"
    text = document(f"Converted by `pith rules import-tin` from {path} (patterns read as {mode})",
                    out, [str(p) for p in problems], THRESHOLDS)
    return text, problems


def parse_tin(path: Path) -> tuple[list[_Rule], list[Problem]]:
    rules: list[_Rule] = []
    problems: list[Problem] = []
    comments: list[str] = []
    current: _Rule | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        key, sep, val = raw.partition("=")
        key = key.strip().lower()
        if not sep:
            problems.append(Problem(str(path), number, f"not key=value: {raw!r}", "warning"))
        elif key == "comment":
            comments.append(val.strip())
        elif key == "group":
            current = _Rule(number, val.strip(), comments)
            comments = []
            rules.append(current)
        elif current is None:
            problems.append(Problem(str(path), number, f"{key}= before any group= line; ignored", "warning"))
        else:
            _field(current, key, val, number, str(path), problems)
    return rules, problems


def _field(rule: _Rule, key: str, val: str, number: int, path: str, problems: list[Problem]) -> None:
    if key == "case":
        rule.case_sensitive = val.strip() == "0"
    elif key == "score":
        rule.score = _score(val.strip())
    elif key == "time":
        found = re.match(r"\s*(\d+)", val)
        if found and int(found.group(1)):
            rule.expires = datetime.fromtimestamp(int(found.group(1)), timezone.utc)
    elif key in TEXT_FIELDS or key in ("lines", "gnksa"):
        rule.tests.append((key, val.rstrip("\n"), number))
    else:
        problems.append(Problem(path, number, f"unknown tin filter key {key}=; ignored", "warning"))


def _score(text: str) -> int:
    lowered = text.lower()
    if lowered.startswith("kill"):
        return KILL
    if lowered.startswith("hot"):
        return HOT
    found = re.match(r"[+-]?\d+", text)
    return max(-SCORE_MAX, min(SCORE_MAX, int(found.group(0)))) if found else 0


def _convert(rule: _Rule, path: str, regex_mode: bool, combine: bool, problems: list[Problem],
             now: datetime) -> list[RuleText]:
    if rule.expires is not None and rule.expires <= now:
        problems.append(Problem(path, rule.line, "rule already expired; not converted", "warning"))
        return []
    tests = _merge(rule.tests, regex_mode, path, problems)
    conditions: list[tuple[str, dict[str, Any], int]] = []
    for key, val, number in tests:
        try:
            conditions.append((key, _condition(key, val, rule.case_sensitive, regex_mode), number))
        except _Skip as exc:
            problems.append(Problem(path, number, f"{key}= not converted: {exc}", "warning"))
            if combine:
                return []
    if not conditions:
        problems.append(Problem(path, rule.line, "rule has no convertible match line; not converted", "warning"))
        return []
    if combine:
        return [_rule_text(rule, path, [c for _, c, _ in conditions], "")]
    return [_rule_text(rule, path, [c], f" ({key}= line {number})") for key, c, number in conditions]


def _merge(tests: list[tuple[str, str, int]], regex_mode: bool, path: str,
           problems: list[Problem]) -> list[tuple[str, str, int]]:
    """Repeated keys: tin ORs them with ``|`` in regex mode; in wildmat mode the last one wins."""
    merged: dict[str, tuple[str, str, int]] = {}
    for key, val, number in tests:
        if key in merged and key in TEXT_FIELDS:
            if regex_mode:
                merged[key] = (key, merged[key][1] + "|" + val, merged[key][2])
                continue
            problems.append(Problem(path, merged[key][2], f"{key}= overridden by line {number} (as tin does)",
                                    "warning"))
        merged[key] = (key, val, number)
    return list(merged.values())


def _rule_text(rule: _Rule, path: str, conditions: list[dict[str, Any]], suffix: str) -> RuleText:
    text = RuleText([f"from {path}:{rule.line}"] + [f"tin comment: {c}" for c in rule.comments[1:]])
    text.keys["name"] = (rule.comments[0] if rule.comments else f"tin {Path(path).name}:{rule.line}") + suffix
    groups = list(parse_group_list(rule.groups))
    if groups and groups != ["*"]:
        text.keys["groups"] = groups
    text.keys["score"] = rule.score
    if rule.expires is not None:
        text.keys["expires"] = rule.expires
    text.conditions["all"] = conditions
    return text


def _condition(key: str, val: str, case_sensitive: bool, regex_mode: bool) -> dict[str, Any]:
    if key in ("lines", "gnksa"):
        if key == "gnksa":
            raise _Skip("GNKSA address-parser codes have no pith equivalent")
        found = re.fullmatch(r"\s*([<>]?)\s*(\d+)\s*", val)
        if not found:
            raise _Skip(f"bad number {val!r}")
        return {"header": "Lines", {"<": "lt", ">": "gt", "": "eq"}[found.group(1)]: int(found.group(2))}
    headers = {"subj": "Subject", "from": "From", "msgid_only": "Message-ID", "refs_only": "References",
               "xref": "Newsgroups", "path": "Path"}
    if key in ("msgid", "msgid_last"):
        other = "References" if key == "msgid" else "Parent"
        return {"any": [_text("Message-ID", val.strip(), True, regex_mode),
                         _text(other, val.strip(), True, regex_mode, LIST_SEPARATORS[other])]}
    sensitive = True if key in ("msgid_only", "refs_only") else case_sensitive
    return _text(headers[key], val.strip(), sensitive, regex_mode, LIST_SEPARATORS.get(headers[key]))


LIST_SEPARATORS = {"References": r"\s", "Parent": r"\s", "Newsgroups": r"\s,"}
"""Headers that are lists: tin matches a wildmat against each item (one Message-ID, one group)."""


def _text(header: str, pattern: str, case_sensitive: bool, regex_mode: bool,
          separators: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"header": header}
    if regex_mode:
        problem = regex.check(pattern)
        if problem:
            raise _Skip(f"RE2 rejects {pattern!r}: {problem}")
        out["regex"] = pattern
    else:
        literal = _wildmat_literal(pattern)
        if literal is not None:
            out["contains"] = literal
        else:
            out["regex"] = wildmat_to_regex(pattern) if separators is None else item_regex(pattern, separators)
    if case_sensitive:
        out["case"] = True
    return out


def _wildmat_literal(pattern: str) -> str | None:
    """``*text*`` with no other wildcard -> ``text`` (a substring test, tin's usual rule)."""
    if len(pattern) < 2 or not (pattern.startswith("*") and pattern.endswith("*")) or pattern.endswith("\\*"):
        return None
    inner = pattern[1:-1]
    out, i = [], 0
    while i < len(inner):
        ch = inner[i]
        if ch == "\\" and i + 1 < len(inner):
            out.append(inner[i + 1])
            i += 2
            continue
        if ch in "*?[":
            return None
        out.append(ch)
        i += 1
    return "".join(out) or None


def wildmat_to_regex(pattern: str) -> str:
    """A whole-value wildmat as an anchored RE2 pattern."""
    return "^" + wildmat_body(pattern, regex.literal) + "$"


_WILDCARDS = re.compile(r"\\.|\[[^\]]*\]|\.\*|\.")
"""An escape, a class (both kept as they are), or a wildcard's ``.*`` / ``.`` (narrowed)."""


def item_regex(pattern: str, separators: str) -> str:
    """A wildmat that must match one whole item of a list header (one ID of References, one
    group of Newsgroups), as tin matches ``msgid=`` and ``xref=``: anchored at item borders,
    and its ``*`` and ``?`` never run across a separator into the next item."""
    item = f"[^{separators}]"

    def narrow(m: re.Match[str]) -> str:
        return {".*": item + "*", ".": item}.get(m.group(0), m.group(0))

    body = _WILDCARDS.sub(narrow, wildmat_body(pattern, regex.literal))
    return f"(?:^|[{separators}])" + body + f"(?:$|[{separators}])"
