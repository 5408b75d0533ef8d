"""A scripting command's imports (cli/command_start.py): dataclass methods from the commands' cache, the collector
paused, then what start-up made frozen; a process that has the command's module already is left alone."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from cli.command_start import CACHE_FILE, command_imports
from store.paths import cache_dir

REPO = Path(__file__).resolve().parents[2]
PROBE = ("import gc, dataclasses, main; main.build_parser(['sync', 'g']); "
         "print(gc.isenabled(), gc.get_freeze_count() > 0, hasattr(dataclasses, 'exec'))")


def run_probe() -> str:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_a_fresh_command_compiles_its_dataclasses_once_and_collects_again_after() -> None:
    cache = cache_dir() / CACHE_FILE
    assert not cache.exists()
    assert run_probe() == "True True False"  # collecting again, start-up frozen, the builtin exec again
    assert cache.stat().st_size > 10_000
    written = cache.stat().st_mtime_ns
    assert run_probe() == "True True False"
    assert cache.stat().st_mtime_ns == written  # nothing new compiled: nothing written


def test_a_process_that_has_the_modules_is_left_as_it_is() -> None:
    import cli.sync  # noqa: F401 - already imported, as in a test calling main again

    frozen = gc.get_freeze_count()
    with command_imports(("cli.sync",)):
        assert gc.isenabled()
    assert gc.get_freeze_count() == frozen
    assert not (cache_dir() / CACHE_FILE).exists()


def test_a_failed_import_freezes_nothing() -> None:
    frozen = gc.get_freeze_count()
    try:
        with command_imports(("pith_no_such_module",)):
            assert not gc.isenabled()
            raise ImportError("boom")
    except ImportError:
        pass
    assert gc.isenabled() and gc.get_freeze_count() == frozen
