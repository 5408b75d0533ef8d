"""Bodies at wire speed (issue 16): pith against a bare pipelining socket, side by side, in one run.

Starts a private INN2 (tests/integration/inn_server.py: the 20 Newsgroups corpus, and the
linux-media list from ../shared/corpus as list.linux-media, as inn-up.sh --with-list does) and
a private public-inbox serving the whole list as org.kernel.vger.linux-media
(tests/integration/pi_server.py's recipe), then prints, per group, COMPRESS DEFLATE off and on,
each figure the best of ``--rounds`` runs, pith and the socket taking turns:

- a bare socket: GROUP, then BODY (and ARTICLE, what pith stores) for every article, 100
  commands in flight (the floor), read in this script's own interpreter, already started;
- the same BODY reader as a fresh process (bench/bare_body.py: interpreter start and a few imports
  included), timed from outside exactly as pith's command is: the fair floor for the whole command;
- ``pith sync GROUP --bodies`` as a command (process start, overviews, bodies, search index),
  and its bodies phase alone (overviews already stored), in-process; each with the CPU it used
  (user + system, all threads: on a busy machine a steadier figure than the wall clock);

and for the INN groups (not ``--sync-only``):

- next-unread latency: the next unread article ready (from the store) after the reader's
  read-ahead, against a cold fetch of one article (a round trip);
- re-entering the group with a Body rule (second entry: results cached) against without one,
  and the first entry with it (every body scanned);
- the store file before and after ``pith expire --max-size 1M``.

Figures only, no pass/fail (targets: sync within 2x of the socket, next-unread < 50 ms, Body-rule
re-entry within 1.5x, the file after expire <= 30% of before). ``--page-size 16384`` makes every
store pith uses here with that SQLite page size first (what a one-line PRAGMA in store/cache.py
would give new stores), to weigh it.

    .venv/bin/python bench/body_bench.py [--groups talk.politics.misc list.linux-media] [--no-list]
        [--no-pi] [--sync-only] [--rounds 3] [--page-size BYTES] [--before DIR] [--no-bytecode-cache]

The timed processes (pith, the fresh bare socket) keep their compiled bytecode in a directory of
the run's own (PYTHONPYCACHEPREFIX), as an installed pith has its .pyc files, whatever
PYTHONDONTWRITEBYTECODE says here; ``--no-bytecode-cache`` times them in the environment as given.

``--before DIR`` (a checkout of an older pith, e.g. ``git worktree add /tmp/before REV``) adds that
tree's ``pith sync --bodies`` to each round, so a change is weighed under the same load.

Needs root (INN runs as news), public-inbox (skipped if missing) and ../shared/corpus.
"""

from __future__ import annotations

import argparse
import lzma
import resource
import sqlite3
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.bare_body import bare_socket  # noqa: E402 - after the path

LIST_GROUP = "list.linux-media"
PI_GROUP = "org.kernel.vger.linux-media"
LIST_MBOX = REPO.parent / "shared" / "corpus" / "linux-media-2018-08_2019-03.mbox.xz"
BODY_RULE = '[[rule]]\nname = "patches"\nscore = -10\nall = [{ header = "Body", regex = "(?m)^Signed-off-by: .*kernel" }]\n'
PLAIN_RULE = '[[rule]]\nname = "re"\nscore = -10\nall = [{ header = "Subject", contains = "zzzz-no-such" }]\n'


