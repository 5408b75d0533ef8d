"""Scoring speed: 150,000 and 1,000,000 synthetic overview records, 200 rules, 20 thread kills, 3 caps.

    .venv/bin/python bench/score_bench.py            # both sizes, each in its own process
    .venv/bin/python bench/score_bench.py --size 150000

Prints the time of one ``killfile.engine.score`` call (cold: RE2 compile
included; warm: the rule set already compiled, as when re-entering a group;
gc-frozen: after ``gc.freeze()``, so the cyclic collector no longer rescans a
million long-lived overview records during the call, which it otherwise does
whatever code happens to run), wall and CPU seconds, and the peak RSS of the
process that did it (resource.getrusage; the records themselves included). Then the
same articles as ``nntp.columns.Columns`` (``from_records``: what the reader and the
CLI hand the engine, issue 17), scored warm, beside the records' warm figure, and the
memory one call allocates at its peak (tracemalloc, Python allocations only) either way.
Timing only: nothing here asserts, so a slow machine never fails a build.

The data looks like a busy mailing-list group: threads of 1-20 articles with
"Re:" subjects and full References, a few very prolific authors among many
occasional ones, list tags in the Subject, Xref lines. The rules mix 100
substring and 100 regex tests over Subject, From, Message-ID, References
and Xref; most match a small share of articles, as real kill rules do.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from killfile import kernels  # noqa: E402
from killfile.engine import score  # noqa: E402
from killfile.model import RuleSet  # noqa: E402
from killfile.model import Origin, ThreadRule, UserState  # noqa: E402
from killfile.rules import parse_rules  # noqa: E402
from nntp.columns import from_records  # noqa: E402
from nntp.models import Overview  # noqa: E402

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
WORDS = ("kernel patch driver memory scheduler network review build release bug regression fix docs "
         "policy board election funding chapter draft proposal vote wiki meeting budget").split()


def make_articles(n: int, seed: int = 1) -> list[Overview]:
    rng = random.Random(seed)
    authors = [f"Person {i} <person{i}@example{i % 97}.org>" for i in range(max(50, n // 25))]
    weights = [1.0 / (1 + i) ** 0.8 for i in range(len(authors))]
    picks = iter(rng.choices(authors, weights, k=n))
    arts: list[Overview] = []
    number = 0
    while number < n:
        size = min(n - number, rng.randint(1, 20))
        topic = " ".join(rng.sample(WORDS, 3))
        subject = f"[list-{rng.randint(1, 5)}] {topic} {number}"
        root = f"<{number + 1}.{rng.getrandbits(32):x}@mail.example.org>"
        ids: list[str] = []
        when = T0 + timedelta(minutes=number * 3)
        for k in range(size):
            number += 1
            msgid = root if k == 0 else f"<{number}.{rng.getrandbits(32):x}@mail.example.org>"
            parent = rng.randrange(len(ids)) if ids else -1
            chain = ids[: parent + 1]
            refs = () if parent < 0 else tuple(chain if len(chain) <= 8 else chain[:1] + chain[-7:])  # RFC 5537 trim
            author = next(picks)
            when += timedelta(minutes=rng.randint(1, 600))
            arts.append(Overview(number, subject if k == 0 else "Re: " + subject, author, when, msgid, refs,
                                 rng.randint(800, 20000), rng.randint(3, 400), f"news.example.org list.{k % 3}:{number}"))
            ids.append(msgid)
    return arts


def make_rules(arts: list[Overview], seed: int = 2) -> str:
    rng = random.Random(seed)
    parts = []
    for i in range(200):
        sample = rng.choice(arts)
        header, text = rng.choice([
            ("Subject", f"{rng.choice(WORDS)} {rng.choice(WORDS)}"),
            ("From", sample.author.split("<")[-1].rstrip(">")),  # "Name <a@b>", or "a@b (Name)" whole
            ("Message-ID", sample.message_id.split("@")[0][1:] + "@"),
            ("Xref", f"list.{rng.randint(0, 2)}:{rng.randint(1, len(arts))}"),
            ("References", sample.message_id),
        ])
        if i % 2:
            kind, value = "regex", "\\b" + text.replace(".", "\\.").replace(" ", "\\s+") + "\\b"
        else:
            kind, value = "contains", text
        cond = "{ header = %s, %s = %s }" % (_q(header), kind, _q(value))
        parts.append(f'[[rule]]\nname = "r{i}"\nscore = {rng.choice([-9999, -500, -50, 10, 100])}\n'
                     f"all = [{cond}]\n")
    parts.append('[[cap]]\nname = "3 a day"\nper = "day"\nmax = 3\n')
    parts.append('[[cap]]\nname = "30 a month"\nper = "month"\nmax = 30\nkeep = "best"\n')
    parts.append('[[cap]]\nname = "5 per thread"\nper = "thread"\nmax = 5\nscore = -20\n')
    return "\n".join(parts)


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def thread_kills(arts: list[Overview], seed: int = 3) -> UserState:
    rng = random.Random(seed)
    roots = [a.message_id for a in arts if not a.references]
    rules = tuple(ThreadRule(m, "kill", Origin("bench", k)) for k, m in enumerate(rng.sample(roots, 20)))
    return UserState(thread_rules=rules)


def run(size: int) -> None:
    t = time.perf_counter()
    arts = make_articles(size)
    rules, problems = parse_rules(make_rules(arts), "bench.toml")
    assert not problems, problems[:3]
    state = thread_kills(arts)
    made = time.perf_counter() - t
    now = arts[-1].date + timedelta(days=1)  # type: ignore[operator]
    cold, cold_cpu, table = _timed(lambda: score(arts, rules, "list.0", now, state))
    warm, warm_cpu, table = _timed(lambda: score(arts, rules, "list.0", now, state))
    gc.freeze()  # what an app does after loading a group: the cyclic GC stops rescanning the records
    frozen, frozen_cpu, table = _timed(lambda: score(arts, rules, "list.0", now, state))
    gc.unfreeze()
    counts = table.counts()
    columns_line = _columns_figures(arts, rules, now, state, warm)
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{size:>9,} records, {len(rules.rules)} rules, {len(state.thread_rules)} thread kills, "
          f"{len(rules.caps)} caps: cold {cold:.2f} s (cpu {cold_cpu:.2f}), warm {warm:.2f} s (cpu {warm_cpu:.2f}), "
          f"records gc-frozen {frozen:.2f} s (cpu {frozen_cpu:.2f}); peak RSS {rss_mib:,.0f} MiB "
          f"(data made in {made:.1f} s)")
    print("          states: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(columns_line)
    print(f"          kernels: {'compiled (killfile/_kernels.pyx)' if kernels.COMPILED else 'pure Python (helper not built)'}; "
          f"this machine runs a bare 10M-iteration Python loop in {_loop_seconds():.2f} s")


def _columns_figures(arts: list[Overview], rules: RuleSet, now: datetime, state: UserState, warm: float) -> str:
    """The same scoring on Columns: warm seconds beside the records', and each call's traced peak."""
    columns = from_records(arts)
    records_table = score(arts, rules, "list.0", now, state)
    seconds, cpu, table = min((_timed(lambda: score(columns, rules, "list.0", now, state)) for _ in range(2)),
                              key=lambda r: r[0])
    same = [table.state(i) for i in range(len(table))] == [records_table.state(i) for i in range(len(table))]
    del records_table, table
    peaks = [_traced_peak(lambda data=data: score(data, rules, "list.0", now, state)) for data in (arts, columns)]
    return (f"          as Columns: warm {seconds:.2f} s (cpu {cpu:.2f}) vs records {warm:.2f} s; traced peak of one "
            f"call: records {peaks[0]:.0f} MiB, columns {peaks[1]:.0f} MiB; same states: {same}")


def _traced_peak(call) -> float:  # type: ignore[no-untyped-def]
    """MiB of Python allocations at the call's peak above what was allocated before it."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - base) / 2**20


def _loop_seconds() -> float:
    """A yardstick for the machine's speed at the moment, printed beside the figures (VMs vary a lot)."""
    start = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - start


def _timed(call):  # type: ignore[no-untyped-def]
    """(wall seconds, CPU seconds of this process, result): CPU time shows a busy machine's share."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int)
    args = parser.parse_args()
    if args.size:
        run(args.size)
        return
    for size in (150_000, 1_000_000):
        subprocess.run([sys.executable, __file__, "--size", str(size)], check=True)


if __name__ == "__main__":
    main()
