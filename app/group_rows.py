"""What the group list shows beside each name: unread count, subscribed, new; and in what order.

Built on the session thread from the store in one pass (one query for every
group's read marks, not one per group: servers carry 50,000 groups; the count is
store/readstate.py ``unread_count``, the CLI's too), so the
group list can be brought up to date cheaply each time the reader comes back to
it. Pure Python: no textual, no rich.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from nntp.models import GroupInfo
from store.library import Library


@dataclass(frozen=True)
class GroupListing:
    """The groups in display order (subscribed first, in the reader's order) and their marks."""

    groups: list[GroupInfo]
    unread: dict[str, int] = field(default_factory=dict)
    subscribed: frozenset[str] = frozenset()
    new: frozenset[str] = frozenset()


def order_groups(groups: Iterable[GroupInfo], subscribed: list[str]) -> list[GroupInfo]:
    """Subscribed groups first in ``subscribed`` order (those the source lists), then the rest as given."""
    by_name = {group.name: group for group in groups}
    first = [by_name[name] for name in subscribed if name in by_name]
    chosen = set(subscribed)
    return first + [group for name, group in by_name.items() if name not in chosen]


def group_listing(library: Library, groups: list[GroupInfo]) -> GroupListing:
    """Order ``groups`` and count their unread articles (session thread only)."""
    subscribed = library.subscribed()
    ordered = order_groups(groups, subscribed)
    unread = library.unread_counts(ordered)  # the rule of `pith groups --json` too
    return GroupListing(ordered, unread, frozenset(subscribed), frozenset(library.new_groups()))


def shown_groups(listing: GroupListing, show_all: bool, keep: frozenset[str] = frozenset()) -> list[GroupInfo]:
    """The rows of the group list: every group, or (the default, as in slrn and tin) the subscribed
    ones, the new ones (announced, so the reader can subscribe) and ``keep`` (rows already on show,
    so unsubscribing or reading a new group does not pull the row from under the cursor).

    A reader with no subscriptions at all sees every group: a first start must not be empty.
    """
    if show_all or not listing.subscribed:
        return list(listing.groups)
    wanted = listing.subscribed | listing.new | keep
    return [group for group in listing.groups if group.name in wanted]


def new_groups_notice(listing: GroupListing, limit: int = 5) -> str:
    """"3 new groups: a, b, c" (the first ``limit`` names, in list order), or "" when none are new."""
    names = [group.name for group in listing.groups if group.name in listing.new]
    if not names:
        return ""
    more = f" and {len(names) - limit:,} more" if len(names) > limit else ""
    plural = "s" if len(names) > 1 else ""
    return f"{len(names):,} new group{plural} since the last visit: {', '.join(names[:limit])}{more}"