# -- the server ------------------------------------------------------------------
def list_articles(path: Path) -> list[bytes]:
    """The list's mails as news articles, the way inn-up.sh --with-list feeds them."""
    data = lzma.open(path, "rb").read()
    mails = re.split(rb"(?m)^From mboxrd@z Thu Jan  1 00:00:00 1970\n", data)[1:]
    drop = re.compile(rb"(?i)^(newsgroups|path|xref|lines|control|also-control|supersedes|approved|distribution|followup-to):")
    seen: set[bytes] = set()
    out = []
    for mail in mails:
        mail = re.sub(rb"(?m)^>(>*From )", rb"\1", mail)
        mail = mail[:-1] if mail.endswith(b"\n\n") else mail
        head, _, body = mail.partition(b"\n\n")
        fields = [f for f in re.split(rb"\n(?![ \t])", head) if not drop.match(f)]
        ids = [re.search(rb"<[^>\s]+>", f) for f in fields if f.lower().startswith(b"message-id:")]
        if not ids or ids[0] is None or ids[0].group(0) in seen:
            continue
        seen.add(ids[0].group(0))
        fields = [f for f in fields if not f.lower().startswith(b"message-id:")] + [b"Message-ID: " + ids[0].group(0)]
        if not any(f.lower().startswith(b"references:") for f in fields):
            reply = next((re.search(rb"<[^>\s]+>", f) for f in fields if f.lower().startswith(b"in-reply-to:")), None)
            if reply:
                fields.append(b"References: " + reply.group(0))
        art = b"\n".join([b"Path: vger.kernel.org!not-for-mail", b"Newsgroups: " + LIST_GROUP.encode(), *fields])
        out.append(art + b"\n\n" + body + (b"" if body.endswith(b"\n") else b"\n"))
    return out


def start_pi() -> object | None:
    """public-inbox-nntpd serving the whole list (None when public-inbox or the corpus is missing)."""
    from tests.integration import pi_server as pi

    if not (pi.pi_installed() and LIST_MBOX.is_file()):
        return None
    with lzma.open(LIST_MBOX, "rb") as stream:
        messages = list(pi.iter_mboxrd(stream))
    server = pi.PiServer(Path(tempfile.mkdtemp(prefix="pith-pi-bench-")), messages=messages)
    try:
        pi._create_inbox(server)
        server.port = pi.free_port()
        pi._start_nntpd(server)
    except BaseException:
        server.stop()
        raise
    return server


class Running:
    """A server started elsewhere (--inn, --pi): used, not stopped."""

    def __init__(self, address: str, group: str = "") -> None:
        host, _, port = address.rpartition(":")
        self.host, self.port, self.group = host, int(port), group

    def stop(self) -> None:
        pass


def start_inn(with_list: bool) -> object:
    from tests.integration.inn_server import start_server

    server = start_server()
    if with_list and LIST_MBOX.is_file():
        server.ctlinnd("newgroup", LIST_GROUP, "y", "pith")
        server.rnews(list_articles(LIST_MBOX))
        server.ctlinnd("flush", "", check=False)
    return server


# -- phases --------------------------------------------------------------------------
def bare_process(host: str, port: int, group: str, compress: bool, verb: bytes) -> tuple[float, tuple[int, int]]:
    """``bare_socket`` as a fresh process of this interpreter (bench/bare_body.py), timed from outside as
    ``pith_command`` times pith: the floor for the whole command, start-up included."""
    argv = [sys.executable, str(REPO / "bench" / "bare_body.py"), host, str(port), group, verb.decode()]
    t0 = time.perf_counter()
    done = subprocess.run(argv + (["compress"] if compress else []), capture_output=True, text=True, check=True,
                          env=child_env())
    seconds = time.perf_counter() - t0
    count, size = done.stdout.split()
    return seconds, (int(count), int(size))


def write_config(data: Path, host: str, port: int, rules: str = "") -> None:
    """A config with the server twice, COMPRESS on (pith's default) and off; ``rules`` as score.toml."""
    config = data / "config" / "pith"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text(
        f'[servers.z]\nhost = "{host}"\nport = {port}\ncompress = true\n\n'
        f'[servers.plain]\nhost = "{host}"\nport = {port}\ncompress = false\n')
    (config / "score.toml").write_text(rules)


BEFORE: Path | None = None
"""--before: an older tree whose pith sync runs beside this one's."""


BYTECODE: Path | None = None
"""Where the timed processes keep compiled bytecode (PYTHONPYCACHEPREFIX), as an installed pith has its
.pyc files; None (--no-bytecode-cache): the environment as given (PYTHONDONTWRITEBYTECODE=1 compiles every
module on every start, ~60 ms of pith's)."""


