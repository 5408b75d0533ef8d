"""A private, throw-away INN2 server on 127.0.0.1 for the integration tests.

Why a private instance: the tests must neither depend on nor damage an INN the machine
may already run (the shared reference server in /etc/news, say). Every INN program reads
the inn.conf that the ``INNCONF`` environment variable names, and inn.conf holds every path
INN uses, so one inn.conf in a temporary directory gives a complete server of its own:
config, spool, overview, history, active file, sockets, pid files and logs all live in that
directory (owned by ``news``), and removing it removes the server. Only the Debian package
(the programs under /usr/lib/news/bin) is shared.

The server listens on 127.0.0.1 only, on a port chosen here, lets loopback clients read and
post, accepts articles of any age, never expires anything and has no peers, so every TCP
client gets nnrpd. It is loaded with rnews, which keeps each article's own Message-ID,
References and Date: the project's sample mbox and, when it is there, the real 20 Newsgroups
corpus.

    python -m tests.integration.inn_server --install   # install inn2 (root) if missing
    python -m tests.integration.inn_server --serve     # run one until Ctrl-C, for manual use

Environment: PITH_CORPUS (the 20news tarball; empty: load no corpus; default
<repo>/../shared/corpus/20news-19997.tar.gz when it exists), PITH_SAMPLE_MBOX (default
tests/data/sample.mbox). Starting needs root (innd must run as user news).
"""

from __future__ import annotations

import grp
import io
import logging
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.policy import compat32
from pathlib import Path
from typing import IO, Any

from tests.integration import inn_tls
from tests.integration.harness_cli import harness_main

log = logging.getLogger("inn_server")

REPO = Path(__file__).resolve().parents[2]
SAMPLE_MBOX = REPO / "tests" / "data" / "sample.mbox"
CORPUS_NAME = "20news-19997.tar.gz"
NEWSBIN = Path("/usr/lib/news/bin")
SYSTEM_INN_CONF = Path("/etc/news/inn.conf")
POLICY_RC_D = Path("/usr/sbin/policy-rc.d")
HOST = "127.0.0.1"
READONLY_GROUP = "sample.readonly"
POST_GROUP = "local.test"
# Groups INN expects to exist; local posting to them is not allowed (flag n).
SYSTEM_GROUPS = ("control", "control.cancel", "junk")
_MESSAGE_ID = re.compile(rb"(?im)^message-id:[ \t]*(<[^>\s]+>)")


class InnUnavailable(Exception):
    """INN2 cannot be had on this machine (not installed, and we may not install it)."""


# ---------------------------------------------------------------- installing inn2


def inn_installed() -> bool:
    """True when dpkg reports inn2 fully installed (not half-configured)."""
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", "inn2"], capture_output=True, text=True, check=False
    )
    return out.returncode == 0 and out.stdout.strip() == "install ok installed"


def install_inn() -> None:
    """Install Debian's inn2 if it is missing; raise InnUnavailable when we may not.

    Idempotent: returns at once when inn2 is installed. Handles the two pitfalls of the
    package on a test machine: its postinst would start innd on port 119 on every interface
    (a policy-rc.d forbids service starts during the install), and the postinst aborts on a
    host name without a domain ("domain not set in inn.conf"), which is finished by setting
    the domain in the unpacked /etc/news/inn.conf and re-running dpkg --configure.
    """
    if inn_installed():
        return
    if os.geteuid() != 0:
        raise InnUnavailable(
            "INN2 (Debian package inn2) is not installed and installing it needs root: "
            "run the tests as root (make test) or apt-get install inn2 first"
        )
    started = time.monotonic()
    with _service_starts_forbidden():
        if not _apt_has_candidate("inn2"):
            _apt("update", "-q")
        if not _apt("install", "-y", "-q", "inn2") and not SYSTEM_INN_CONF.exists():
            _apt("update", "-q")  # stale package lists: the .deb was not found
            _apt("install", "-y", "-q", "inn2")
        if not inn_installed() and SYSTEM_INN_CONF.exists():
            _set_system_domain()
            _run(["dpkg", "--configure", "-a"], check=False)
    if not inn_installed():
        raise RuntimeError("apt-get install inn2 failed; see the log above")
    log.info("installed inn2 in %.1f s", time.monotonic() - started)


