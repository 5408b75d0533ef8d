"""nntp/, store/, killfile/ and app/ must never pull in the UI toolkit, nor the lower floors the upper ones."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_lower_layers_do_not_import_textual_or_rich() -> None:
    code = (
        "import sys, pkgutil, importlib\n"
        "for pkg in ('nntp', 'store', 'killfile', 'app'):\n"
        "    mod = importlib.import_module(pkg)\n"
        "    for info in pkgutil.walk_packages(mod.__path__, pkg + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_lower_floors_import_nothing_above_them() -> None:
    """app/ is below tui/ and cli/; store/, killfile/ and nntp/ below app/."""
    above = {"nntp": ("store", "killfile", "app", "tui", "cli"), "store": ("app", "tui", "cli"),
             "killfile": ("app", "tui", "cli"), "app": ("tui", "cli")}
    bad = []
    for floor, banned in above.items():
        for path in (ROOT / floor).rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                words = line.split()
                if len(words) >= 2 and words[0] in ("import", "from") and words[1].split(".")[0] in banned:
                    bad.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert bad == []


def test_ui_and_use_cases_reach_the_store_only_through_the_library() -> None:
    """tui/, cli/ and app/ call the Library's named operations (store/local_ops.py): none of them
    opens SQLite or reaches the store's connection, so the store's interface keeps one shape."""
    bad = []
    for floor in ("tui", "cli", "app"):
        for path in (ROOT / floor).rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if "sqlite3" in line or ".store.db" in line:
                    bad.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert bad == []


def test_the_reader_and_the_cli_never_reach_past_the_library_into_the_store() -> None:
    """tui/ and cli/ do not even hold the Store: a thing they need from it is a named Library operation."""
    bad = []
    for floor in ("tui", "cli"):
        for path in (ROOT / floor).rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"\b(library|lib)\.store\b", line):
                    bad.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert bad == []


def test_tests_mirror_the_packages() -> None:
    """A test lives beside the package it tests; the cross-cutting folders are named for what they hold."""
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name != "tests"}
    cross_cutting = {"integration", "hostile", "fakes", "data", "__snapshots__", "__pycache__"}
    folders = {p.name for p in (ROOT / "tests").iterdir() if p.is_dir()}
    assert folders - packages - cross_cutting == set()
    assert {"nntp", "store", "killfile", "app", "cli", "tui"} <= folders