def child_env() -> dict[str, str]:
    """The environment of a timed process: this one's, with bytecode cached in BYTECODE when set."""
    if BYTECODE is None:
        return dict(os.environ)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(BYTECODE)}


def pith_command(address: str, data: Path, *argv: str, tree: Path = REPO) -> tuple[float, str]:
    env = {**child_env(), "XDG_DATA_HOME": str(data), "XDG_CONFIG_HOME": str(data / "config"),
           "XDG_STATE_HOME": str(data / "state"), "XDG_CACHE_HOME": str(data / "cache")}
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, str(tree / "main.py"), "--server", address, *argv],
                          cwd=tree, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"pith {' '.join(argv)}: exit {done.returncode}: {done.stderr[-500:]}")
    return time.perf_counter() - t0, done.stdout.strip()


PAGE_SIZE: int | None = None
"""--page-size: every store pith uses here is made with this SQLite page size first (None: pith's own)."""


def prepare_store(path: Path) -> None:
    """With --page-size: the store file made (or remade by VACUUM, it is small then) with that page size."""
    if PAGE_SIZE is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        if int(db.execute("PRAGMA page_size").fetchone()[0]) != PAGE_SIZE:
            db.execute("PRAGMA journal_mode=DELETE")
            db.execute(f"PRAGMA page_size={int(PAGE_SIZE)}")
            db.execute("PRAGMA auto_vacuum=INCREMENTAL")
            db.execute("VACUUM")
            db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()


def fresh_data(tmp: Path, tag: str, host: str, port: int, server: str, tree: Path = REPO) -> Path:
    """A data dir for one ``pith sync`` run: its store made and the group list in it (``pith groups``),
    as a reader's store is before a sync; ``--page-size`` applied."""
    data = Path(tempfile.mkdtemp(prefix=f"data-{tag}-", dir=tmp))
    write_config(data, host, port)
    pith_command(server, data, "groups", tree=tree)
    prepare_store(store_file(data))
    return data


def library_for(address: str, path: Path, compress: bool = False):  # noqa: ANN201 - a Library
    from nntp.client import NNTPClient, ServerAddress
    from nntp.connect import ConnectOptions
    from nntp.resilient import ResilientSource
    from store.cache import Store
    from store.library import Library

    prepare_store(path)
    parsed = ServerAddress.parse(address)
    return Library(Store(path), lambda: ResilientSource(lambda: NNTPClient(parsed, options=ConnectOptions(timeout=30, compress=compress)),
                                                        parsed.identity))


