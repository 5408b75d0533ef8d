"""Rule conditions evaluated as set algebra over article indices.

Each leaf (one test on one header) yields the set of articles it matches; AND,
OR and NOT combine those sets, with NOT kept symbolic (a set plus a "negated"
flag) until the end, so a rule costs time in proportion to what it matches,
not to rules x articles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from nntp.models import Article, Overview

from killfile.bodycache import BodyHits
from killfile.facts import Facts
from killfile.conditions import NUMBER_KINDS, headers_of, leaves_of
from killfile.headers import needs_article, newsgroups_of, overview_text, slow_value
from killfile.kernels import indices_in
from killfile.matchers import ReferenceTexts, TextMatcher
from killfile.model import AllOf, Condition, Leaf, Not, Rule

Hits = tuple[set[int], bool]
"""(indices, negated): negated means "every article except these"."""


class CompiledRules:
    """The rules in scope for one group, with their text tests compiled per header."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        leaves = [leaf for rule in self.rules for leaf in leaves_of(rule.condition)]
        by_header: dict[str, list[Leaf]] = {}
        for leaf in leaves:
            if leaf.kind in ("contains", "equals", "regex"):
                by_header.setdefault(leaf.header, []).append(leaf)
        self.text = {h: TextMatcher(h, ls) for h, ls in by_header.items()}
        self.other = [leaf for leaf in leaves if leaf.kind not in ("contains", "equals", "regex", "tag")]
        self.slow = [frozenset(h for h in headers_of(r.condition) if h != "tag" and needs_article(h))
                     for r in self.rules]


class LeafResults:
    """Every leaf's matches for one run, plus which articles can answer each slow header."""

    def __init__(self, compiled: CompiledRules, articles: Sequence[Overview], group: str, now: datetime,
                 full: Mapping[str, Article], facts: Facts | None = None, body: BodyHits | None = None) -> None:
        facts = facts or Facts(articles)
        self.n = len(articles)
        self.hits: dict[Leaf, set[int]] = {}
        self.available: dict[str, set[int]] = {}
        full_idx = set(indices_in(facts.message_ids, full)) if full else set()
        for header, matcher in compiled.text.items():
            if header == "body" and body is not None:  # known results, only new bodies scanned
                found, self.available["body"] = body.scan(matcher, facts.message_ids, full, full_idx)
                self.hits.update(found)
            elif needs_article(header):
                indices, values = self._slow_values(facts, header, full, full_idx)
                self.hits.update(matcher.scan(values, indices))
            elif header in ("subject", "from"):
                coded = facts.subject_codes if header == "subject" else facts.author_codes
                self.hits.update(matcher.scan_coded(*coded))
            else:
                self.hits.update(matcher.scan(_fast_values(facts, header, group)))
        for leaf in compiled.other:
            self.hits[leaf] = _numeric(leaf, facts, now)
        for slow in compiled.slow:
            for header in slow:
                if header not in self.available:
                    self._slow_values(facts, header, full, full_idx)

    def _slow_values(self, facts: Facts, header: str, full: Mapping[str, Article],
                     full_idx: set[int]) -> tuple[list[int], list[str]]:
        """The header's value for each article that has one: from an overview extra field or a cached article."""
        indices: list[int] = []
        values: list[str] = []
        extras = facts.extras if header != "body" else {}
        for i in sorted(full_idx.union(extras)):
            value = slow_value(extras.get(i, ()), full.get(facts.message_ids[i]) if i in full_idx else None, header)
            if value is not None:
                indices.append(i)
                values.append(value)
        self.available[header] = set(indices)
        return indices, values

    def evaluable(self, slow: frozenset[str]) -> set[int] | None:
        """Articles a rule with these slow headers can be judged on (None: all of them)."""
        if not slow:
            return None
        sets = [self.available.get(h, set()) for h in slow]
        return set.intersection(*sets)

    def evaluate(self, condition: Condition, tag_index: Mapping[str, set[int]]) -> Hits:
        """The articles a condition matches, as (set, negated)."""
        if isinstance(condition, Leaf):
            if condition.kind == "tag":
                return set(tag_index.get(str(condition.value), ())), False
            return self.hits.get(condition, set()), False
        if isinstance(condition, Not):
            found, negated = self.evaluate(condition.item, tag_index)
            return found, not negated
        parts = [self.evaluate(c, tag_index) for c in condition.items]
        return _and(parts) if isinstance(condition, AllOf) else _or(parts)

    def matched(self, condition: Condition, tag_index: Mapping[str, set[int]], within: set[int] | None) -> set[int]:
        """Concrete matched indices, limited to ``within`` when given."""
        found, negated = self.evaluate(condition, tag_index)
        if within is not None:
            return within - found if negated else found & within
        return set(range(self.n)) - found if negated else set(found)


def _and(parts: list[Hits]) -> Hits:
    if not parts:
        return set(), True  # all of nothing: everything
    positive = [s for s, neg in parts if not neg]
    negative = [s for s, neg in parts if neg]
    exclude = set().union(*negative) if negative else set()
    if positive:
        base = set.intersection(*sorted(positive, key=len)) if len(positive) > 1 else set(positive[0])
        return base - exclude, False
    return exclude, True


def _or(parts: list[Hits]) -> Hits:
    positive = [s for s, neg in parts if not neg]
    negative = [s for s, neg in parts if neg]
    include = set().union(*positive) if positive else set()
    if negative:
        keep_out = set.intersection(*negative) if len(negative) > 1 else set(negative[0])
        return keep_out - include, True
    return include, False


def _fast_values(facts: Facts, header: str, group: str) -> Sequence[str]:
    """Each article's text for an overview header (Subject and From go by their codes instead)."""
    coded = facts.texts(header)
    if coded is not None:
        return coded
    if header == "message-id":
        return facts.message_ids
    if header == "xref":
        return facts.xrefs
    if header == "references":
        return ReferenceTexts(facts.references)
    if header == "address":
        return facts.addresses
    if header == "group":
        return [group] * len(facts.articles)
    if header == "newsgroups":
        extras = facts.extras
        return [newsgroups_of(extras.get(i, ()), xref, group) for i, xref in enumerate(facts.xrefs)]
    return [overview_text(a, header, group) for a in facts.articles]  # Date (and Parent of records): one by one


def _numeric(leaf: Leaf, facts: Facts, now: datetime) -> set[int]:
    """Lines / Bytes / Age (days) comparisons and Date before/after, on the facts' columns."""
    if leaf.kind in ("before", "after"):
        assert isinstance(leaf.value, datetime)  # the rule parser made it one
        edge = leaf.value.timestamp()
        stamps = facts.timestamps
        if leaf.kind == "before":
            return {i for i, t in enumerate(stamps) if t is not None and t < edge}
        return {i for i, t in enumerate(stamps) if t is not None and t >= edge}
    test = _COMPARE[leaf.kind]
    assert not isinstance(leaf.value, datetime)  # a number (or its text), as the rule parser checked
    limit = float(leaf.value)
    if leaf.header == "age":
        stamp = now.timestamp()
        return {i for i, t in enumerate(facts.timestamps) if t is not None and test((stamp - t) / 86400.0, limit)}
    values = facts.lines if leaf.header == "lines" else facts.sizes
    return {i for i, v in enumerate(values) if test(v, limit)}


_COMPARE = {
    "gt": lambda x, y: x > y, "ge": lambda x, y: x >= y, "lt": lambda x, y: x < y,
    "le": lambda x, y: x <= y, "eq": lambda x, y: x == y,
}
assert set(_COMPARE) == set(NUMBER_KINDS)
