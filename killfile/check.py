"""What `pith rules check` adds to parsing: headers pith never sees, and a count of every kind of entry.

A rule on a misspelt header ("Parnet") is valid TOML and a valid condition, yet
it can never match: no overview carries it and no article has it. Parsing
accepts any header (a cached article may carry anything), so the check warns
when a header is neither one pith gives every article nor a usual article
header, and names the nearest known one.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from killfile.model import AllOf, AnyOf, Condition, Leaf, Not, Problem, RuleSet

PITH_HEADERS = ("Subject", "From", "Message-ID", "References", "Xref", "Lines", "Bytes", "Date", "Age", "Body",
                "Parent", "Address", "Group", "Newsgroups")
"""The headers every article answers (overview fields and pith's own: Age, Parent, Address, Group, Body)."""

ARTICLE_HEADERS = (
    "Path", "Organization", "User-Agent", "Reply-To", "Followup-To", "Sender", "Distribution", "Keywords",
    "Summary", "Approved", "Expires", "Supersedes", "Control", "Archive", "Cancel-Lock", "Cancel-Key",
    "Mail-Copies-To", "Mail-Followup-To", "Mail-Reply-To", "In-Reply-To", "To", "Cc", "Comments", "Originator",
    "Content-Type", "Content-Transfer-Encoding", "Content-Language", "Content-Disposition", "MIME-Version",
    "NNTP-Posting-Host", "NNTP-Posting-Date", "Injection-Info", "Injection-Date", "Complaints-To", "Archived-At",
    "List-Id", "List-Post", "List-Archive", "List-Unsubscribe", "List-Subscribe", "List-Help", "Precedence",
    "Importance", "Priority", "Thread-Topic", "Thread-Index", "Delivered-To", "Return-Path", "Received",
    "Face", "Article-Names", "Article-Updates", "Also-Control", "Posted-And-Mailed", "Posting-Version",
    "Relay-Version", "Sensitivity", "Disposition-Notification-To", "Resent-From", "Resent-To", "Resent-Date",
    "Envelope-To", "Errors-To", "Encrypted", "Openpgp", "Autocrypt", "Bcc", "Followups-To")
"""Headers real articles carry (RFC 5536/5537/5322, list and client ones); any X- header is accepted too."""

_KNOWN = {name.lower(): name for name in (*PITH_HEADERS, *ARTICLE_HEADERS)}


def unknown_headers(rules: RuleSet) -> list[Problem]:
    """A warning (file:line) for each rule test on a header pith never sees, with the nearest known one."""
    out = []
    for rule in rules.rules:
        for leaf in _leaves(rule.condition):
            if leaf.kind != "tag" and not _seen(leaf.header):
                out.append(Problem(rule.origin.path, leaf.line or rule.origin.line, _message(leaf.header), "warning"))
    return out


def _seen(header: str) -> bool:
    return header in _KNOWN or header.startswith("x-") or header in ("message-id", "group")


def _message(header: str) -> str:
    close = difflib.get_close_matches(header, list(_KNOWN), n=1, cutoff=0.6)
    hint = f'; did you mean "{_KNOWN[close[0]]}"?' if close else ""
    return f'header "{header}" is not one pith ever sees (not in overviews, not a usual article header){hint}'


def _leaves(condition: Condition) -> Iterator[Leaf]:
    stack = [condition]
    while stack:
        c = stack.pop()
        if isinstance(c, Leaf):
            yield c
        elif isinstance(c, Not):
            stack.append(c.item)
        elif isinstance(c, (AllOf, AnyOf)):
            stack.extend(reversed(c.items))


def summary(rules: RuleSet, plugins: int, problems: list[Problem]) -> str:
    """Every kind of entry counted, then errors and warnings: what the file holds, at a glance."""
    detectors = sum((rules.detectors.pingpong, rules.detectors.dominated))
    parts = [_count(len(rules.rules), "score rule"),
             _count(len(rules.author_rules), "[[author]] entry", "[[author]] entries"),
             _count(len(rules.thread_rules), "[[thread]] rule"), _count(len(rules.caps), "cap"),
             _count(len(rules.tag_filters), "[[tag]] filter"), _count(len(rules.thresholds), "[[thresholds]] table"),
             _count(plugins, "plugin"), f"{detectors} detector(s) on"]
    errors = sum(1 for p in problems if p.severity == "error")
    return f"{', '.join(parts)}; {errors} error(s), {len(problems) - errors} warning(s)"


def _count(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"
