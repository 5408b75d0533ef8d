"""The help screen's sections: which screens and widgets list their keys under which title.

A screen or widget says where its keys belong with one class attribute,
``HELP_SECTION = "Thread list"``; defining the class registers it here (through
``HelpSectioned.__init_subclass__``), so the keymap and the help screen list
every screen's keys without importing a single screen, and the import graph of
tui/ stays free of cycles. The sections come in the order of ``Section``.

The app imports most screens only when they are first opened, yet help and the
``[keys]`` check need them all: ``load()`` imports the modules named in
``SECTION_MODULES`` (a test holds that every class with a HELP_SECTION is in one).
"""

from __future__ import annotations

import importlib
from enum import StrEnum
from typing import Any, ClassVar

from textual.screen import Screen


class Section(StrEnum):
    """The help screen's headings, in the order it lists them ("Everywhere" first)."""

    EVERYWHERE = "Everywhere"
    GROUPS = "Group list"
    THREADS = "Thread list"
    ARTICLE = "Article"
    SEARCH = "Search results"
    COMPOSER = "Composer"
    OUTBOX = "Outbox"
    DRAFTS = "Drafts"


SECTION_MODULES = (
    "tui.screens.base", "tui.screens.groups", "tui.widgets.group_list", "tui.screens.threads",
    "tui.widgets.thread_list", "tui.screens.article", "tui.widgets.article_view", "tui.screens.search",
    "tui.screens.compose", "tui.screens.outbox",
)
"""The modules that declare a HELP_SECTION, by name: imported by ``load()``, never at import time."""

_REGISTRY: dict[Section, list[type]] = {}


class HelpSectioned:
    """Mixed into pith's screens and list widgets: a class declaring HELP_SECTION registers itself.

    Only a class's own declaration counts, not an inherited one: a screen built on
    PithScreen ("Everywhere") without a section of its own lists nothing extra.
    """

    HELP_SECTION: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared = cls.__dict__.get("HELP_SECTION")
        if declared is not None:
            register(cls, declared)


def register(cls: type, title: str) -> None:
    """File ``cls`` under section ``title``; a title that is no Section stops the import, naming the class."""
    try:
        section = Section(title)
    except ValueError:
        known = ", ".join(repr(s.value) for s in Section)
        raise ValueError(f"{cls.__qualname__}.HELP_SECTION: no section {title!r} (one of {known})") from None
    classes = _REGISTRY.setdefault(section, [])
    if cls not in classes:
        classes.append(cls)


def section_of(cls: type) -> Section | None:
    """The section ``cls`` itself declares (an inherited one does not count), if any."""
    declared = cls.__dict__.get("HELP_SECTION")
    return Section(declared) if declared is not None else None


def load() -> None:
    """Import every module that declares a section (cheap once they are imported)."""
    for name in SECTION_MODULES:
        importlib.import_module(name)


def registered() -> list[tuple[Section, list[type]]]:
    """Every section with its classes, in Section order; screens before the widgets on them."""
    load()
    return [(section, sorted(_REGISTRY[section], key=_is_widget)) for section in Section if section in _REGISTRY]


def _is_widget(cls: type) -> bool:
    """Screens sort first: their description of a binding id wins over a widget's (as it always has)."""
    return not issubclass(cls, Screen)
