"""The killfile's typed records: parsed rules, stored user state, and scoring results.

Everything here is frozen so a RuleSet compiled once can be shared between the
TUI's scoring worker and the CLI, and so the engine stays a pure function of
(articles, rules, now, stored state).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Union

from killfile.states import SEVERITY as SEVERITY  # re-exported: defined here before killfile/states.py
from killfile.states import (AppliedKind, AuthorAction, CapKeep, CapSpare, CapWindow, LeafKind, ScoreState,
                             Severity, ThreadAction)

STATES = tuple(ScoreState)
"""Article states, most severe first; JSON uses exactly these words."""

EMPTY_MAP: Mapping[str, frozenset[str]] = {}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a rule file, with the place it was found."""

    path: str
    line: int
    message: str
    severity: Severity = "error"
    """``error`` (the rule is dropped) or ``warning`` (the rule applies, maybe not as meant)."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


@dataclass(frozen=True, slots=True)
class Leaf:
    """One test on one header (or on a tag)."""

    header: str
    """Canonical lower-case header name (``from``, ``subject``, ``lines``, ``age``, ``body``...)."""
    kind: LeafKind
    """contains, equals, regex (text); gt, ge, lt, le, eq (numbers, Age in days); before, after
    (Date); tag (has the tag)."""
    value: str | float | datetime
    case: bool = False
    """True: case-sensitive. Text tests are case-insensitive by default, as in slrn."""
    line: int = 0


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every item matches (an empty AllOf matches everything)."""

    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one item matches."""

    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Condition


Condition = Union[Leaf, AllOf, AnyOf, Not]


@dataclass(frozen=True, slots=True)
class Scope:
    """A wildmat group list: patterns tried in order, the last one that matches decides."""

    patterns: tuple[str, ...] = ()
    """Empty: every group. ``!pat`` excludes; a list that starts with ``!`` starts from ``*``."""


@dataclass(frozen=True, slots=True)
class Expiry:
    """When a rule stops applying."""

    at: datetime | None = None
    """Fixed end (aware UTC)."""
    idle_days: float | None = None
    """Ends this many days after the newest article it matched (never, while it never matched)."""


@dataclass(frozen=True, slots=True)
class Origin:
    """Where something came from, for explain: ``path:line`` of the table."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Rule:
    """A score rule from score.toml (or an import)."""

    name: str
    origin: Origin
    condition: Condition
    scope: Scope = Scope()
    add: int = 0
    set_to: int | None = None
    """``set = N``: the score becomes N and later file rules are skipped (slrn's ``=N``)."""
    tags: tuple[str, ...] = ()
    expiry: Expiry = Expiry()

    @property
    def key(self) -> str:
        """Identity for remembered state (last match): the name, else file:line."""
        return self.name or str(self.origin)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Score limits for a group scope; unset keys fall through to earlier tables and defaults."""

    origin: Origin
    scope: Scope = Scope()
    kill: int | None = None
    hide: int | None = None
    read: int | None = None
    high: int | None = None


DEFAULT_LIMITS = {"kill": -9999, "hide": -1000, "read": -1, "high": 1}
"""score <= kill: killed; <= hide: hidden; <= read: read; >= high: high (slrn-like defaults)."""


@dataclass(frozen=True, slots=True)
class Cap:
    """At most ``max`` articles per author per window (day/week/month) or per thread."""

    name: str
    origin: Origin
    per: CapWindow
    max: int
    scope: Scope = Scope()
    keep: CapKeep = "first"
    """``first``: the earliest stay; ``best``: the highest-scored stay."""
    delta: int | None = None
    """Score change for articles over the cap; None: hide them (score unchanged)."""
    exempt: frozenset[str] = frozenset()
    """Normalised addresses never capped."""
    timezone: str = "UTC"
    authors: frozenset[str] = frozenset()
    """Normalised addresses this cap is for; empty: every author (the reader's C key caps one)."""
    spare: CapSpare | None = None
    """``starters``: a thread's root that others replied to stays (the cap is waived for it);
    ``none``: no article is spared; None: ``starters`` for a hiding cap, ``none`` for a scoring one."""

    @property
    def spares_starters(self) -> bool:
        """Whether thread starters are spared: a hiding cap must not erase a thread with others' replies."""
        return self.spare == "starters" or (self.spare is None and self.delta is None)


@dataclass(frozen=True, slots=True)
class TagFilter:
    """What a tag does: add to the score, hide, or be the only thing shown."""

    tag: str
    origin: Origin
    scope: Scope = Scope()
    delta: int = 0
    hide: bool = False
    only: bool = False


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    """Noise detectors: they only tag; a [[tag]] filter or rule decides what tags do."""

    pingpong: bool = True
    pingpong_replies: int = 6
    """Tag when two authors answer each other more than this many times in a row."""
    dominated: bool = True
    dominated_percent: float = 50.0
    """Tag a thread where one author wrote more than this share of it..."""
    dominated_min: int = 10
    """...and the thread has at least this many articles."""


@dataclass(frozen=True, slots=True)
class AutoTags:
    subject_prefixes: bool = True
    keywords: bool = True
    spoilers: bool = True


@dataclass(frozen=True, slots=True)
class ThreadRule:
    """Kill or watch every article that references ``message_id`` (and that article itself)."""

    message_id: str
    action: ThreadAction
    origin: Origin
    expires: datetime | None = None
    subthread: bool = False
    """Informational: the rule was made from a reply, so it covers that reply's subtree only."""


@dataclass(frozen=True, slots=True)
class AuthorRule:
    """Plonk or boost one author by normalised address."""

    address: str
    delta: int
    origin: Origin
    scope: Scope = Scope()
    expires: datetime | None = None
    action: AuthorAction = ""
    """``plonk`` / ``boost`` / empty for a plain score, for explain."""


@dataclass(frozen=True, slots=True)
class PluginSpec:
    path: str
    origin: Origin
    scope: Scope = Scope()


@dataclass(frozen=True, slots=True)
class Settings:
    thread_kill_score: int = -9999
    thread_watch_score: int = 1000
    plonk_score: int = -9999
    boost_score: int = 100


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Everything one rule file says, already validated. Broken entries are left out."""

    rules: tuple[Rule, ...] = ()
    thresholds: tuple[Thresholds, ...] = ()
    caps: tuple[Cap, ...] = ()
    tag_filters: tuple[TagFilter, ...] = ()
    thread_rules: tuple[ThreadRule, ...] = ()
    author_rules: tuple[AuthorRule, ...] = ()
    plugins: tuple[PluginSpec, ...] = ()
    detectors: DetectorConfig = DetectorConfig()
    autotags: AutoTags = AutoTags()
    settings: Settings = Settings()
    path: str = ""


@dataclass(frozen=True, slots=True)
class UserState:
    """What pith stored for the reader (thread kills, plonks, tags), keyed by Message-ID/address.

    A frozen value the store can build; the engine never reads files itself.
    """

    thread_rules: tuple[ThreadRule, ...] = ()
    author_rules: tuple[AuthorRule, ...] = ()
    message_tags: Mapping[str, frozenset[str]] = field(default_factory=dict)
    thread_tags: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Tags on a thread root's Message-ID: they apply to every article that references it."""
    caps: tuple[Cap, ...] = ()
    """Caps on single authors set from the reader (C) or `pith rules cap-author`."""
    last_match: Mapping[str, datetime] = field(default_factory=dict)
    """Rule key -> date of the newest article it matched (for idle expiry)."""


@dataclass(frozen=True, slots=True)
class Applied:
    """One line of an explanation: what applied to an article, from where, and by how much."""

    rule: str
    source: str
    delta: int
    kind: AppliedKind = "rule"
    note: str = ""
    force: ScoreState | None = None
    """A state this entry forces (``hidden`` for a cap, ``killed`` for a thread kill)."""


@dataclass(frozen=True, slots=True)
class ArticleScore:
    """The verdict on one article."""

    number: int
    message_id: str
    score: int
    state: ScoreState
    tags: tuple[str, ...]
    matched: tuple[Applied, ...]
    notes: tuple[str, ...] = ()
    """Things that did not apply and why (rules that need the article, expired rules)."""
