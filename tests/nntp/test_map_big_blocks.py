"""glibc's mmap threshold held fixed (nntp/memtrim.py map_big_blocks): big temporary arrays freed while a reader
holds a group give their pages back at once, not at the next trim."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import sys
sys.path.insert(0, {root!r})
from nntp.memtrim import map_big_blocks
def rss():
    return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) // 1024
if {fixed}:
    assert map_big_blocks()
big = bytearray(30 << 20); del big                # a big block mapped and freed: glibc raises its threshold
blocks = [bytearray(2 << 20) for _ in range(40)]  # 80 MB of temporary arrays
pin = bytearray(200 << 10)                        # something allocated after them that stays
before = rss()
blocks = None
print(before - rss())
"""


def freed_mb(fixed: bool) -> int:
    out = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT), fixed=fixed)], capture_output=True,
                         text=True, check=True).stdout
    return int(out)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc is what is tuned")
def test_temporary_arrays_give_their_pages_back_when_freed() -> None:
    assert freed_mb(fixed=True) >= 70
    assert freed_mb(fixed=False) < 20  # what glibc does by itself: the pages stay until a trim
