"""The group list as a slrn/tin user expects it (issue 15): subscribed groups by default, L / y
for every group, labelled columns, and new groups announced."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from store.cache import Store
from store.newgroups import NewGroups
from store.readstate import ReadState
from tests.tui.conftest import SIZE, screen_text, settle
from tui.app import PithApp
from tui.widgets.group_list import GroupList

MakeApp = Callable[..., PithApp]
TREE = "pith.test.tree"
MISC = "pith.test.misc"


def prepare(tmp_path: Path, subscribe: tuple[str, ...] = (), new: tuple[str, ...] = ()) -> None:
    store = Store(tmp_path / "store.sqlite3")
    for name in subscribe:
        ReadState(store.db).subscribe(name)
    if new:
        NewGroups(store.db).record({"old.group"}, ["old.group", *new])
    store.close()


def names(app: PithApp) -> list[str]:
    return [group.name for group in app.screen.query_one(GroupList).groups]


async def test_no_subscriptions_shows_every_group_with_column_headers(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert sorted(names(app)) == [MISC, TREE]
        header = screen_text(app).splitlines()[1].split()
        assert header[:3] == ["unread", "group", "total"]
        await pilot.press("L")
        assert sorted(names(app)) == [MISC, TREE]
        assert app.screen.status.message == "no subscribed groups yet, so every group is listed"


async def test_subscribed_groups_by_default_and_L_or_y_shows_all(make_app: MakeApp, tmp_path: Path) -> None:
    prepare(tmp_path, subscribe=(TREE,))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert names(app) == [TREE]
        assert "1 of 2 groups (L/y: all)" in screen_text(app)
        await pilot.press("L")
        assert names(app) == [TREE, MISC]
        assert app.screen.status.message == "every group of the server"
        await pilot.press("y")
        assert names(app) == [TREE]


async def test_an_unsubscribed_row_stays_until_the_view_changes(make_app: MakeApp, tmp_path: Path) -> None:
    prepare(tmp_path, subscribe=(TREE, MISC))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert names(app) == [MISC, TREE]  # subscribed first; TREE kept under the cursor, flagged U
        assert app.screen.query_one(GroupList).current.name == TREE  # type: ignore[union-attr]
        await pilot.press("L", "L")
        assert names(app) == [MISC]


async def test_new_groups_are_announced_flagged_and_listed(make_app: MakeApp, tmp_path: Path) -> None:
    prepare(tmp_path, subscribe=(TREE,), new=(MISC,))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert names(app) == [TREE, MISC]  # new, so shown in the subscribed view
        assert app.screen.status.message.startswith(f"1 new group since the last visit: {MISC}")
        line = next(line for line in screen_text(app).splitlines() if f" {MISC} " in line)
        assert line.split()[0] == "NU"


async def test_toggle_all_groups_is_rebindable(tmp_path: Path) -> None:
    from dataclasses import replace

    from store.config import Config
    from tests.tui.conftest import SNAPSHOT_MBOX, archive_library

    prepare(tmp_path, subscribe=(TREE,))
    app = PithApp(archive_library(SNAPSHOT_MBOX, tmp_path / "store.sqlite3"), title="t",
                  config=replace(Config(), keys={"toggle-all-groups": "a"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        assert names(app) == [TREE, MISC]


async def test_help_lists_the_toggle_with_its_id(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        line = next(line for line in screen_text(app).splitlines() if "toggle-all-groups" in line)
        assert "L" in line and "All groups / subscribed" in line