class _service_starts_forbidden:
    """A temporary policy-rc.d (exit 101) so the package cannot start innd on port 119.

    An existing policy-rc.d is left alone: it already decides, and is not ours to remove.
    """

    def __enter__(self) -> None:
        self.ours = not POLICY_RC_D.exists()
        if self.ours:
            POLICY_RC_D.write_text("#!/bin/sh\n# pith tests: no service starts while installing\nexit 101\n")
            POLICY_RC_D.chmod(0o755)

    def __exit__(self, *exc: object) -> None:
        if self.ours:
            POLICY_RC_D.unlink(missing_ok=True)


def _apt_has_candidate(package: str) -> bool:
    """False on a fresh machine without package lists (then apt-get update is needed)."""
    out = subprocess.run(["apt-cache", "policy", package], capture_output=True, text=True, check=False)
    match = re.search(r"Candidate:\s*(\S+)", out.stdout)
    return match is not None and match.group(1) != "(none)"


def _apt(*args: str) -> bool:
    """apt-get, non-interactive, waiting for a dpkg lock another session may hold."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    cmd = ["apt-get", "-o", "DPkg::Lock::Timeout=300", *args]
    return _run(cmd, env=env, check=False).returncode == 0


def _set_system_domain() -> None:
    """Give the unpacked /etc/news/inn.conf a domain, only if it has none, for the postinst."""
    text = SYSTEM_INN_CONF.read_text()
    if re.search(r"(?m)^domain:[ \t]*\S", text):
        return
    log.info("inn2 postinst failed (host name without a domain); setting domain in %s", SYSTEM_INN_CONF)
    text, found = re.subn(r"(?m)^#?[ \t]*domain:.*$", "domain: localdomain", text, count=1)
    SYSTEM_INN_CONF.write_text(text if found else text + "domain: localdomain\n")


def _run(cmd: list[str], *, check: bool = True, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run a command, logging its output, so a failed step shows why."""
    out: subprocess.CompletedProcess[str] = subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)
    if out.returncode != 0:
        log.warning("%s exited %d:\n%s%s", " ".join(cmd), out.returncode, out.stdout[-3000:], out.stderr[-3000:])
        if check:
            raise RuntimeError(f"{' '.join(cmd)} exited {out.returncode}: {out.stderr.strip()[-500:]}")
    return out


# ---------------------------------------------------------------- articles


def default_corpus() -> Path | None:
    """The 20 Newsgroups corpus: $PITH_CORPUS (empty: none), else <repo>/../shared/corpus/."""
    env = os.environ.get("PITH_CORPUS")
    path = Path(env) if env else REPO.parent / "shared" / "corpus" / CORPUS_NAME
    if env == "" or not path.is_file():
        return None
    return path


def newsgroups_of(article: bytes) -> list[str]:
    """The group names in an article's Newsgroups header (folded or not)."""
    value = BytesHeaderParser(policy=compat32).parsebytes(article).get("Newsgroups", "")
    return [g.strip() for g in str(value).replace("\n", "").split(",") if g.strip()]


def as_news(article: bytes) -> bytes:
    """A message as rnews wants it: LF line ends, a Path header (mail saved to mbox may lack one)."""
    article = article.replace(b"\r\n", b"\n")
    head = article.split(b"\n\n", 1)[0]
    if not re.search(rb"(?im)^path:", head):
        article = b"Path: not-for-mail\n" + article
    return article if article.endswith(b"\n") else article + b"\n"


def mbox_articles(path: Path) -> tuple[list[bytes], list[str]]:
    """Every message of an mboxrd file, in file order, and the sorted groups they name."""
    from nntp.archive import iter_mbox

    articles = [as_news(raw) for raw in iter_mbox(path)]
    groups = sorted({g for art in articles for g in newsgroups_of(art)})
    return articles, groups


