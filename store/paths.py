"""Where pith keeps things, from platformdirs (so the XDG_* variables move them).

Every lookup goes through these functions so tests can point them elsewhere by
setting XDG_CONFIG_HOME / XDG_DATA_HOME / XDG_STATE_HOME / XDG_CACHE_HOME.
"""

from __future__ import annotations

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
