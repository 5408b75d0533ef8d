"""Rules the reader might want, proposed from a group's record and from the reader's own actions.

Each proposal is score.toml text with a one-line reason; ``evaluate`` scores the group
with the reader's rules plus that text, exactly as it would be scored once the text is
appended, and states the difference as an ``Effect``. A proposal that would change
nothing is dropped. Nothing here writes anything: accepting one is the caller's job,
and only on the reader's word. Pure: no store, no textual, no rich.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from killfile import engine
from killfile.emit import value
from killfile.facts import Facts

from killfile.model import RuleSet, UserState
from killfile.plugins import Plugin
from killfile.result import ScoreTable
from killfile.rules import parse_rules
from killfile.states import SEVERITY, ScoreState
from nntp.models import Article, Overview

Kind = Literal["author-cap", "pingpong", "dominated-thread", "crosspost-spray", "killed-subject",
               "never-read-author", "skipped-thread"]

CAP_PER_DAY = 3
"""An author over this many articles on one day (on ``CAP_DAYS`` days or more) gets a cap proposed."""
CAP_DAYS = 2
PINGPONG_REPLIES = 6
DOMINATED_MIN, DOMINATED_SHARE = 10, 0.5
SPRAY_GROUPS = 5
NEVER_READ_MIN, READ_ENOUGH = 5, 20
"""An author with this many articles, none read, while the reader read at least READ_ENOUGH."""
SKIPPED_MIN = 5
MAX_EACH = 4
"""At most this many proposals of one kind (the strongest), so a run stays fast."""
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'-]{3,}")
_STOP = frozenset("with from that this what have about your were there their which would could should "
                  "when where been into than them they just some more other only also".split())


@dataclass(frozen=True)
class Proposal:
    """A rule to offer: its kind, why, and the score.toml text to append."""

    kind: Kind
    reason: str
    toml: str


@dataclass(frozen=True)
class Effect:
    """What appending the rule does to the cached articles: how many more articles end up
    killed / hidden / read than now, and thread starters (visible now) no longer visible."""

    killed: int = 0
    hidden: int = 0
    read: int = 0
    starters_lost: int = 0

    def any(self) -> bool:
        return bool(self.killed or self.hidden or self.read)

    def as_json(self) -> dict[str, int]:
        return {"killed": self.killed, "hidden": self.hidden, "read": self.read,
                "starters_lost": self.starters_lost}

    def __str__(self) -> str:
        parts = [f"{n} {what}" for what, n in (("killed", self.killed), ("hidden", self.hidden),
                                               ("read", self.read)) if n]
        lost = f"; {self.starters_lost} thread starter(s) lost" if self.starters_lost else ""
        return ", ".join(parts) + lost


@dataclass(frozen=True)
class Suggestion:
    proposal: Proposal
    effect: Effect

    def as_json(self) -> dict[str, object]:
        p = self.proposal
        return {"kind": p.kind, "reason": p.reason, "rule": p.toml, "effect": self.effect.as_json()}


@dataclass(frozen=True)
class Record:
    """What proposals are drawn from: the cached articles, and what the reader did with them."""

    articles: Sequence[Overview]
    group: str
    read: Container[int] = frozenset()
    killed_threads: Sequence[str] = ()
    """Message-IDs of the reader's thread kills (killfile.d actions)."""
    facts: Facts = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "facts", Facts(self.articles))


# -- proposals ---------------------------------------------------------------------------------
def propose(record: Record) -> list[Proposal]:
    """Every kind of proposal, strongest first within each kind."""
    out: list[Proposal] = []
    for source in (author_caps, pingpong_pairs, dominated_threads, crosspost_sprays, killed_subjects,
                   never_read_authors, skipped_threads):
        out.extend(source(record)[:MAX_EACH])
    return out


def _header(kind: str, reason: str) -> str:
    return f"# suggested by `pith rules suggest` ({kind}): {reason}\n"


def _groups(record: Record) -> str:
    return f"groups = {value([record.group])}\n"


def author_caps(record: Record) -> list[Proposal]:
    facts = record.facts
    per_day = Counter(zip(facts.addresses, facts.utc_days))
    busy = Counter(a for (a, day), n in per_day.items() if n > CAP_PER_DAY and day >= 0 and a)
    out = []
    for address, days in busy.most_common():
        if days < CAP_DAYS:
            break
        reason = f"{address} posted more than {CAP_PER_DAY} articles a day on {days} days"
        out.append(Proposal("author-cap", reason, _header("author-cap", reason) +
                            f'[[cap]]\nname = {value(f"{CAP_PER_DAY} a day: {address}")}\n'
                            f"authors = {value([address])}\nper = \"day\"\nmax = {CAP_PER_DAY}\n" + _groups(record)))
    return out