def missing_bodies(lib, group: str) -> list[tuple[int, str]]:  # noqa: ANN001 - a Library
    """(number, Message-ID) of the group's articles without a body (the store's API before and after its split)."""
    body_store = getattr(lib.store, "body_store", None)
    return body_store.missing(group) if body_store is not None else lib.store.missing_bodies(group)


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    """User + system CPU of this process (every thread) or of its finished children."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def bodies_phase(address: str, group: str, tmp: Path, compress: bool = False) -> tuple[float, float]:
    """Overviews stored first; then only the bodies phase of sync: (seconds, CPU seconds)."""
    from store.sync import fetch_bodies

    lib = library_for(address, Path(tempfile.mkdtemp(dir=tmp)) / f"bodies-{group}.sqlite3", compress)
    try:
        lib.fetch_overviews(group)
        targets = missing_bodies(lib, group)
        outcomes: list[str] = []
        c0, t0 = cpu_seconds(), time.perf_counter()
        fetch_bodies(lib, group, targets, outcomes)
        elapsed, cpu = time.perf_counter() - t0, cpu_seconds() - c0
        if outcomes.count("got") != len(targets):
            raise RuntimeError(f"bodies phase: {outcomes.count('got')} of {len(targets)} stored")
        return elapsed, cpu
    finally:
        lib.close()


def phase_apart(address: str, group: str, tmp: Path) -> tuple[float, float]:
    """(seconds to fetch every article pipelined into memory, seconds to store them all): where the
    bodies phase spends its time when the two do not overlap."""
    from store import bodyindex
    from store.bodywriter import BATCH_MOST

    lib = library_for(address, tmp / f"apart-{group}.sqlite3")
    try:
        lib.fetch_overviews(group)
        ids = dict(missing_bodies(lib, group))
        t0 = time.perf_counter()
        got = [(ids[int(f.key)], f.raw) for f in lib.source.iter_articles(group, list(ids)) if f.raw is not None]
        t1 = time.perf_counter()
        for start in range(0, len(got), BATCH_MOST):
            bodyindex.save_unindexed(lib.store, got[start : start + BATCH_MOST])
        return t1 - t0, time.perf_counter() - t1
    finally:
        lib.close()


def next_unread(address: str, group: str, tmp: Path, rounds: int = 20) -> tuple[float, float]:
    """(median ms to the next article after the read-ahead, median ms for a cold fetch of one)."""
    from store.sync import prefetch_bodies

    lib = library_for(address, tmp / f"next-{group}.sqlite3")
    try:
        lib.fetch_overviews(group)
        rows = missing_bodies(lib, group)
        far = rows[len(rows) // 2 :]  # never read ahead
        warm, cold = [], []
        for k in range(rounds):
            t0 = time.perf_counter()
            lib.article(group, far[k][0])  # not read ahead: a round trip
            cold.append(time.perf_counter() - t0)
            prefetch_bodies(lib, group, rows[5 * k + 1 : 5 * k + 5])  # what the pager asks for once it shows one
            t0 = time.perf_counter()
            lib.article(group, rows[5 * k + 1][0])  # n
            warm.append(time.perf_counter() - t0)
        return sorted(warm)[len(warm) // 2] * 1000, sorted(cold)[len(cold) // 2] * 1000
    finally:
        lib.close()


def threads_entry(data: Path, host: str, port: int, group: str, rules: str) -> float:
    """Seconds of ``pith --offline threads GROUP`` (enter, score, thread, print) with these rules."""
    write_config(data, host, port, rules)
    return pith_command("plain", data, "--offline", "threads", group, "--quiet")[0]


def store_file(data: Path) -> Path:
    return next((data / "pith" / "servers").glob("*.sqlite3"))


def disk(path: Path) -> int:
    from store.vacuum import disk_size

    return disk_size(path)


# -- the run --------------------------------------------------------------------------
class Best:
    """The best (least) time of each measurement over the rounds, and what the last run said."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self.said: dict[str, object] = {}

    def take(self, name: str, measured: tuple[float, object] | float) -> None:
        seconds, said = measured if isinstance(measured, tuple) else (measured, None)
        self.times[name] = min(seconds, self.times.get(name, seconds))
        self.said[name] = said

    def __getitem__(self, name: str) -> float:
        return self.times[name]


def _bare(host: str, port: int, group: str, compress: bool, verb: bytes) -> tuple[float, tuple[int, int]]:
    seconds, count, size = bare_socket(host, port, group, compress=compress, verb=verb)
    return seconds, (count, size)


