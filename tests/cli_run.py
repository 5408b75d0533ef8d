"""Running the CLI in-process, as the command-line tests do: ``main.main`` and what it printed."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``pith ARGV``: its exit status, stdout and stderr."""
    code = main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def all_nodes(roots: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every node of ``threads --json`` trees, without recursion (a chain may be 1,000 deep)."""
    found, stack = [], list(roots)
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node["children"])
    return found


def chain_end(text: str) -> tuple[int, dict[str, Any]]:
    """(depth, node) of the last reply in the first thread of ``threads --json`` text that is one long chain."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20000)  # json.loads recurses: a chain may be 1,200 deep
    try:
        node, depth = json.loads(text)[0], 0
    finally:
        sys.setrecursionlimit(limit)
    while node["children"]:
        (node,) = node["children"]
        depth += 1
    return depth, node
