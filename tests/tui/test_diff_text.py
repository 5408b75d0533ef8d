"""Patches in the pager: diff roles (app/diff_text.py), their theme colours, long diff lines marked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.tui.conftest import SIZE, settle
from tui.app import PithApp
from app.article_text import body_lines
from app.diff_text import diff_roles
from tui.widgets.article_view import CONTINUED, ArticleView

MakeApp = Callable[..., PithApp]

PATCH = """Fix the thing.

Signed-off-by: Ann <ann@example.org>
---
 drivers/media/f.c | 3 ++-
 1 file changed, 2 insertions(+), 1 deletion(-)

diff --git a/drivers/media/f.c b/drivers/media/f.c
index 1111111..2222222 100644
--- a/drivers/media/f.c
+++ b/drivers/media/f.c
@@ -10,3 +10,4 @@ static int f(void)
 \tint a;
-\treturn 0;
+\tint b;
+\treturn a + b;

--- a/g.c
+++ b/g.c
@@ -1 +1 @@
--- old
+++ new
\\ No newline at end of file
-- 
2.43.0
"""


def test_diff_roles_follow_the_hunk_counts() -> None:
    lines = PATCH.split("\n")
    roles = dict(zip(lines, diff_roles(lines)))
    assert roles["diff --git a/drivers/media/f.c b/drivers/media/f.c"] == "diff-file"
    assert roles["index 1111111..2222222 100644"] == roles["+++ b/drivers/media/f.c"] == "diff-file"
    assert roles["@@ -10,3 +10,4 @@ static int f(void)"] == "diff-hunk"
    assert roles[" \tint a;"] == "diff-context" and roles["-\treturn 0;"] == "diff-removed"
    assert roles["+\treturn a + b;"] == "diff-added"
    assert roles["--- old"] == "diff-removed" and roles["+++ new"] == "diff-added"  # counted, not headers
    assert roles["\\ No newline at end of file"] == "diff-context"
    for prose in ("Fix the thing.", "---", " drivers/media/f.c | 3 ++-", "-- ", "2.43.0"):
        assert roles[prose] is None, prose


def test_prose_that_looks_like_a_diff_is_left_alone() -> None:
    lines = ["--- not a header", "+ a plus list item", "- a dash item", "@@ not a hunk"]
    assert diff_roles(lines) == [None] * 4


def test_signature_after_a_patch_is_still_the_signature() -> None:
    lines, _ = body_lines(PATCH, "[PATCH] fix")
    by_text = {"".join(text for text, _ in line): line[0][1] for line in lines}
    assert by_text["-- "] == "signature" and by_text["2.43.0"] == "signature"
    assert by_text["+\tint b;".expandtabs(8)] == "diff-added"


def patch_mbox(tmp_path: Path) -> Path:
    long_line = "+\tpr_info(\"" + "x" * 200 + "\");"
    body = PATCH.replace("+\tint b;", long_line)
    path = tmp_path / "patch.mbox"
    path.write_text("From x Thu Jan  1 00:00:00 1970\nNewsgroups: test.patch\nFrom: Ann <ann@example.org>\n"
                    "Subject: [PATCH] media: fix\nMessage-ID: <p@example.org>\n"
                    "Date: Mon, 05 Apr 1993 10:00:00 +0000\n\n" + body + "\n")
    return path


async def test_diff_colours_and_continuation_marker_in_the_pager(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(patch_mbox(tmp_path), start_group="test.patch", start_article="<p@example.org>")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        colours = {role: view.get_component_rich_style(f"article-view--{role}").color
                   for role in ("diff-added", "diff-removed", "diff-hunk", "diff-file", "diff-context")}
        assert len(set(colours.values())) == 5 and None not in colours.values()
        source = {line.plain: line for line in view._source}
        for text, role in (("-\treturn 0;".expandtabs(8), "diff-removed"), ("+++ b/drivers/media/f.c", "diff-file"),
                           ("@@ -10,3 +10,4 @@ static int f(void)", "diff-hunk")):
            assert source[text].spans[0].style.color == colours[role], text
        shown = [line.plain for line in view._lines]
        start = next(i for i, text in enumerate(shown) if text.startswith("+       pr_info(\"xxx"))
        assert shown[start + 1].startswith(CONTINUED + "xxx")
        parts = [shown[start]]
        for text in shown[start + 1:]:
            if not text.startswith(CONTINUED):
                break
            parts.append(text[len(CONTINUED):])
        assert "".join(parts) == "+       pr_info(\"" + "x" * 200 + "\");"  # cut at the width, nothing lost
        app.theme = "textual-light"  # a theme without pith's variables still colours diffs
        await pilot.pause()
        assert view.get_component_rich_style("article-view--diff-added").color is not None