def sync_rounds(host: str, port: int, group: str, tmp: Path, rounds: int) -> tuple[Best, Path]:
    """Socket and pith by turns, COMPRESS off and on; -> the best times, and the data dir of a plain sync."""
    best, address, data = Best(), f"{host}:{port}", tmp
    bare_process(host, port, group, False, b"BODY")  # compiles what the timed processes import, once, untimed
    pith_command("plain", fresh_data(tmp, f"{group}-warm", host, port, "plain"), "sync", "--help")
    for _ in range(rounds):
        for z, server in ((False, "plain"), (True, "z")):
            tag = "z" if z else ""
            best.take("body" + tag, _bare(host, port, group, z, b"BODY"))
            best.take("bodyproc" + tag, bare_process(host, port, group, z, b"BODY"))
            data = fresh_data(tmp, f"{group}-{server}", host, port, server)
            c0 = cpu_seconds(resource.RUSAGE_CHILDREN)
            best.take("sync" + tag, pith_command(server, data, "sync", group, "--bodies", "--quiet"))
            best.take("synccpu" + tag, cpu_seconds(resource.RUSAGE_CHILDREN) - c0)
            if BEFORE is not None:
                old = fresh_data(tmp, f"{group}-{server}-before", host, port, server, BEFORE)
                c0 = cpu_seconds(resource.RUSAGE_CHILDREN)
                best.take("before" + tag, pith_command(server, old, "sync", group, "--bodies", "--quiet", tree=BEFORE))
                best.take("beforecpu" + tag, cpu_seconds(resource.RUSAGE_CHILDREN) - c0)
            best.take("article" + tag, _bare(host, port, group, z, b"ARTICLE"))
            seconds, cpu = bodies_phase(address, group, tmp, compress=z)
            best.take("phase" + tag, seconds)
            best.take("phasecpu" + tag, cpu)
        best.take("start", pith_command("plain", data, "sync", "--help")[0])
    plain = fresh_data(tmp, f"{group}-kept", host, port, "plain")
    pith_command("plain", plain, "sync", group, "--bodies", "--quiet")
    return best, plain


def print_sync(label: str, group: str, best: Best) -> None:
    count, size = best.said["body"]  # type: ignore[misc]
    _, art_size = best.said["article"]  # type: ignore[misc]
    print(f"\n{label} {group}: {count:,} articles, {size / 1e6:.1f} MB of bodies ({art_size / 1e6:.1f} MB as articles)")
    print(f"  (pith sync --help, the fixed cost of the command: {best['start']:.2f} s)")
    print(f"  {'':<46}{'COMPRESS off':<22}COMPRESS on")
    print("  (x: against the bare socket in this interpreter; p: against it as a fresh process)")
    rows = [("bare socket, BODY x100 in flight", "body"), ("  the same as a fresh process", "bodyproc"),
            ("bare socket, ARTICLE x100 (pith stores these)", "article"),
            ("pith sync --bodies, whole command", "sync"), ("pith bodies phase alone (in-process)", "phase")]
    if "before" in best.times:
        rows.insert(4, ("  the same, --before tree", "before"))
    for name, key in rows:
        cells = [f"{best[key + z]:6.2f} s" + _ratios(best, key, z) for z in ("", "z")]
        print(f"  {name:<46}{cells[0]:<22}{cells[1]}")
    cpu_rows = [("  CPU of the whole command (least)", "synccpu"), ("  CPU of the bodies phase (least)", "phasecpu")]
    if "beforecpu" in best.times:
        cpu_rows.insert(1, ("  CPU of the --before tree's command", "beforecpu"))
    for name, key in cpu_rows:
        print(f"  {name:<46}{best[key]:6.2f} s{'':<14}{best[key + 'z']:6.2f} s")
    print(f"  [{best.said['sync']}]")


def _ratios(best: Best, key: str, z: str) -> str:
    """``(3.1x, 2.6p)``: a figure against the in-process socket and, for a whole command, the fresh process."""
    if key == "body":
        return ""
    ratio = f"{best[key + z] / best['body' + z]:.1f}x"
    if key in ("sync", "before"):
        ratio += f", {best[key + z] / best['bodyproc' + z]:.1f}p"
    return f" ({ratio})"