def corpus_articles(path: Path) -> tuple[list[str], list[bytes]]:
    """The corpus's groups, and its articles in (group, number) order with each Message-ID once.

    INN files a crossposted article in every local group it names, so the second copy of a
    crosspost in the data set would only be refused as a duplicate. The tar is read front to
    back once (seeking in a gzip stream re-reads it), then sorted so that each group's
    numbers follow the original order. Paths in the tar are <top>/<group>/<number>.
    """
    members: list[tuple[str, int, bytes]] = []
    with tarfile.open(path) as tar:
        for member in tar:
            handle = tar.extractfile(member) if member.isfile() else None
            parts = member.name.split("/")
            if handle is not None and len(parts) >= 2:
                number = int(parts[-1]) if parts[-1].isdigit() else 0
                members.append((parts[-2], number, handle.read()))
    members.sort(key=lambda m: (m[0], m[1]))
    seen: set[bytes] = set()
    articles = []
    for _, _, article in members:
        match = _MESSAGE_ID.search(article.split(b"\n\n", 1)[0])
        if match and match.group(1) in seen:
            continue
        if match:
            seen.add(match.group(1))
        articles.append(article if article.endswith(b"\n") else article + b"\n")
    return sorted({m[0] for m in members}), articles


def rnews_batch(articles: Iterable[bytes], out: IO[bytes]) -> int:
    """Write articles as one rnews batch ("#! rnews <bytes>" + article, repeated)."""
    count = 0
    for article in articles:
        out.write(b"#! rnews %d\n" % len(article))
        out.write(article)
        count += 1
    return count


# ---------------------------------------------------------------- the server


