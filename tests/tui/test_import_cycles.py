"""tui/ imports as a tree: no module reaches itself again through imports of tui.* modules.

Every import counts, wherever it stands: at module level, inside a function (a late
import that only hides a cycle is still one), and under ``if TYPE_CHECKING:``.
Screens that open other screens ask the app by request (tui/navigation.py), and the
help screen finds its sections in a registry (tui/help_sections.py), so nothing
needs to import back up.
"""

from __future__ import annotations

import ast
from pathlib import Path

TUI = Path(__file__).resolve().parents[2] / "tui"


def module_name(path: Path) -> str:
    parts = path.relative_to(TUI.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(node: ast.AST, modules: set[str]) -> set[str]:
    """The tui modules one import statement names (``from tui.screens import help`` names tui.screens.help)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names} & modules
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        named = {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        return named & modules
    return set()


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in TUI.rglob("*.py")}
    modules = set(paths)
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[name] = {target for node in ast.walk(tree) for target in imported(node, modules)} - {name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle as [a, b, ..., a], or [] when the graph is a DAG (depth-first, colouring nodes)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = 2
        path.pop()
        return []

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return []


def test_tui_has_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert not cycle, "import cycle in tui/: " + " -> ".join(cycle)


def test_the_graph_sees_every_kind_of_import() -> None:
    """The check itself: late, TYPE_CHECKING and ``from package import module`` imports are edges."""
    graph = import_graph()
    assert "tui.screens.help" in graph["tui.screens.base"]  # module level
    assert "tui.screens.compose" in graph["tui.opener"]  # inside a function
    assert "tui.widgets.status_line" in graph["tui.screens.compose_actions"]  # under TYPE_CHECKING
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []
