"""Which body lines are a unified diff, and their part in it: patches read well in the pager.

A mailing list like linux-media is mostly patches. Lines are only given diff
roles inside what is plainly a diff: file headers (``diff --git`` and what
follows it, or a ``---`` line followed by ``+++`` and a hunk header) and hunks,
whose header says how many old and new lines follow, so a hunk ends exactly
where it should: the ``-- `` signature after a patch, the diffstat and the prose
before it stay ordinary text. Nothing here imports textual or rich.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

DIFF_ROLES = ("diff-file", "diff-hunk", "diff-added", "diff-removed", "diff-context")

_HUNK = re.compile(r"@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")
_GIT_HEADER = ("index ", "new file mode", "deleted file mode", "old mode", "new mode", "similarity index",
               "dissimilarity index", "rename from", "rename to", "copy from", "copy to", "Binary files")


def diff_roles(lines: Sequence[str]) -> list[str | None]:
    """One role per line (None: not part of a diff)."""
    roles: list[str | None] = [None] * len(lines)
    index = 0
    while index < len(lines):
        index = _hunk(lines, index, roles) if _HUNK.match(lines[index]) else _header(lines, index, roles)
    return roles


def _header(lines: Sequence[str], index: int, roles: list[str | None]) -> int:
    """File header lines starting at ``index`` get diff-file; -> the next line to look at."""
    line = lines[index]
    if line.startswith("diff --git ") or line.startswith("diff -"):
        roles[index] = "diff-file"
        index += 1
        while index < len(lines) and lines[index].startswith(_GIT_HEADER):
            roles[index] = "diff-file"
            index += 1
        return index
    if line.startswith("--- ") and index + 2 < len(lines) and lines[index + 1].startswith("+++ ") \
            and _HUNK.match(lines[index + 2]):
        roles[index] = roles[index + 1] = "diff-file"
        return index + 2
    return index + 1


def _hunk(lines: Sequence[str], index: int, roles: list[str | None]) -> int:
    """A hunk header and the lines it counts; -> the line after the hunk."""
    match = _HUNK.match(lines[index])
    assert match is not None
    old = int(match.group(1) or 1)
    new = int(match.group(2) or 1)
    roles[index] = "diff-hunk"
    index += 1
    while index < len(lines) and (old > 0 or new > 0):
        kind = lines[index][:1]
        if kind == "-" and old > 0:
            roles[index], old = "diff-removed", old - 1
        elif kind == "+" and new > 0:
            roles[index], new = "diff-added", new - 1
        elif kind in (" ", "") and old > 0 and new > 0:  # "": a mailer ate the context line's space
            roles[index], old, new = "diff-context", old - 1, new - 1
        elif kind == "\\":  # "\ No newline at end of file"
            roles[index] = "diff-context"
        else:
            break  # the hunk is cut short: what follows is not counted as diff
        index += 1
    while index < len(lines) and lines[index].startswith("\\"):
        roles[index] = "diff-context"
        index += 1
    return index
