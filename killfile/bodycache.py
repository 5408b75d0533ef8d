"""Body-rule results remembered per article, so re-entering a group scans only new bodies.

A Body rule used to read, parse and scan every cached body on each entry (3.8 s
instead of 0.33 s on a 10,000-article list, issue 16). A body never changes once
cached, so whether a Body test matches it is known for good: each text test on
Body gets a key (a hash of what it tests, not of where it sits in score.toml),
and the store keeps (key, Message-ID) -> matched (store/bodyrules.py). Before
scoring, the caller loads what is known; the engine scans only the bodies that
miss a result for some key and records those in ``fresh``; the caller saves them.
A changed rule has a new key, so its bodies are scanned again.

Pure: no store here; the caller moves results in and out on its own thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from nntp.models import Article

from killfile.conditions import headers_of, leaves_of
from killfile.headers import needs_article
from killfile.kernels import as_list, indices_in
from killfile.matchers import TextMatcher
from killfile.model import Leaf, RuleSet
from killfile.scope import in_scope

TEXT_KINDS = ("contains", "equals", "regex")


def leaf_key(leaf: Leaf) -> str:
    """What a Body test tests, hashed: the same test anywhere in any file has the same key."""
    text = repr((leaf.header, leaf.kind, str(leaf.value), leaf.case))
    import hashlib  # only rules on Body need it, not every launch (issue 17)

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def body_leaves(rules: RuleSet, group: str) -> list[Leaf]:
    """The text tests on Body of the rules in scope for ``group``."""
    return [leaf for rule in rules.rules if in_scope(rule.scope, group)
            for leaf in leaves_of(rule.condition) if leaf.header == "body" and leaf.kind in TEXT_KINDS]


def all_body_keys(rules: RuleSet) -> set[str]:
    """Keys of every Body test of every rule, whatever its scope (the results worth keeping)."""
    return {leaf_key(leaf) for rule in rules.rules for leaf in leaves_of(rule.condition)
            if leaf.header == "body" and leaf.kind in TEXT_KINDS}


def only_bodies_needed(rules: RuleSet, has_plugins: bool) -> bool:
    """Whether whole articles are wanted for Body tests alone (then known results spare the parse)."""
    slow = {h for r in rules.rules for h in headers_of(r.condition) if h != "tag" and needs_article(h)}
    return slow == {"body"} and not has_plugins and not rules.tag_filters


@dataclass(slots=True)
class BodyHits:
    """Body-test results: ``known`` before this scoring (key -> Message-ID -> matched), ``fresh`` found by it."""

    known: dict[str, dict[str, bool]] = field(default_factory=dict)
    fresh: dict[str, dict[str, bool]] = field(default_factory=dict)

    def complete(self, keys: Iterable[str], message_ids: Iterable[str]) -> set[str]:
        """Message-IDs with a known result for every key (their bodies need no reading)."""
        tables = [self.known.get(k, {}) for k in set(keys)]
        if not tables:
            return set()
        return {m for m in message_ids if all(m in t for t in tables)}

    def scan(self, matcher: TextMatcher, message_ids: Sequence[str], full: Mapping[str, Article],
             full_idx: set[int]) -> tuple[dict[Leaf, set[int]], set[int]]:
        """Each leaf's matching articles and the articles judged: known ones from ``known``, the rest
        (with a cached body) scanned, their results put in ``fresh``. Article i's Message-ID is ``message_ids[i]``."""
        leaves = [leaf for group in matcher.leaves_of for leaf in group]
        keys = {leaf: leaf_key(leaf) for leaf in leaves}
        done = self.complete(keys.values(), message_ids)
        hits: dict[Leaf, set[int]] = {leaf: set() for leaf in leaves}
        known_idx = set(indices_in(as_list(message_ids), done)) if done else set()
        for leaf, key in keys.items():
            table = self.known.get(key, {})  # none known for a new key: nothing in known_idx either
            hits[leaf].update(i for i in known_idx if table[message_ids[i]])
        todo = sorted(i for i in full_idx if i not in known_idx)
        scanned = matcher.scan([full[message_ids[i]].body for i in todo], todo)
        for leaf, key in keys.items():
            found = scanned.get(leaf, set())
            hits[leaf] |= found
            self.fresh.setdefault(key, {}).update((message_ids[i], i in found) for i in todo)
        return hits, known_idx | set(todo)
