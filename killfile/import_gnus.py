"""Gnus score files (``~/News/*.SCORE``) -> pith rules.

The ADAPT-free subset of the format in the Gnus manual ("Score File Format") and
gnus-score.el: header entries for from, subject, references, message-id and xref
(match types s/e/r/f, upper case = case-sensitive, default s), lines and chars
(``<``, ``>``, ``=``, ``<=``, ``>=``; default ``>``, read as "header TYPE match"),
date (before/at/after; default before); a missing score is Gnus's default 1000; a
date (day number) makes an entry temporary: Gnus drops it 7 days (gnus-score-expiry-days)
after it last matched, so it becomes ``expire_after_days = 7``, or is left out when already
that old. ``mark`` / ``expunge`` / ``mark-and-expunge`` become thresholds (Gnus acts
on scores *below* them). The groups come from the file name (``comp.lang.c.SCORE``,
``all.SCORE``, ``gnu.all.SCORE`` with ``all`` as a wildcard). Everything else
(body/head/all, followup/thread, word matches, eval, local, files...) is reported by line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from killfile.emit import RuleText, document, value
from killfile.import_lisp import Item, Symbol, read_lisp
from killfile.model import Problem
from killfile.slang_regex import Untranslatable, translate

DEFAULT_SCORE = 1000
EXPIRY_DAYS = 7
MAX_BYTES = 4 * 1024 * 1024
STRING_HEADERS = {"from": "From", "subject": "Subject", "references": "References",
                  "message-id": "Message-ID", "xref": "Xref"}
NUMBER_HEADERS = {"lines": "Lines", "chars": "Bytes"}
HEADERS = frozenset({*STRING_HEADERS, *NUMBER_HEADERS, "date"})
NUMBER_TYPES = {">": "gt", "<": "lt", "=": "eq", ">=": "ge", "<=": "le"}
STRING_TYPES = {"s": "s", "substring": "s", "string": "s", "e": "e", "exact": "e", "r": "r", "regex": "r",
                "regexp": "r", "f": "f", "fuzzy": "f"}
THRESHOLD_KEYS = {"mark": ("read",), "expunge": ("hide",), "mark-and-expunge": ("read", "hide")}
_EMACS_ONLY = re.compile(r"\\[cCsS`'_=]")


class _Skip(ValueError):
    """This entry has no pith equivalent; the message says why."""


@dataclass(frozen=True)
class _Context:
    path: str
    groups: list[str]
    now: datetime


def convert_gnus(path: Path, now: datetime | None = None,
                 groups: list[str] | None = None) -> tuple[str, list[Problem]]:
    """A Gnus score file -> (pith TOML text, what could not be converted, by file:line)."""
    ctx = _Context(str(path), groups if groups is not None else groups_of(path), now or datetime.now(timezone.utc))
    problems: list[Problem] = []
    rules, thresholds = _convert(_read(path, problems), ctx, problems)
    title = f"Converted by `pith rules import-gnus` from {path}"
    return document(title, rules, [str(p) for p in problems], _thresholds_text(thresholds, ctx)), problems


def groups_of(path: Path) -> list[str]:
    """The groups a score file applies to, from its name; ``all`` is a wildcard (bnews style)."""
    name = re.sub(r"\.(SCORE|ADAPT)$", "", path.name, flags=re.IGNORECASE)
    name = name.rsplit(":", 1)[-1]
    if name.lower() in ("all", ""):
        return []
    return [".".join("*" if part.lower() == "all" else part for part in name.split("."))]


def _read(path: Path, problems: list[Problem]) -> list[Item]:
    raw = path.read_bytes()[:MAX_BYTES]
    reading = read_lisp(raw.decode("utf-8", errors="replace"))
    problems.extend(Problem(str(path), line, f"{msg}; the rest of the file is not read", "warning")
                    for line, msg in reading.problems)
    if not reading.data:
        return []
    top = reading.data[0]
    if not isinstance(top.value, list):
        problems.append(Problem(str(path), top.line, "not a score file: it should be one list", "warning"))
        return []
    return top.items


def _convert(elements: list[Item], ctx: _Context,
             problems: list[Problem]) -> tuple[list[RuleText], dict[str, tuple[int, int]]]:
    rules: list[RuleText] = []
    thresholds: dict[str, tuple[int, int]] = {}
    for element in elements:
        items = element.items
        head = items[0].value if items else element.value
        if isinstance(head, str) and items and (head.lower() in HEADERS):
            rules.extend(_header_rules(head.lower(), items[1:], ctx, problems))
        elif isinstance(head, Symbol) and head.name in THRESHOLD_KEYS and len(items) == 2 \
                and isinstance(items[1].value, int):
            for key in THRESHOLD_KEYS[head.name]:
                thresholds[key] = (items[1].value - 1, element.line)
        else:
            problems.append(Problem(ctx.path, element.line, f"{_show(head)} not converted: {_why_not(head)}",
                                    "warning"))
    return rules, thresholds


def _why_not(head: Any) -> str:
    name = head.name if isinstance(head, Symbol) else str(head).lower()
    if name in ("body", "head", "all"):
        return "it needs the whole article (write a Body rule by hand)"
    if name in ("followup", "thread"):
        return "adaptive entries (pith has thread rules: `pith rules watch-thread`)"
    if name in ("adapt", "decay", "orphan", "files", "exclude-files", "local", "eval", "read-only", "home"):
        return "Gnus-only setting"
    return "unknown score file element"


def _show(head: Any) -> str:
    return f"({head.name} ...)" if isinstance(head, Symbol) else f"({value(str(head))} ...)"


def _header_rules(header: str, entries: list[Item], ctx: _Context, problems: list[Problem]) -> list[RuleText]:
    out: list[RuleText] = []
    for entry in entries:
        try:
            rule = _entry_rule(header, entry, ctx)
        except _Skip as exc:
            problems.append(Problem(ctx.path, entry.line, f"{header} entry not converted: {exc}", "warning"))
            continue
        if rule is not None:
            out.append(rule)
        else:
            problems.append(Problem(ctx.path, entry.line, f"{header} entry expired (unused for {EXPIRY_DAYS} "
                                                          "days, Gnus would drop it); not converted", "warning"))
    return out


def _entry_rule(header: str, entry: Item, ctx: _Context) -> RuleText | None:
    fields = [i.value for i in entry.items] + [None] * 4
    match, score, day, kind = fields[:4]
    if not entry.items:
        raise _Skip("an entry must be a list (MATCH [SCORE [DATE [TYPE]]])")
    score = DEFAULT_SCORE if _nil(score) else score
    if not isinstance(score, int) or isinstance(score, bool):
        raise _Skip(f"score must be a whole number, not {_text(score)}")
    rule = RuleText([f"from {ctx.path}:{entry.line}"])
    rule.keys["name"] = f"gnus {Path(ctx.path).name}:{entry.line}"
    if ctx.groups:
        rule.keys["groups"] = ctx.groups
    rule.keys["score"] = score
    if not _nil(day):
        if not _temporary(day, ctx, rule):
            return None
    rule.conditions["all"] = [_condition(header, match, None if _nil(kind) else kind)]
    return rule


def _temporary(day: Any, ctx: _Context, rule: RuleText) -> bool:
    """A dated entry: False when Gnus would already have dropped it, else ``expire_after_days``."""
    if not isinstance(day, int) or not 0 < day < 3_652_059:
        raise _Skip(f"date must be a day number (as Gnus writes it), not {_text(day)}")
    last = date.fromordinal(day)
    if last + timedelta(days=EXPIRY_DAYS) < ctx.now.date():
        return False
    rule.comments.append(f"temporary in Gnus, last matched {last:%Y-%m-%d}")
    rule.keys["expire_after_days"] = EXPIRY_DAYS
    return True


def _condition(header: str, match: Any, kind: Any) -> dict[str, Any]:
    if header in STRING_HEADERS:
        return _string_condition(STRING_HEADERS[header], match, kind)
    if header in NUMBER_HEADERS:
        op = "gt" if kind is None else NUMBER_TYPES.get(kind.name) if isinstance(kind, Symbol) else None
        if op is None:
            raise _Skip(f"number match type {_text(kind)} (Gnus has <, >, =, <=, >=)")
        if not isinstance(match, int) or isinstance(match, bool):
            raise _Skip(f"{header} needs a whole number, not {_text(match)}")
        return {"header": NUMBER_HEADERS[header], op: match}
    if header == "date":
        return _date_condition(match, kind)
    raise _Skip(f"unknown header {header!r}")  # pragma: no cover - _convert passes known headers only


def _string_condition(header: str, match: Any, kind: Any) -> dict[str, Any]:
    if not isinstance(match, str) or not match:
        raise _Skip(f"the match must be a non-empty string, not {_text(match)}")
    name = kind.name if isinstance(kind, Symbol) else "s" if kind is None else ""
    how = STRING_TYPES.get(name.lower())
    if how is None:
        raise _Skip(f"match type {_text(kind)} (converted: s, e, r, f and their upper-case forms)")
    out: dict[str, Any] = {"header": header}
    if how == "s":
        out["contains"] = match
    elif how == "e":
        out["equals"] = match
    elif how == "r":
        out["regex"] = _emacs_regex(match)
    else:
        out["regex"] = fuzzy_regex(match, name[:1].isupper())
    if name[:1].isupper():
        out["case"] = True
    return out


def _emacs_regex(pattern: str) -> str:
    """An Emacs regexp as RE2; Emacs's syntax classes, categories and buffer anchors have none."""
    found = _EMACS_ONLY.search(pattern)
    if found:
        raise _Skip(f"Emacs-only regexp construct {found.group(0)!r} in {pattern!r}")
    try:
        return translate(pattern)[0]
    except Untranslatable as exc:
        raise _Skip(str(exc)) from None