def pingpong_pairs(record: Record) -> list[Proposal]:
    """Pairs of authors answering each other, parent to child, more than PINGPONG_REPLIES times."""
    facts = record.facts
    parents, addresses = facts.parents, facts.addresses
    pairs: Counter[tuple[str, str]] = Counter()
    for i, p in enumerate(parents):
        if p >= 0 and addresses[i] != addresses[p] and addresses[i] and addresses[p]:
            low, high = sorted((addresses[i], addresses[p]))
            pairs[low, high] += 1
    out = []
    for (a, b), n in pairs.most_common():
        if n <= PINGPONG_REPLIES:
            break
        reason = f"{a} and {b} answered each other {n} times"
        out.append(_rule("pingpong", reason, record, f"ping-pong {a} / {b}", -1000,
                         '{ tag = "pingpong" }', f'{{ header = "Address", equals = {value([a, b])} }}'))
    return out


def dominated_threads(record: Record) -> list[Proposal]:
    facts = record.facts
    per_thread: dict[int, Counter[str]] = defaultdict(Counter)
    for t, address in zip(facts.thread_ids, facts.addresses):
        per_thread[t][address] += 1
    found = []
    for t, authors in per_thread.items():
        size = sum(authors.values())
        address, n = authors.most_common(1)[0]
        if size >= DOMINATED_MIN and n > size * DOMINATED_SHARE:
            found.append((size, t, address, n))
    keys = _thread_keys(facts)
    out = []
    for size, t, address, n in sorted(found, reverse=True)[:MAX_EACH]:
        reason = f"{address} wrote {n} of the {size} articles of the thread {_subject_of(record, t)!r}"
        out.append(_thread_kill("dominated-thread", reason, keys[t]))
    return out


def crosspost_sprays(record: Record) -> list[Proposal]:
    sprays = sum(1 for a in record.articles if len(a.xref.split()) - 1 >= SPRAY_GROUPS)
    if not sprays:
        return []
    reason = f"{sprays} article(s) crossposted to {SPRAY_GROUPS} or more groups"
    pattern = r"(?:\s\S+:\d+)" + "{" + str(SPRAY_GROUPS) + ",}"
    return [_rule("crosspost-spray", reason, record, f"crossposted to {SPRAY_GROUPS}+ groups", -1000,
                  f"{{ header = \"Xref\", regex = '{pattern}' }}")]


def killed_subjects(record: Record) -> list[Proposal]:
    """A word in the subjects of two or more threads the reader killed by hand."""
    facts = record.facts
    thread_of = dict(zip(facts.message_ids, facts.thread_ids))
    for refs, t in zip(facts.references, facts.thread_ids):
        for ref in refs:
            thread_of.setdefault(ref, t)
    killed = {thread_of[m] for m in record.killed_threads if m in thread_of}
    words: Counter[str] = Counter()
    for t in killed:
        words.update({w.lower() for w in _WORD.findall(_subject_of(record, t))} - _STOP)
    out = []
    for word, n in words.most_common():
        if n < 2:
            break
        reason = f"you killed {n} threads whose subject says {word!r}"
        pattern = value("\\b" + re.escape(word) + "\\b")
        out.append(_rule("killed-subject", reason, record, f"subject {word}", -9999,
                         f'{{ header = "Subject", regex = {pattern} }}'))
    return out


def never_read_authors(record: Record) -> list[Proposal]:
    facts = record.facts
    numbers = facts.numbers
    read_count = sum(1 for n in numbers if n in record.read)
    if read_count < READ_ENOUGH:
        return []
    posted: Counter[str] = Counter(facts.addresses)
    read_by = Counter(a for a, n in zip(facts.addresses, numbers) if n in record.read)
    out = []
    for address, n in posted.most_common():
        if n < NEVER_READ_MIN:
            break
        if read_by[address] == 0 and address:
            reason = f"you read none of {address}'s {n} articles (and {read_count} others)"
            out.append(_rule("never-read-author", reason, record, f"never read: {address}", -1,
                             f'{{ header = "Address", equals = {value(address)} }}'))
    return out


