"""A private, throw-away public-inbox NNTP server on 127.0.0.1 for the integration tests.

Why public-inbox as well as INN2: it is the software behind lore.kernel.org, where
mailing lists are read over NNTP, and it behaves differently in ways pith must
handle: it greets 201 (read-only), answers POST with ``440 mailto:<list>`` only
once a GROUP selected the list, and serves the archive's raw bytes (UTF-8 and
Latin-1 mails side by side) in its overviews.

Everything lives in one temporary directory: the public-inbox config (``PI_CONFIG``),
a HOME of its own, the v2 inbox, the daemon's logs. The daemon is our child,
listening on 127.0.0.1 only, on a port chosen here; stop() ends it and removes the
directory. Only the Debian package ``public-inbox`` is shared. The recipe is the one
of ../shared/nntp-server/pi-up.sh.

The inbox holds a small sample of the real linux-media archive
(../shared/corpus/linux-media-*.mbox.xz): its first messages and the Latin-1 ones
among the next few hundred, as ``org.kernel.vger.linux-media`` with the list
address linux-media@vger.kernel.org. Without ../shared it holds tests/data/sample.mbox.

    python -m tests.integration.pi_server --install   # install public-inbox (root) if missing
    python -m tests.integration.pi_server --serve     # run one until Ctrl-C, for manual use
"""

from __future__ import annotations

import logging
import lzma
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from tests.integration.harness_cli import harness_main
from tests.integration.inn_server import _apt, _apt_has_candidate, _run, _service_starts_forbidden, free_port

log = logging.getLogger("pi_server")

REPO = Path(__file__).resolve().parents[2]
CORPUS_DIR = REPO.parent / "shared" / "corpus"
SAMPLE_MBOX = REPO / "tests" / "data" / "sample.mbox"
HOST = "127.0.0.1"
NAME = "linux-media"
GROUP = "org.kernel.vger.linux-media"
LIST_ADDRESS = "linux-media@vger.kernel.org"
FIRST = 300
"""Messages taken from the start of the archive (threads stay whole enough to thread)."""
LATIN1_WINDOW = 1000
"""Non-UTF-8 messages up to this index are taken too, so the sample has several."""
_IMPORT = """
use strict; use PublicInbox::Config; use PublicInbox::InboxWritable;
my $cfg = PublicInbox::Config->new;
my $ibx = $cfg->lookup_name($ARGV[0]) or die "no inbox $ARGV[0]\\n";
$ibx = PublicInbox::InboxWritable->new($ibx);
open my $fh, "<", $ARGV[1] or die "$ARGV[1]: $!\\n";
$ibx->import_mbox($fh, "mboxrd");
"""
"""public-inbox 1.9 has no mbox import command; InboxWritable::import_mbox is what pi-up.sh uses."""


class PiUnavailable(Exception):
    """public-inbox cannot be had on this machine (not installed, and we may not install it)."""


# ---------------------------------------------------------------- installing


def pi_installed() -> bool:
    return shutil.which("public-inbox-nntpd") is not None and shutil.which("public-inbox-init") is not None


def install_public_inbox() -> None:
    """Install Debian's public-inbox if it is missing; PiUnavailable when we may not."""
    if pi_installed():
        return
    if os.geteuid() != 0:
        raise PiUnavailable("public-inbox is not installed and installing it needs root: "
                            "run the tests as root (make test) or apt-get install public-inbox first")
    with _service_starts_forbidden():
        if not _apt_has_candidate("public-inbox"):
            _apt("update", "-q")
        if not _apt("install", "-y", "-q", "public-inbox"):
            _apt("update", "-q")  # stale package lists
            _apt("install", "-y", "-q", "public-inbox")
    if not pi_installed():
        raise RuntimeError("apt-get install public-inbox failed; see the log above")


# ---------------------------------------------------------------- the sample


def default_archive() -> Path | None:
    """The real linux-media archive in ../shared/corpus, when it is there."""
    found = sorted(CORPUS_DIR.glob("linux-media-*.mbox.xz")) if CORPUS_DIR.is_dir() else []
    return found[0] if found else None


def iter_mboxrd(stream: IO[bytes]) -> Iterator[bytes]:
    """Each message of an mbox with its ``From `` separator line, bytes untouched."""
    current: list[bytes] = []
    for line in stream:
        if line.startswith(b"From ") and current:
            yield b"".join(current)
            current = []
        current.append(line)
    if current:
        yield b"".join(current)