def fuzzy_regex(text: str, case: bool = False) -> str:
    """Gnus's fuzzy match as an RE2 pattern: the same words as the simplified Subject, whatever
    "Re:"/"Fwd:" prefixes, "(was: ...)" tail, spacing and case the article's Subject has."""
    simple = re.sub(r"^\s*((re|fwd?|aw)\s*(\[\d+\])?\s*:\s*)+", "", text, flags=re.IGNORECASE)
    simple = re.sub(r"\s*\(was:?[^)]*\)\s*$", "", simple, flags=re.IGNORECASE)
    words = [re.escape(w) for w in simple.split()]
    if not words:
        raise _Skip(f"fuzzy match {text!r} is empty once simplified")
    return ("" if case else "(?i)") + (r"^\s*(?:(?i:re|fwd?|aw)\s*(?:\[\d+\])?\s*:\s*)*" + r"\s+".join(words)
            + r"\s*(?:\((?i:was):?[^)]*\))?\s*$")


def _date_condition(match: Any, kind: Any) -> dict[str, Any]:
    name = kind.name if isinstance(kind, Symbol) else "before" if kind is None else ""
    if name not in ("before", "after", "at"):
        raise _Skip(f"date match type {_text(kind)} (converted: before, at, after)")
    when = _parse_date(match) if isinstance(match, str) else None
    if when is None:
        raise _Skip(f"date match {_text(match)} is not a date pith can read")
    if name == "before":
        return {"header": "Date", "before": when}
    if name == "after":
        return {"header": "Date", "after": when}
    return {"all": [{"header": "Date", "after": when - timedelta(seconds=1)},
                    {"header": "Date", "before": when + timedelta(seconds=1)}]}


def _parse_date(text: str) -> datetime | None:
    """Gnus reads any date; these are the forms its files hold (ISO 8601, compact or not; RFC 822)."""
    for fmt in ("%Y%m%dT%H%M%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.strptime(text.strip(), fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _thresholds_text(found: dict[str, tuple[int, int]], ctx: _Context) -> str:
    if not found:
        return ""
    lines = [f"# from {ctx.path}:{line} (Gnus acts below the value; pith at or below)"
             for line in sorted({line for _, line in found.values()})]
    lines.append("[[thresholds]]")
    if ctx.groups:
        lines.append(f"groups = {value(ctx.groups)}")
    lines.extend(f"{key} = {n}" for key, (n, _) in found.items())
    return "\n".join(lines) + "\n"


def _nil(v: Any) -> bool:
    return v is None or v == Symbol("nil")


def _text(v: Any) -> str:
    return v.name if isinstance(v, Symbol) else repr(v)
