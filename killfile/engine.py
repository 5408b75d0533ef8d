"""The scoring engine: a pure function of (articles, rules, now, stored state).

The same call serves the CLI, the TUI's worker and the tests. Steps, in order
(docs/rules.md explains them to users):
  1. tags that need no rule: Subject prefixes, Keywords, spoilers, the reader's
     own tags, noise detectors;
  2. file rules in file order (``set`` stops the file rules after it);
  3. author rules (plonk / boost), then thread rules (kill / watch);
  4. plugins; 5. tag filters (score, hide, show-only); 6. caps;
  7. thresholds turn the score into a state, unless something forced a state.
Every score change is recorded as an Applied entry, so an article's entries
always sum to its score.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from nntp.gcpause import gc_paused
from nntp.memtrim import give_back
from nntp.columns import Columns
from nntp.models import Article, Overview

from killfile import caps as caps_mod
from killfile import detectors, spoilers, tags
from killfile.bodycache import BodyHits
from killfile.evaluate import CompiledRules, LeafResults
from killfile.facts import Facts
from killfile.kernels import gather_codes, indices_in
from killfile.headers import extra_field
from killfile.model import (DEFAULT_LIMITS, SEVERITY, Applied, AuthorRule, Rule, RuleSet,
                            TagFilter, ThreadRule, UserState)
from killfile.plugins import ArticleView, Plugin, failure, outcome, readonly
from killfile.result import Limits, ScoreTable
from killfile.states import AppliedKind, ScoreState
from killfile.scope import in_scope
from killfile.threadrules import closure, live, whole_threads


def score(articles: Sequence[Overview], rules: RuleSet, group: str, now: datetime,
          state: UserState | None = None, full: Mapping[str, Article] | None = None,
          plugins: Sequence[Plugin] = (), body_hits: BodyHits | None = None) -> ScoreTable:
    """Score, tag and explain every article of one group.

    ``full`` maps Message-IDs to cached whole articles: rules on headers outside
    the overview (and body tests) are judged only on those. ``now`` decides
    expiry and Age; nothing here reads the clock, files or the network.
    """
    with gc_paused():  # hundreds of thousands of short-lived containers; see nntp.gcpause
        run = _Run(articles, rules, group, now, state or UserState(), full or {})
        run.body_hits = body_hits  # Body-test results known from earlier entries (killfile/bodycache.py)
        run.automatic_tags()
        run.file_rules()
        run.author_rules()
        run.thread_rules()
        run.plugins(plugins)
        run.tag_filters()
        run.caps()
        table = run.table
        del run  # free the per-article columns while the collector is off: it would walk them all
    give_back(len(table.articles))  # and hand their pages back: the reader reads on beside the rest
    return table


def limits_for(rules: RuleSet, group: str) -> Limits:
    """Thresholds for a group: defaults, overridden key by key by each matching table in order."""
    values = dict(DEFAULT_LIMITS)
    for table in rules.thresholds:
        if in_scope(table.scope, group):
            for key in values:
                value = getattr(table, key)
                if value is not None:
                    values[key] = value
    return Limits(**values)


@functools.lru_cache(maxsize=16)
def compile_rules(rules: tuple[Rule, ...]) -> CompiledRules:
    """Compiling RE2 sets costs milliseconds; a rule set is compiled once per group scope."""
    return CompiledRules(rules)


class _Run:
    def __init__(self, articles: Sequence[Overview], rules: RuleSet, group: str, now: datetime,
                 state: UserState, full: Mapping[str, Article]) -> None:
        self.arts = articles if isinstance(articles, (list, tuple, Columns)) else list(articles)
        self.rules, self.group, self.now, self.state, self.full = rules, group, now, state, full
        self.body_hits: BodyHits | None = None
        self.facts = Facts(self.arts)
        self.table = ScoreTable(self.arts, group, limits_for(rules, group), [0] * len(self.arts))
        self.tag_index = self.table.tag_index
        self._shared: dict[tuple[str, str, int, AppliedKind, ScoreState | None, str], Applied] = {}
        self._head_tags: dict[str, tuple[str, ...]] = {}

    # -- bookkeeping ------------------------------------------------------
    def entry(self, rule: str, source: str, delta: int, kind: AppliedKind, force: ScoreState | None = None,
              note: str = "") -> Applied:
        key = (rule, source, delta, kind, force, note)
        found = self._shared.get(key)
        if found is None:
            found = self._shared[key] = Applied(rule, source, delta, kind, note, force)
        return found

    def apply(self, indices: Collection[int], applied: Applied) -> None:
        """Log the application, add its delta, note a forced state; explanations are built later."""
        if not indices:
            return
        self.table.applications.append((applied, indices))
        self.table._entries = None
        scores, delta = self.table.scores, applied.delta
        if delta:
            for i in indices:
                scores[i] += delta
        force = applied.force
        if force is not None:
            forced, level = self.table.forced, force.severity
            for i in indices:
                if level > SEVERITY[forced.get(i, ScoreState.NORMAL)]:
                    forced[i] = force

    def tag(self, indices: Collection[int], name: str) -> None:
        if indices:
            self.tag_index.setdefault(name, set()).update(indices)
            self.table._tags = None

    # -- 1. tags without rules ---------------------------------------------
    def automatic_tags(self) -> None:
        """Subject prefix, Keywords and spoiler tags. They show in ``tags`` but add no explain
        entry (there is no score change to explain, and a big list would carry one per article)."""
        auto = self.rules.autotags
        found: dict[str, set[int]] = {}
        for name, indices in self._subject_tag_index().items():
            found.setdefault(name, set()).update(indices)
        if auto.keywords:
            for i, extra in self.facts.extras.items():
                for name in tags.keyword_tags(extra_field(extra, "keywords") or ""):
                    found.setdefault(name, set()).add(i)
        self._tags_from_full(found)
        for name, members in found.items():
            self.tag(members, name)
        self._user_tags()
        self._detectors()

    def _subject_tag_index(self) -> dict[str, list[int]]:
        """Tag -> articles, from Subject prefixes and spoiler marks.

        Tags depend only on the distinct subjects, so they are worked out once per
        subject; one pass then gathers the articles of each distinct tag list.
        """
        codes, distinct = self.facts.subject_codes
        per_subject = [self._cached_tags(s) or None for s in distinct]
        out: dict[str, list[int]] = {}
        for names, indices in gather_codes(codes, per_subject).items():
            for name in names:
                out.setdefault(name, []).extend(indices)
        return out

    def _cached_tags(self, subject: str) -> tuple[str, ...]:
        if "[" not in subject and "poiler" not in subject:
            return ()
        head = subject if "poiler" in subject else subject[: subject.rfind("]", 0, 120) + 1]
        names = self._head_tags.get(head)
        if names is None:
            names = self._head_tags[head] = tuple(self._subject_tags(head))
        return names

    def _subject_tags(self, subject: str) -> list[str]:
        auto = self.rules.autotags
        names = tags.subject_tags(subject) if auto.subject_prefixes else []
        if auto.spoilers and "spoiler" not in names and spoilers.subject_is_spoiler(subject):
            names.append("spoiler")
        return names

    def _tags_from_full(self, found: dict[str, set[int]]) -> None:
        auto = self.rules.autotags
        if not self.full:
            return
        ids, extras = self.facts.message_ids, self.facts.extras
        for i in indices_in(ids, self.full):
            article = self.full[ids[i]]
            if auto.keywords and i not in extras:
                for name in tags.keyword_tags(article.header("keywords")):
                    found.setdefault(name, set()).add(i)
            if auto.spoilers and spoilers.detect(self.facts.subject(i), article.body).is_spoiler:
                found.setdefault("spoiler", set()).add(i)

    def _user_tags(self) -> None:
        message_tags, thread_tags = self.state.message_tags, self.state.thread_tags
        if message_tags:
            keys = self.facts.keys_of(set(message_tags))
            for i in self.facts.having(set(keys)):
                for name in message_tags[keys[self.facts.own_keys[i]]]:
                    self.tag([i], name)
                    self.apply([i], self.entry(f"tag {name}", "your tag on this article", 0, "usertag"))
        if thread_tags:
            for i, roots in closure(self.facts, thread_tags).items():
                for root in sorted(roots):
                    for name in sorted(thread_tags[root]):
                        self.tag([i], name)
                        self.apply([i], self.entry(f"tag {name}", f"your tag on thread {root}", 0, "usertag"))

    def _detectors(self) -> None:
        config = self.rules.detectors
        if config.pingpong:
            hit = detectors.pingpong(self.facts, config)
            self.tag(hit, "pingpong")
            self.apply(hit, self.entry("detector pingpong", f"more than {config.pingpong_replies} "
                                       "answers in a row between two authors", 0, "detector"))
        if config.dominated:
            hit = detectors.dominated(self.facts, config)
            self.tag(hit, "dominated")
            self.apply(hit, self.entry("detector dominated", f"one author wrote over {config.dominated_percent:g}% "
                                       f"of a thread of {config.dominated_min}+", 0, "detector"))

    # -- 2. file rules --------------------------------------------------------
    def file_rules(self) -> None:
        active = tuple(r for r in self.rules.rules if in_scope(r.scope, self.group))
        if not active:
            return
        compiled = compile_rules(active)
        results = LeafResults(compiled, self.arts, self.group, self.now, self.full, self.facts, self.body_hits)
        stopped: set[int] = set()
        for rule, slow in zip(compiled.rules, compiled.slow):
            if rule.expiry.at is not None and rule.expiry.at <= self.now:
                self.table.notes.append(f'rule "{rule.key}" ({rule.origin}) expired on {rule.expiry.at:%Y-%m-%d}')
                continue
            within = results.evaluable(slow)
            if within is not None:
                self.table.unevaluated.append((rule, within))
            matched = results.matched(rule.condition, self.tag_index, within) - stopped
            if rule.expiry.idle_days is not None and self._idle_expired(rule, matched):
                continue
            self._apply_rule(rule, matched, stopped)

    def _idle_expired(self, rule: Rule, matched: set[int]) -> bool:
        dates = [d for d in map(self.facts.date, matched) if d is not None]
        last = max([d for d in (self.state.last_match.get(rule.key), *dates) if d is not None], default=None)
        if last is None:
            return False
        self.table.last_match[rule.key] = last
        if self.now - last > timedelta(days=rule.expiry.idle_days or 0):
            self.table.notes.append(f'rule "{rule.key}" ({rule.origin}) expired: no match since {last:%Y-%m-%d}')
            return True
        return False

    def _apply_rule(self, rule: Rule, matched: set[int], stopped: set[int]) -> None:
        name, source = rule.name or f"rule at {rule.origin}", str(rule.origin)
        if rule.set_to is not None:
            scores = self.table.scores
            by_delta: dict[int, list[int]] = {}
            for i in sorted(matched):
                by_delta.setdefault(rule.set_to - scores[i], []).append(i)
            for delta, indices in sorted(by_delta.items()):
                self.apply(indices, self.entry(name, source, delta, "rule", note=f"set {rule.set_to}"))
            stopped |= matched
        else:
            self.apply(matched, self.entry(name, source, rule.add, "rule"))
        for tag_name in rule.tags:
            self.tag(matched, tag_name)

    # -- 3. author and thread rules --------------------------------------------
    def author_rules(self) -> None:
        rules = [r for r in live((*self.rules.author_rules, *self.state.author_rules), self.now)
                 if in_scope(r.scope, self.group)]
        if not rules:
            return
        wanted: dict[str, list[AuthorRule]] = {}
        for rule in rules:
            wanted.setdefault(rule.address, []).append(rule)
        settings = self.rules.settings
        for i, address in enumerate(self.facts.addresses):
            for rule in wanted.get(address, ()):
                delta = rule.delta or (settings.plonk_score if rule.action == "plonk" else settings.boost_score)
                self.apply([i], self.entry(f"{rule.action or 'score'} {address}", str(rule.origin), delta, "author"))

    def thread_rules(self) -> None:
        rules = live((*self.rules.thread_rules, *self.state.thread_rules), self.now)
        if not rules:
            return
        by_root: dict[tuple[str, bool], list[ThreadRule]] = {}
        for rule in rules:
            by_root.setdefault((rule.message_id, rule.subthread), []).append(rule)
        settings = self.rules.settings
        for i, roots in self._thread_rule_hits(by_root):
            for root in sorted(roots):
                for rule in by_root[root]:
                    kill = rule.action == "kill"
                    what = f"{'kill' if kill else 'watch'} {'subthread' if rule.subthread else 'thread'} {root[0]}"
                    delta = settings.thread_kill_score if kill else settings.thread_watch_score
                    self.apply([i], self.entry(what, str(rule.origin), delta, "thread",
                                               ScoreState.KILLED if kill else None))

    def _thread_rule_hits(self, keys: Iterable[tuple[str, bool]]) -> list[tuple[int, set[tuple[str, bool]]]]:
        """(article, the (Message-ID, subthread) keys covering it): whole threads by the engine's thread
        identity, subthreads by Message-ID closure."""
        whole = whole_threads(self.facts, {m for m, sub in keys if not sub})
        hits = {i: {(m, False) for m in ids} for i, ids in whole.items()}
        below = {m for m, sub in keys if sub}
        for i, ids in closure(self.facts, below).items():
            hits.setdefault(i, set()).update((m, True) for m in ids)
        return sorted(hits.items())

    # -- 4. plugins -----------------------------------------------------------------
    def plugins(self, plugins: Sequence[Plugin]) -> None:
        active = [p for p in plugins if in_scope(p.spec.scope, self.group)]
        if not active:
            return
        views = self._views()
        for plugin in active:
            try:
                results = [outcome(plugin.function(view)) for view in views]
            except Exception as exc:  # the plugin's bug, not ours: report and go on
                problem = failure(plugin.spec, exc, "raised")
                self.table.problems.append(problem)
                self.table.notes.append(str(problem))
                continue
            for i, (delta, plugin_tags) in enumerate(results):
                if delta or plugin_tags:
                    self.apply([i], self.entry(f"plugin {plugin.name}", plugin.spec.path, delta, "plugin"))
                    for tag_name in plugin_tags:
                        self.tag([i], tags.normalize_tag(tag_name))

    def _views(self) -> list[ArticleView]:
        facts = self.facts
        sizes = facts.thread_sizes
        posts = Counter(facts.addresses)
        in_thread = Counter(zip(facts.addresses, facts.thread_ids))
        views = []
        for i, a in enumerate(self.arts):
            full = self.full.get(a.message_id)
            headers = {k.lower(): v for k, v in (full.headers if full else ())}
            headers.update({"subject": a.subject, "from": a.author, "message-id": a.message_id,
                            "references": " ".join(a.references), "xref": a.xref})
            headers.update({k.lower(): v for k, v in a.extra})
            thread, address = facts.thread_ids[i], facts.addresses[i]
            views.append(ArticleView(a.number, a.message_id, a.subject, a.author, address, a.date, a.references,
                                     a.lines, a.bytes, self.group, readonly(headers), full.body if full else None,
                                     facts.thread_keys[i], sizes[thread], len(a.references), posts[address],
                                     in_thread[(address, thread)],
                                     frozenset(self.table.tags(i))))
        return views

    # -- 5. tag filters, 6. caps ---------------------------------------------------------
    def tag_filters(self) -> None:
        only: list[TagFilter] = []
        for f in self.rules.tag_filters:
            if not in_scope(f.scope, self.group):
                continue
            indices = self.tag_index.get(f.tag, set())
            if f.delta or f.hide:
                entry = self.entry(f"tag {f.tag}", str(f.origin), f.delta, "tag",
                                   ScoreState.HIDDEN if f.hide else None)
                self.apply(indices, entry)
            if f.only:
                only.append(f)
        if only:
            keep = set().union(*(self.tag_index.get(f.tag, set()) for f in only))
            names = ", ".join(sorted({f.tag for f in only}))
            hide = self.entry(f"show only tag {names}", str(only[0].origin), 0, "tag", ScoreState.HIDDEN)
            self.apply([i for i in range(len(self.arts)) if i not in keep], hide)

    def caps(self) -> None:
        active = [c for c in (*self.rules.caps, *self.state.caps) if in_scope(c.scope, self.group)]
        over = [(cap, caps_mod.over_cap(cap, self.facts, self.table.scores)) for cap in active]
        for cap, indices in over:
            spared = caps_mod.starters(self.facts, indices) if cap.spares_starters and indices else set()
            force = ScoreState.HIDDEN if cap.delta is None else None
            self.apply(sorted(set(indices) - spared), self.entry(f"cap {cap.name}", str(cap.origin), cap.delta or 0,
                                                                 "cap", force, note=f"over {cap.max} per {cap.per}"))
            if spared:
                self.apply(sorted(spared), self.entry(f"cap {cap.name} waived", str(cap.origin), 0, "cap",
                                                      note=f"over {cap.max} per {cap.per}, but it starts a thread "
                                                           "others replied to (spare = \"starters\")"))
