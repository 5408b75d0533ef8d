"""Key bindings shared by several screens, including those of features still being built.

The keymap is complete from day one: every slrn/tin key a reader expects has a
binding with a stable id, so a user's ``[keys]`` table written today keeps
working. A binding whose feature is not built yet runs ``not_yet`` (see
``tui.screens.base.PithScreen.action_not_yet``), which says so in a notification.
When the feature lands, only the binding's action changes; its id, key and
description stay.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType


def pending(key: str, what: str, binding_id: str, *, show: bool = False) -> Binding:
    """A binding for a feature that another part of pith will provide."""
    return Binding(key, f"not_yet({what!r})", what, id=binding_id, show=show)


EVERYWHERE: list[BindingType] = [
    Binding("question_mark,f1", "help", "Help", id="help"),
    Binding("slash", "search", "Search", id="search", show=False),
    Binding("P", "post", "Post", id="post", show=False),
    Binding("O", "outbox", "Outbox", id="outbox", show=False),
]
"""On every pith screen (the base screen class carries them). F1 is help too: in a text field (the
composer's) ``?`` is a character to type, and Textual leaves it to the field, so F1 is the key that
works there; the footer shows it while a text field has the focus."""

NAVIGATION: list[BindingType] = [
    Binding("n", "next_article", "Next unread", id="next-unread"),
    Binding("p", "previous_article", "Previous unread", id="previous-unread", show=False),
    Binding("N", "next_thread", "Next thread with unread", id="next-unread-thread", show=False),
]
"""Thread list and article, as in slrn: n/p move to the next/previous *unread* article (read ones
are skipped, opening one marks it read), N to the first unread article of a later thread. Rows
that are read stay where they are, so j/k still reach them."""

CATCH_UP = Binding("c", "catch_up", "Catch up", id="catch-up", show=False)
"""Mark a whole group read, after a y/n question (the group list: the group under the cursor)."""

READ_MARKS: list[BindingType] = [
    CATCH_UP,
    Binding("u", "mark_unread", "Mark unread / read", id="mark-unread", show=False),
    Binding("d", "mark_thread_read", "Mark thread read", id="mark-thread-read", show=False),
]
"""Read marks: the same ids on the group list (catch-up only), the thread list and in the pager."""

UNREAD_ONLY = Binding("l", "toggle_unread_only", "Only unread / all", id="toggle-unread-only", show=False)
"""Thread list: show only the threads with unread articles (read parents of unread replies stay)."""

COMPOSE: list[BindingType] = [
    Binding("f", "followup", "Follow up", id="followup", show=False),
    Binding("F", "followup_no_quote", "Follow up without quoting", id="followup-no-quote", show=False),
    Binding("r", "reply", "Reply by mail", id="reply", show=False),
    Binding("g", "reply_all", "Reply to all by mail", id="reply-all", show=False),
    Binding("D", "cancel_article", "Cancel your article", id="cancel-article", show=False),
    Binding("E", "supersede_article", "Supersede your article", id="supersede-article", show=False),
]
"""Writing about the article under the cursor (thread list and pager); P (post) is in EVERYWHERE.
g is mutt's group-reply (author, list and Cc); D is tin's cancel (asks y/n); E rewrites your article
as a supersede."""

EXPORT: list[BindingType] = [
    Binding("vertical_line", "pipe_article", "Pipe article to a command", id="pipe-article", show=False),
    Binding("backslash", "pipe_thread", "Pipe thread as mbox", id="pipe-thread", show=False),
    Binding("w", "save_article", "Save article to an mbox", id="save-article", show=False),
    Binding("W", "save_thread", "Save thread to an mbox", id="save-thread", show=False),
]
"""Pager and thread list: the article (or its thread) as the server sent it, to a shell command
(slrn's and tin's ``|``: ``git am``, ``b4``, ``less``) or appended to an mbox file
(tui/screens/export_actions.py)."""

ARTICLE_ACTIONS: list[BindingType] = [
    *READ_MARKS,
    Binding("K", "kill_thread", "Kill thread", id="kill-thread", show=False),
    Binding("A", "plonk_author", "Plonk author", id="plonk-author", show=False),
    Binding("B", "boost_author", "Boost author", id="boost-author", show=False),
    Binding("C", "cap_author", "Cap author", id="cap-author", show=False),
    Binding("T", "tag_thread", "Tag thread", id="tag-article", show=False),
    Binding("e", "explain", "Explain score", id="explain", show=False),
    *COMPOSE,
]
"""What acts on an article or its thread; the same ids on the thread list and in the pager
(where the killfile ones are handed to the thread list the article was opened from)."""

THREAD_ACTIONS: list[BindingType] = [
    *READ_MARKS,
    Binding("K", "kill_thread", "Kill thread", id="kill-thread", show=False),
    Binding("ctrl+k", "kill_subthread", "Kill subthread", id="kill-subthread", show=False),
    Binding("A", "plonk_author", "Plonk author", id="plonk-author", show=False),
    Binding("B", "boost_author", "Boost author", id="boost-author", show=False),
    Binding("C", "cap_author", "Cap author", id="cap-author", show=False),
    Binding("T", "tag_thread", "Tag thread", id="tag-article", show=False),
    Binding("U", "undo_action", "Undo last kill/plonk/tag", id="undo-action", show=False),
    Binding("e", "explain", "Explain score", id="explain", show=False),
    Binding("H", "toggle_hidden", "Show/hide hidden articles", id="toggle-hidden", show=False),
    Binding("t", "tag_filter", "Tag filter (+tag -tag)", id="tag-filter", show=False),
    Binding("R", "rules", "Rules and problems", id="rules", show=False),
    Binding("S", "statistics", "Statistics", id="statistics", show=False),
    Binding("s", "suggest_rules", "Suggest rules", id="suggest-rules", show=False),
    *COMPOSE,
]
"""The thread list's article actions: the same ids as ARTICLE_ACTIONS, the killfile ones real here."""
