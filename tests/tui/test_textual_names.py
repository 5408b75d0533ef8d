"""No class of ours reuses a private name of Textual's own classes.

A ``@work`` method named ``_arrange`` on ThreadsScreen replaced ``Widget._arrange``
(Textual 0.86 called ours for layout and crashed); Python raises nothing when a
subclass shadows a private method, so this test looks for every such clash.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap

import tui
from textual.message_pump import MessagePump

EARLIER_TEXTUAL = {"_arrange"}
"""Private names of Textual releases before the one installed (0.86's Widget._arrange)."""


def tui_classes() -> list[type]:
    """Every class defined in a module of tui/."""
    found = []
    for info in pkgutil.walk_packages(tui.__path__, "tui."):
        module = importlib.import_module(info.name)
        found += [c for c in vars(module).values() if inspect.isclass(c) and c.__module__ == info.name]
    return found


def defined_names(cls: type) -> set[str]:
    """Private methods and class attributes written in the class body (not those Textual's metaclass adds)."""
    body = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0]
    assert isinstance(body, ast.ClassDef)
    names = {n.name for n in body.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    names |= {t.id for n in body.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    names |= {n.target.id for n in body.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


def textual_names(cls: type) -> set[str]:
    """Every name Textual's classes in ``cls``'s ancestry define, plus the earlier releases' known ones."""
    bases = [b for b in cls.__mro__ if b.__module__.split(".")[0] == "textual"]
    return EARLIER_TEXTUAL | {name for base in bases for name in vars(base)}


def test_no_tui_class_shadows_a_textual_private_name() -> None:
    classes = tui_classes()
    widgets = [c for c in classes if issubclass(c, MessagePump)]
    clashes = []
    for cls in classes:  # mixins too: checked against every widget or screen that inherits them
        for widget in (w for w in widgets if cls in w.__mro__):
            clashes += [f"{cls.__qualname__}.{n}" for n in defined_names(cls) & textual_names(widget)]
    assert sorted(set(clashes)) == []
