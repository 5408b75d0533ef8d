"""pith's version, for ``pith --version`` and the User-Agent of what it posts.

The distribution is ``pith-news`` (the name ``pith`` on the package index is
another project's), so the metadata is looked up under that name; never under
``pith``, which would report the other project's version if it were installed.
"""

from __future__ import annotations

import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

DISTRIBUTION = "pith-news"
_PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def pith_version() -> str:
    """The installed version; from a source tree that was never installed, pyproject's; else ``unknown``."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return _source_tree_version() or "unknown"


def _source_tree_version() -> str | None:
    try:
        project = tomllib.loads(_PYPROJECT.read_text(encoding="utf-8")).get("project", {})
    except (OSError, ValueError):
        return None
    return project.get("version") if project.get("name") == DISTRIBUTION else None