def skipped_threads(record: Record) -> list[Proposal]:
    """Threads of SKIPPED_MIN or more articles, none read, all older than an article the reader read."""
    facts = record.facts
    last_read = max((n for n in facts.numbers if n in record.read), default=0)
    sizes: Counter[int] = Counter()
    newest: dict[int, int] = {}
    touched: set[int] = set()
    for t, n in zip(facts.thread_ids, facts.numbers):
        sizes[t] += 1
        newest[t] = max(newest.get(t, 0), n)
        if n in record.read:
            touched.add(t)
    keys = _thread_keys(facts)
    out: list[Proposal] = []
    for t, size in sizes.most_common():
        if size < SKIPPED_MIN:
            break
        if t not in touched and newest[t] < last_read and len(out) < MAX_EACH:
            reason = f"you skipped the thread {_subject_of(record, t)!r} ({size} articles, none read)"
            out.append(_thread_kill("skipped-thread", reason, keys[t]))
    return out


def _rule(kind: Kind, reason: str, record: Record, name: str, score: int, *tests: str) -> Proposal:
    """A [[rule]] for this group: ``score`` for articles that pass every one of ``tests`` (TOML inline tables)."""
    body = "".join(f"  {test},\n" for test in tests)
    return Proposal(kind, reason, _header(kind, reason) + f"[[rule]]\nname = {value(name)}\n" + _groups(record) +
                    f"score = {score}\nall = [\n{body}]\n")


def _thread_kill(kind: Kind, reason: str, root: str) -> Proposal:
    return Proposal(kind, reason, _header(kind, reason) +
                    f'[[thread]]\nmessage_id = {value(root)}\naction = "kill"\n')


def _thread_keys(facts: Facts) -> dict[int, str]:
    return dict(zip(facts.thread_ids, facts.thread_keys))


def _subject_of(record: Record, thread: int) -> str:
    """The Subject of the thread's earliest article (by number)."""
    facts = record.facts
    best = min((n, i) for i, (t, n) in enumerate(zip(facts.thread_ids, facts.numbers)) if t == thread)
    return re.sub(r"^(re:\s*)+", "", record.articles[best[1]].subject, flags=re.IGNORECASE)[:60]


# -- effects -----------------------------------------------------------------------------------
def starters(facts: Facts) -> list[bool]:
    """Articles without References whose thread holds an article by someone else (as caps spare)."""
    authors_of: dict[int, set[str]] = defaultdict(set)
    for t, a in zip(facts.thread_ids, facts.addresses):
        authors_of[t].add(a)
    return [not refs and len(authors_of[t]) > 1 for refs, t in zip(facts.references, facts.thread_ids)]


def states(table: ScoreTable) -> list[ScoreState]:
    """Every article's state, as ``ScoreTable.state`` gives it, in one pass (a score's state is
    worked out once per distinct score, then what was forced on an article overrides it)."""
    memo: dict[int, ScoreState] = {}
    out = [memo[s] if s in memo else memo.setdefault(s, table.limits.state(s)) for s in table.scores]
    for i, forced in table.forced.items():
        if SEVERITY[forced] > SEVERITY[out[i]]:
            out[i] = forced
    return out


def effect_of(before: Sequence[ScoreState], after: Sequence[ScoreState], is_starter: Sequence[bool]) -> Effect:
    """How many articles the change moved into each state (from ``before`` to ``after``, the
    states of each article), and thread starters it took out of sight."""
    moved = Counter(new for old, new in zip(before, after) if old != new)
    lost = sum(1 for old, new, s in zip(before, after, is_starter) if s and old.visible and not new.visible)
    return Effect(moved[ScoreState.KILLED], moved[ScoreState.HIDDEN], moved[ScoreState.READ], lost)


@dataclass(frozen=True)
class Scorer:
    """How the reader's group is scored today: rule file text (and its path, for plugins and
    messages), stored actions, plugins, the time, cached whole articles."""

    rules_text: str
    rules_path: str
    state: UserState
    now: datetime
    plugins: tuple[Plugin, ...] = ()
    full: Mapping[str, Article] | None = None

    def rules(self, extra: str = "") -> RuleSet:
        return parse_rules(self.rules_text + ("\n" + extra if extra else ""), self.rules_path)[0]

    def score(self, record: Record, extra: str = "") -> ScoreTable:
        return engine.score(record.articles, self.rules(extra), record.group, self.now, self.state, self.full,
                            self.plugins)


def evaluate(record: Record, scorer: Scorer, proposals: Sequence[Proposal]) -> list[Suggestion]:
    """Each proposal with its exact effect (the group scored with the text appended); no-ops dropped."""
    base = states(scorer.score(record))
    is_starter = starters(record.facts)
    out = []
    for proposal in proposals:
        effect = effect_of(base, states(scorer.score(record, proposal.toml)), is_starter)
        if effect.any():
            out.append(Suggestion(proposal, effect))
    return out
