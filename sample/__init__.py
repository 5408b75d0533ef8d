"""The built-in sample that `pith demo` reads and the tests load into INN2.

`sample.mbox` holds a few hundred real articles (20 Newsgroups, 1993; linux-media,
2018-19) plus hand-made edge cases, in mboxrd format; tests/data/make_sample.py
builds it and explains the choice.
"""

from __future__ import annotations

from pathlib import Path

SAMPLE_MBOX = Path(__file__).with_name("sample.mbox")