def is_utf8(message: bytes) -> bool:
    try:
        message.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def archive_sample(path: Path, first: int = FIRST, window: int = LATIN1_WINDOW) -> list[bytes]:
    """The first ``first`` messages, and the non-UTF-8 ones among the first ``window``, in order."""
    opener = lzma.open if path.suffix == ".xz" else open
    taken = []
    with opener(path, "rb") as stream:  # type: ignore[operator]
        for index, message in enumerate(iter_mboxrd(stream)):
            if index >= window:
                break
            if index < first or not is_utf8(message):
                taken.append(message)
    return taken


def sample_messages(archive: Path | None = None) -> list[bytes]:
    """The messages the inbox is loaded with: the archive sample, else tests/data/sample.mbox."""
    archive = archive or default_archive()
    if archive is not None:
        return archive_sample(archive)
    with open(SAMPLE_MBOX, "rb") as stream:
        return list(iter_mboxrd(stream))


# ---------------------------------------------------------------- the server


@dataclass
class PiServer:
    """One running private public-inbox nntpd: where to reach it and what it holds."""

    root: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    messages: list[bytes] = field(default_factory=list, repr=False)
    host: str = HOST
    group: str = GROUP
    list_address: str = LIST_ADDRESS

    @property
    def address(self) -> str:
        """host:port, as pith --server and NNTPSERVER take it."""
        return f"{self.host}:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        """public-inbox's environment: its config, HOME and data all under root."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
        home = self.root / "home"
        return {**env, "PI_CONFIG": str(self.root / "config"), "HOME": str(home),
                "PI_DIR": str(home / ".public-inbox")}

    def stop(self) -> None:
        """Stop the daemon (our child) and remove the whole instance."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def _create_inbox(server: PiServer) -> None:
    """public-inbox-init, then import and index the sample (as pi-up.sh does)."""
    (server.root / "home").mkdir(parents=True)
    inbox = server.root / "inbox" / NAME
    mbox = server.root / f"{NAME}.mbox"
    mbox.write_bytes(b"".join(server.messages))
    env = {"env": server.env, "cwd": server.root}
    _run(["public-inbox-init", "-V2", "-j", "1", "-L", "basic", "--ng", server.group, NAME, str(inbox),
          f"http://127.0.0.1/{NAME}", server.list_address], **env)
    _run(["perl", "-w", "-e", _IMPORT, NAME, str(mbox)], **env)
    _run(["public-inbox-index", str(inbox)], **env)


def _start_nntpd(server: PiServer, timeout: float = 30.0) -> None:
    """public-inbox-nntpd in the foreground as our child; wait until it greets."""
    log_file = open(server.root / "nntpd.log", "ab")
    server.process = subprocess.Popen(
        ["public-inbox-nntpd", "-l", f"nntp://{server.host}:{server.port}"],
        stdout=log_file, stderr=subprocess.STDOUT, env=server.env, cwd=server.root, start_new_session=True,
    )
    log_file.close()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"public-inbox-nntpd exited {server.process.returncode}:\n{_log_tail(server)}")
        if _greeting(server.host, server.port).startswith(b"201"):
            return
        time.sleep(0.1)
    raise RuntimeError(f"public-inbox-nntpd did not greet on {server.address} in {timeout:.0f} s:\n"
                       f"{_log_tail(server)}")


def _greeting(host: str, port: int) -> bytes:
    try:
        with socket.create_connection((host, port), timeout=5) as sock:
            line = sock.makefile("rb").readline()
            sock.sendall(b"QUIT\r\n")
            return line
    except OSError:
        return b""


def _log_tail(server: PiServer) -> str:
    path = server.root / "nntpd.log"
    return path.read_text(errors="replace")[-2000:] if path.is_file() else "(no log output)"


def start_server(archive: Path | None = None, tries: int = 3) -> PiServer:
    """Install if needed, build the inbox, start nntpd; the caller must stop() it."""
    started = time.monotonic()
    install_public_inbox()
    server = PiServer(Path(tempfile.mkdtemp(prefix="pith-pi-")), messages=sample_messages(archive))
    try:
        _create_inbox(server)
        for attempt in range(tries):  # a port taken between choosing and binding is retried
            server.port = free_port()
            try:
                _start_nntpd(server)
                break
            except RuntimeError:
                if attempt == tries - 1:
                    raise
    except BaseException:
        server.stop()
        raise
    log.info("public-inbox ready on %s in %.1f s (%d messages)", server.address,
             time.monotonic() - started, len(server.messages))
    return server


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    return harness_main(argv, name="pi_server", package="public-inbox",
                        description=__doc__.split("\n\n")[0] if __doc__ else None,
                        install=install_public_inbox, unavailable=PiUnavailable, start=start_server,
                        describe=lambda server: f"NNTPSERVER={server.address}  {server.group}: "
                                                f"{len(server.messages)} messages (Ctrl-C stops it)")


if __name__ == "__main__":
    sys.exit(main())