@dataclass
class InnServer:
    """One running private INN: where to reach it and what it was loaded with."""

    root: Path
    port: int
    process: subprocess.Popen[bytes] | None  # innd, our child; None until it starts
    user: str
    sample_groups: list[str] = field(default_factory=list)
    corpus_loaded: bool = False
    host: str = HOST
    sample_mbox: Path = SAMPLE_MBOX
    tls_cert: Path | None = None  # signed by ca_cert, for STARTTLS and NNTPS; None without openssl
    ca_cert: Path | None = None  # the test CA that signed tls_cert
    nntps_port: int = 0  # implicit TLS (nnrpd -D -S); 0 when not running
    auth_port: int = 0  # every command answers 480 until AUTHINFO as auth_user
    auth_user: str = inn_tls.AUTH_USER
    auth_password: str = inn_tls.AUTH_PASSWORD

    @property
    def address(self) -> str:
        """host:port, as pith --server and NNTPSERVER take it."""
        return f"{self.host}:{self.port}"

    @property
    def inn_conf(self) -> Path:
        return self.root / "etc" / "inn.conf"

    def group_counts(self) -> dict[str, tuple[int, int, int]]:
        """(count, low, high) of every group, from the server's own GROUP replies."""
        with socket.create_connection((self.host, self.port), timeout=30) as sock:
            f = sock.makefile("rwb")
            _expect(f, b"20")
            names = [line.split()[0].decode() for line in _command(f, b"LIST ACTIVE", b"215", multiline=True)]
            counts = {}
            for name in names:
                status = _command(f, b"GROUP " + name.encode(), b"211")[0].split()
                counts[name] = (int(status[1]), int(status[2]), int(status[3]))
            f.write(b"QUIT\r\n")
            f.flush()
        return counts

    def ctlinnd(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """ctlinnd against this server (it finds innd's control socket through inn.conf)."""
        return _run([str(NEWSBIN / "ctlinnd"), "-s", "-t", "30", *args], check=check, **self._as_news())

    def rnews(self, articles: Iterable[bytes]) -> int:
        """Feed articles as one rnews batch; returns how many were offered.

        rnews hands each article to innd over its local socket, as a peer's feed would
        arrive, so the articles keep their Message-ID, Date, References and Path.
        """
        errors = self.root / "log" / "rnews.stderr"
        with open(errors, "ab") as err:
            proc = subprocess.Popen(
                [str(NEWSBIN / "rnews"), "-N", "-v"], stdin=subprocess.PIPE, stderr=err, **self._as_news()
            )
            assert proc.stdin is not None
            with proc.stdin:
                count = rnews_batch(articles, proc.stdin)
            status = proc.wait()
        if status != 0:
            log.warning("rnews exited %d: %s", status, errors.read_text(errors="replace")[-2000:])
        return count

    def stop(self) -> None:
        """Stop innd and the nnrpd it forked, then remove the whole instance."""
        if self.process is None:  # failed before innd started
            shutil.rmtree(self.root, ignore_errors=True)
            return
        inn_tls.stop_daemons(self.root / "run")
        children = _children(self.process.pid)
        if self.process.poll() is None:
            self.ctlinnd("shutdown", "pith tests done", check=False)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in children:  # nnrpd for a reader still connected; innd's exit does not end it
            if _comm(pid) == "nnrpd":
                _kill(pid)
        shutil.rmtree(self.root, ignore_errors=True)

    def _as_news(self) -> dict[str, Any]:
        """subprocess arguments that run an INN program as this instance's user."""
        env = {**os.environ, "INNCONF": str(self.inn_conf)}
        if os.geteuid() == 0:
            group = _group_of(self.user)
            return {"env": env, "user": self.user, "group": group, "extra_groups": [], "cwd": self.root}
        return {"env": env, "cwd": self.root}


def _expect(f: io.BufferedIOBase, prefix: bytes) -> bytes:
    line = f.readline()
    if not line.startswith(prefix):
        raise RuntimeError(f"INN answered {line!r}, expected {prefix.decode()}...")
    return line.rstrip(b"\r\n")


def _command(f: io.BufferedIOBase, command: bytes, ok: bytes, multiline: bool = False) -> list[bytes]:
    """Send one command; the status line, or the body lines of a multi-line reply."""
    f.write(command + b"\r\n")
    f.flush()
    status = _expect(f, ok)
    if not multiline:
        return [status]
    lines = []
    while (line := f.readline().rstrip(b"\r\n")) != b".":
        lines.append(line[1:] if line.startswith(b"..") else line)
    return lines


def _children(pid: int) -> list[int]:
    """Direct children of a process (innd's nnrpd), from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _kill(pid: int) -> None:
    try:
        os.kill(pid, 15)
    except ProcessLookupError:
        pass


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (the kernel's choice)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------- configuring and starting

_DIRS = ("etc", "db", "run", "log", "tmp", "filter", "http", "spool/articles", "spool/overview",
         "spool/incoming", "spool/outgoing", "spool/archive")


def write_config(root: Path, port: int, user: str) -> None:
    """A complete INN configuration under root, with every path INN uses inside root."""
    for sub in _DIRS:
        (root / sub).mkdir(parents=True, exist_ok=True)
    paths = {
        "pathnews": "/usr/lib/news", "pathbin": str(NEWSBIN), "pathcontrol": str(NEWSBIN / "control"),
        "pathetc": "etc", "pathdb": "db", "pathrun": "run", "pathlog": "log", "pathtmp": "tmp",
        "pathfilter": "filter", "pathhttp": "http", "pathspool": "spool",
        "patharticles": "spool/articles", "pathoverview": "spool/overview",
        "pathincoming": "spool/incoming", "pathoutgoing": "spool/outgoing", "patharchive": "spool/archive",
    }
    settings = {
        **{k: v if v.startswith("/") else str(root / v) for k, v in paths.items()},
        "runasuser": user,
        "runasgroup": _group_of(user),
        "domain": "localdomain",               # INN needs an FQDN; the test host may have none
        "pathhost": "pith-test.invalid",       # our Path identity, in no corpus Path
        "organization": '"pith test server"',
        "port": str(port),
        "bindaddress": HOST,                   # no bindaddress6: no IPv6 socket, loopback only
        "artcutoff": "0",                      # accept articles of any age (the corpus is 1993)
        "syntaxchecks": "[ laxmid ]",          # corpus Message-IDs with two '@' are otherwise dropped
        "docancels": "require-auth",           # corpus Supersedes: headers must not delete articles
        "ovmethod": "tradindexed",
        "hismethod": "hisv6",
        "maxartsize": "4000000",
        "nnrpdloadlimit": "0",                 # a loaded CI machine must not turn readers away
        "readerswhenstopped": "true",
        "pgpverify": "false",
        "doinnwatch": "false",
        "status": "0",                         # no periodic status files
        "timer": "0",
        "mta": '"/bin/true %s"',               # no mail from a test server
        "mailcmd": "/bin/true",
    }
    etc = root / "etc"
    (etc / "inn.conf").write_text("".join(f"{k}: {v}\n" for k, v in settings.items()))
    # No peers: every TCP client, from 127.0.0.1 too, is a reader and gets nnrpd; rnews and
    # nnrpd's POST reach innd through the Unix socket in pathrun.
    (etc / "incoming.conf").write_text("streaming: true\nmax-connections: 8\n")
    (etc / "newsfeeds").write_text("ME:!*/!local::\n")
    (etc / "readers.conf").write_text(
        'auth "loopback" {\n    hosts: "localhost, 127.0.0.1, ::1, stdin"\n    default: "<loopback>"\n}\n'
        'access "loopback" {\n    users: "<loopback>"\n    newsgroups: "*"\n    access: RPIA\n'
        "    addcanlockuser: none\n}\n"
    )
    (etc / "storage.conf").write_text("method tradspool {\n    newsgroups: *\n    class: 0\n}\n")
    (etc / "expire.ctl").write_text("/remember/:11\n*:A:never:never:never\n")
    if _make_certificate(etc):
        with open(etc / "inn.conf", "a") as conf:
            conf.write(f"tlscertfile: {etc / 'cert.pem'}\ntlskeyfile: {etc / 'key.pem'}\n")


def _make_certificate(etc: Path) -> bool:
    """A test CA and a server certificate it signs (inn_tls.py), for STARTTLS and NNTPS.

    nnrpd advertises STARTTLS even without one and then answers "580 Error initializing
    TLS", which is no server a client meets in practice.
    """
    if shutil.which("openssl") is None:
        log.warning("openssl is missing: STARTTLS will be advertised but fail with 580")
        return False
    inn_tls.make_ca_and_certificate(etc)
    inn_tls.write_auth_config(etc)
    return True


def write_groups(root: Path, groups: dict[str, tuple[str, str]]) -> None:
    """The active and newsgroups files: name -> (flag, description), all groups empty."""
    db = root / "db"
    (db / "active").write_text("".join(f"{g} 0000000000 0000000001 {flag}\n" for g, (flag, _) in groups.items()))
    (db / "newsgroups").write_text("".join(f"{g}\t{desc}\n" for g, (_, desc) in groups.items()))
    (db / "active.times").write_text("")
    (db / "history").write_text("")


def _chown_tree(root: Path, user: str) -> None:
    """Hand the instance to the user INN runs as (news, when we are root)."""
    if os.geteuid() != 0:
        return
    group = _group_of(user)
    for path in [root, *root.rglob("*")]:
        shutil.chown(path, user, group)


def _start_innd(server: InnServer, timeout: float = 30.0) -> None:
    """Run innd in the foreground as our child and wait for the port to greet with 200/201."""
    out = open(server.root / "log" / "innd.stdout", "ab")
    server.process = subprocess.Popen(
        [str(NEWSBIN / "innd"), "-f"], stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        **server._as_news(),
    )
    out.close()
    process = server.process
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"innd exited {process.returncode}:\n{_log_tail(server.root)}")
        if _greets(server.host, server.port):
            return
        time.sleep(0.1)
    raise RuntimeError(f"innd did not answer on {server.address} within {timeout:.0f} s:\n{_log_tail(server.root)}")


def _greets(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=5) as sock:
            greeting = sock.makefile("rb").readline()
            sock.sendall(b"QUIT\r\n")
    except OSError:
        return False
    return greeting[:3] in (b"200", b"201")


def _log_tail(root: Path) -> str:
    parts = []
    for name in ("innd.stdout", "errlog", "news.err", "news.crit", "news"):
        path = root / "log" / name
        if path.is_file() and path.stat().st_size:
            parts.append(f"--- {name}\n" + path.read_text(errors="replace")[-2000:])
    return "\n".join(parts) or "(no log output)"


def start_server(sample_mbox: Path | None = None, corpus: Path | None | bool = True) -> InnServer:
    """Install if needed, configure, start and load a private INN; the caller must stop() it.

    sample_mbox defaults to $PITH_SAMPLE_MBOX, else tests/data/sample.mbox. corpus=True means
    default_corpus(); None or False, none.
    """
    started = time.monotonic()
    install_inn()
    user = _inn_user()
    sample_mbox = sample_mbox or Path(os.environ.get("PITH_SAMPLE_MBOX") or SAMPLE_MBOX)
    if not sample_mbox.is_file():
        raise FileNotFoundError(f"sample mbox {sample_mbox} is missing (see tests/data/README.md)")
    sample, sample_groups = mbox_articles(sample_mbox)
    corpus_path = default_corpus() if corpus is True else corpus or None
    corpus_groups, corpus_arts = corpus_articles(corpus_path) if corpus_path else ([], [])
    root = Path(tempfile.mkdtemp(prefix="pith-inn-"))
    server = InnServer(root, 0, None, user, sample_groups, sample_mbox=sample_mbox)
    try:
        _configure_and_start(server, group_table(sample_groups, corpus_groups))
        log.info("innd up on %s after %.1f s", server.address, time.monotonic() - started)
        server.rnews(sample)
        if corpus_arts:
            t0 = time.monotonic()
            server.rnews(corpus_arts)
            server.corpus_loaded = True
            log.info("corpus: %d articles fed in %.1f s", len(corpus_arts), time.monotonic() - t0)
    except BaseException:
        server.stop()
        raise
    log.info("INN ready on %s in %.1f s", server.address, time.monotonic() - started)
    return server


def group_table(sample_groups: list[str], corpus_groups: list[str]) -> dict[str, tuple[str, str]]:
    """name -> (flag, description) of every group; flag y: posting allowed, n: refused."""
    groups = {g: ("n", "INN control messages and unfiled articles") for g in SYSTEM_GROUPS}
    groups |= {g: ("y", f"pith sample: {g}") for g in sample_groups}
    groups |= {READONLY_GROUP: ("n", "pith sample, read-only (posting refused)")}
    groups |= {POST_GROUP: ("y", "Local test group (writable; for POST tests)")}
    groups |= {g: ("y", f"20 Newsgroups corpus (1993): {g}") for g in corpus_groups}
    return groups


def _configure_and_start(server: InnServer, groups: dict[str, tuple[str, str]], tries: int = 3) -> None:
    """Write the instance and start innd; a port taken between choosing and binding is retried."""
    for attempt in range(tries):
        server.port = free_port()
        write_config(server.root, server.port, server.user)
        write_groups(server.root, groups)
        _chown_tree(server.root, server.user)
        # An empty history database, sized for the corpus and what tests add.
        _run([str(NEWSBIN / "makedbz"), "-i", "-o", "-s", "100000"], **{**server._as_news(), "cwd": server.root / "db"})
        cert = server.root / "etc" / "cert.pem"
        server.tls_cert = cert if cert.is_file() else None
        server.ca_cert = cert.with_name("ca.pem") if cert.is_file() else None
        try:
            _start_innd(server)
            _start_tls_and_auth(server)
            return
        except RuntimeError:
            if attempt == tries - 1 or "bind" not in _log_tail(server.root).lower():
                raise
            log.warning("port %d was taken; retrying", server.port)


def _start_tls_and_auth(server: InnServer) -> None:
    """Standalone nnrpd daemons: NNTPS, and a port that demands AUTHINFO."""
    if server.tls_cert is None:
        return
    run_as = server._as_news()
    server.nntps_port = free_port()
    inn_tls.start_daemon(run_as, server.nntps_port, "-S")
    server.auth_port = free_port()
    inn_tls.start_daemon(run_as, server.auth_port, "-c", str(server.root / "etc" / "readers-auth.conf"))
    for port in (server.nntps_port, server.auth_port):
        deadline = time.monotonic() + 10
        while not _listening(server.host, port):
            if time.monotonic() > deadline:
                raise RuntimeError(f"nnrpd did not listen on {port}:\n{_log_tail(server.root)}")
            time.sleep(0.05)


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def _inn_user() -> str:
    """The user innd runs as: news. Only root (or news itself) can start it as news.

    innd refuses any other group ("must be run as news group"), so a private instance
    owned by an ordinary user is not possible with Debian's build.
    """
    if os.geteuid() not in (0, pwd.getpwnam("news").pw_uid):
        raise InnUnavailable("starting INN2 needs root (innd must run as user news): run the tests as root")
    return "news"


def _group_of(user: str) -> str:
    """The user's primary group, for runasgroup and the files' group."""
    return grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    return harness_main(argv, name="inn_server", package="inn2", description=__doc__.split("\n\n")[0] if __doc__ else None,
                        install=install_inn, unavailable=InnUnavailable, start=start_server, describe=_describe)


def _describe(server: InnServer) -> str:
    lines = [f"NNTPSERVER={server.address}  (Ctrl-C stops it)"]
    for name, (count, low, high) in sorted(server.group_counts().items()):
        lines.append(f"  {name:28s} {count:>6d}  {low}-{high}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
