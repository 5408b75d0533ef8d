"""Where pith keeps things, from platformdirs (so the XDG_* variables move them).

Every lookup goes through these functions so tests can point them elsewhere by
setting XDG_CONFIG_HOME / XDG_DATA_HOME / XDG_STATE_HOME / XDG_CACHE_HOME.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs

APP = "pith"


def config_dir() -> Path:
    """config.toml, score.toml, user themes."""
    return platformdirs.user_config_path(APP, appauthor=False)


def data_dir() -> Path:
    """Per-server stores (overviews, bodies, read state, drafts, outbox)."""
    return platformdirs.user_data_path(APP, appauthor=False)


def state_dir() -> Path:
    """App-owned state that is not user data (last group, window layout)."""
    return platformdirs.user_state_path(APP, appauthor=False)


def cache_dir() -> Path:
    """Throw-away caches."""
    return platformdirs.user_cache_path(APP, appauthor=False)


# -- private files ------------------------------------------------------------
# Stores hold drafts, the outbox and read marks: nobody else on the machine should
# read them. Files pith creates are 0600 in 0700 folders, and folders or files of
# pith's own that an older pith left open are tightened when they are next used.

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def own_roots() -> tuple[Path, ...]:
    """The folders pith owns: it may tighten these and anything below them, nothing else."""
    return (config_dir(), data_dir(), state_dir(), cache_dir())


@contextmanager
def private_umask() -> Iterator[None]:
    """Files and folders created inside come out 0600 / 0700 whatever the user's umask.

    The umask is per process; it is held only around the few calls that create files.
    """
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def private_dir(path: Path) -> Path:
    """Make ``path`` (and missing parents) 0700; tighten it and its parents up to a pith root."""
    with private_umask():
        path.mkdir(parents=True, exist_ok=True)
    for folder in _own_chain(path):
        tighten(folder, PRIVATE_DIR)
    return path


def private_file(path: Path) -> Path:
    """Ready ``path`` for writing: its folder made as private_dir does; the file itself, when it
    exists inside pith's own folders (an older pith's 0644 outgoing.mbox), tightened to 0600."""
    private_dir(path.parent)
    if _own_chain(path) and path.exists():
        tighten(path, PRIVATE_FILE)
    return path


def tighten(path: Path, mode: int) -> None:
    """Drop group/other bits from one existing file or folder of pith's; never fails loudly."""
    try:
        current = path.stat().st_mode & 0o777
        if current & 0o077:
            os.chmod(path, current & mode)
    except OSError:
        pass  # gone meanwhile, or not ours to change: creating anew is what matters


def tighten_files(*paths: Path) -> None:
    """0600 for those of ``paths`` that exist (a store and its -wal / -shm)."""
    for path in paths:
        if path.exists():
            tighten(path, PRIVATE_FILE)


def _own_chain(path: Path) -> list[Path]:
    """``path`` and its parents up to (and with) the pith root holding it; [] outside them."""
    resolved = path.resolve()
    for root in own_roots():
        root = root.resolve()
        if resolved == root or root in resolved.parents:
            return [resolved, *[p for p in resolved.parents if p == root or root in p.parents]]
    return []


def sidecars(db: Path) -> tuple[Path, Path, Path]:
    """A SQLite file with the -wal and -shm files WAL mode keeps beside it."""
    return db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")
