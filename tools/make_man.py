"""Writes docs/pith.1 from pith's argparse definitions (run from the repository: python tools/make_man.py).

tests/test_packaging.py fails when docs/pith.1 is not what this writes, so
a new command or option means running this once and committing the page.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "pith.1"


def render() -> str:
    """The page as pith's parser defines it now."""
    sys.path.insert(0, str(ROOT))
    from cli.manpage import man_page
    from cli.parser_tree import command_tree
    from main import build_parser

    return man_page(command_tree(build_parser()))


if __name__ == "__main__":
    PAGE.write_text(render(), encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