def bench_reader(host: str, port: int, group: str, tmp: Path, data: Path) -> None:
    """Apart, next unread, Body-rule re-entry, search, expire (INN only)."""
    address = f"{host}:{port}"
    fetch_s, save_s = phase_apart(address, group, tmp)
    print(f"  bodies phase apart: fetch {fetch_s:.2f} s, store {save_s:.2f} s (in the phase they overlap)")
    warm, cold = next_unread(address, group, tmp)
    print(f"  next unread after the read-ahead            {warm:7.1f} ms   (not read ahead, a round trip: {cold:.1f} ms)")
    plain = min(threads_entry(data, host, port, group, PLAIN_RULE) for _ in range(3))
    first = threads_entry(data, host, port, group, BODY_RULE)
    again = min(threads_entry(data, host, port, group, BODY_RULE) for _ in range(3))
    print(f"  pith threads, no Body rule                  {plain:7.2f} s")
    print(f"  pith threads, Body rule, first entry        {first:7.2f} s  ({first / plain:.1f}x)")
    print(f"  pith threads, Body rule, re-entry           {again:7.2f} s  ({again / plain:.2f}x)")
    stored = store_file(data)
    search_s, _ = pith_command("plain", data, "--offline", "search", "the", "--limit", "1")  # the bodies get indexed
    print(f"  first search (indexes the synced bodies)    {search_s:7.2f} s")
    before = disk(stored)
    _, said = pith_command("plain", data, "expire", "--max-size", "1M")
    after = disk(stored)
    print(f"  store before / after expire --max-size 1M   {before / 1e6:7.1f} MB -> {after / 1e6:.1f} MB "
          f"({100 * after / before:.0f}%)   [{said.splitlines()[-1]}]")


def bench_group(label: str, host: str, port: int, group: str, tmp: Path, args: argparse.Namespace) -> None:
    best, data = sync_rounds(host, port, group, tmp, args.rounds)
    print_sync(label, group, best)
    if not args.sync_only:
        bench_reader(host, port, group, tmp, data)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--groups", nargs="*", default=["talk.politics.misc", LIST_GROUP], help="INN groups")
    parser.add_argument("--no-list", action="store_true", help="skip loading the linux-media list into INN")
    parser.add_argument("--no-pi", action="store_true", help="skip public-inbox")
    parser.add_argument("--sync-only", action="store_true", help="only the sync figures (no reader, expire, search)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each sync measurement (the best is shown)")
    parser.add_argument("--page-size", type=int, help="SQLite page size for every store made here")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="time processes in the environment as given (no PYTHONPYCACHEPREFIX of the run's own)")
    parser.add_argument("--before", type=Path, metavar="DIR", help="also time this older tree's pith sync --bodies")
    parser.add_argument("--inn", metavar="HOST:PORT", help="a running INN loaded as this script loads it (kept running)")
    parser.add_argument("--pi", metavar="HOST:PORT", help="a running public-inbox serving the whole list (kept running)")
    return parser.parse_args()


def main() -> int:
    global PAGE_SIZE, BEFORE, BYTECODE
    args = parse_args()
    PAGE_SIZE, BEFORE = args.page_size, args.before
    with_list = LIST_GROUP in args.groups and not args.no_list
    servers: list[tuple[str, object, list[str]]] = [("INN2", Running(args.inn) if args.inn else start_inn(with_list),
                                                      args.groups)]
    try:
        pi = None if args.no_pi else Running(args.pi, PI_GROUP) if args.pi else start_pi()
        if pi is not None:
            servers.append(("public-inbox", pi, [pi.group]))  # type: ignore[attr-defined]
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; page size {PAGE_SIZE or 'pith default'}")
        with tempfile.TemporaryDirectory(prefix="pith-body-bench-") as tmp:
            BYTECODE = None if args.no_bytecode_cache else Path(tmp) / "pycache"
            print(f"bytecode of the timed processes: {'as the environment says' if BYTECODE is None else 'cached'}"
                  f" (PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r} here)")
            for label, server, groups in servers:
                for group in groups:
                    if group == LIST_GROUP and not with_list:
                        continue
                    run_args = argparse.Namespace(**{**vars(args), "sync_only": args.sync_only or label != "INN2"})
                    bench_group(label, server.host, server.port, group, Path(tmp), run_args)  # type: ignore[attr-defined]
        print(f"\nload average at the end {os.getloadavg()[0]:.1f}")
    finally:
        for _, server, _ in servers:
            server.stop()  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
