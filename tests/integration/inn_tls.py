"""TLS and authentication for the test INN: a test CA, NNTPS, and a port that wants AUTHINFO.

- A CA made here signs the server certificate (CN/SAN localhost, 127.0.0.1): clients
  that trust ``ca.pem`` verify it; clients that don't see an untrusted certificate,
  exactly as with a private server in the wild.
- NNTPS (implicit TLS, RFC 8143): a standalone ``nnrpd -D -S`` on its own port.
- AUTHINFO: another standalone ``nnrpd -D`` whose readers.conf (``-c``) gives no
  anonymous access, so every command answers 480 until ``pith``/``AUTH_PASSWORD``
  logs in (checked by INN's own ckpasswd against a crypt(3) password file).
STARTTLS works on the main port with the same certificate.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

AUTH_USER = "pith"
AUTH_PASSWORD = "s3cret-test-pw"
NEWSBIN = Path("/usr/lib/news/bin")


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_ca_and_certificate(etc: Path) -> None:
    """ca.pem (+ ca-key.pem) and a server cert.pem/key.pem signed by it (EC keys: milliseconds)."""
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    _openssl("req", "-x509", *ec, "-days", "3650", "-subj", "/CN=pith test CA",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             "-keyout", "ca-key.pem", "-out", "ca.pem", cwd=etc)
    _openssl("req", *ec, "-subj", "/CN=localhost", "-keyout", "key.pem", "-out", "server.csr", cwd=etc)
    (etc / "server.ext").write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
    )
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
             "-CAcreateserial", "-days", "3650", "-extfile", "server.ext", "-out", "cert.pem", cwd=etc)


def write_auth_config(etc: Path) -> Path:
    """readers-auth.conf and its password file; returns the readers.conf path for nnrpd -c."""
    hashed = subprocess.run(["openssl", "passwd", "-6", AUTH_PASSWORD], check=True,
                            capture_output=True, text=True).stdout.strip()
    (etc / "passwd").write_text(f"{AUTH_USER}:{hashed}\n")
    conf = etc / "readers-auth.conf"
    conf.write_text(
        'auth "users" {\n    hosts: "*"\n'
        f'    auth: "ckpasswd -f {etc / "passwd"}"\n}}\n'
        f'access "users" {{\n    users: "{AUTH_USER}"\n    newsgroups: "*"\n    access: RP\n'
        "    addcanlockuser: none\n}\n"
    )
    return conf


def start_daemon(run_as: dict[str, Any], port: int, *extra: str) -> None:
    """A standalone nnrpd on 127.0.0.1:port (it forks into the background)."""
    subprocess.run([str(NEWSBIN / "nnrpd"), "-D", "-b", "127.0.0.1", "-p", str(port), *extra],
                   check=True, capture_output=True, **run_as)


def stop_daemons(run_dir: Path) -> None:
    """Stop every standalone nnrpd of this instance (their pid files are in pathrun)."""
    for pidfile in run_dir.glob("nnrpd-*.pid"):
        try:
            pid = int(pidfile.read_text().split()[0])
            os.kill(pid, signal.SIGTERM)
        except (ValueError, OSError, IndexError):
            continue
        for _ in range(50):
            try:
                os.kill(pid, 0)
            except OSError:
                break
            time.sleep(0.05)
