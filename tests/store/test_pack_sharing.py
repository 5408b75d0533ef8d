"""Decoded packs share repeated authors, subjects and Message-IDs with each other, not only within one pack.

A group is read back from its packs; joined, each distinct author, subject and Message-ID is one
table entry for the whole group, and a Reply's References code is its parent's
own Message-ID code wherever the two were packed.
"""

from __future__ import annotations

from nntp.columns import from_records
from store.colpack import from_blob, to_blob
from store.coljoin import join
from tests.fakes.source import make_overview


def test_two_packs_share_their_authors_subjects_and_message_ids() -> None:
    first = from_blob(to_blob(from_records([make_overview(1), make_overview(2, 1)])))
    second = from_blob(to_blob(from_records([make_overview(4), make_overview(5, 1)])))
    both = join([first, second])
    assert both == [make_overview(n, p) for n, p in ((1, None), (2, 1), (4, None), (5, 1))]
    assert both.author_codes[0] == both.author_codes[2]  # user1@fake
    assert both.subject_codes[1] == both.subject_codes[3]  # "Re: topic 1"
    assert both.reference_codes(3)[0] == both.id_codes[0] == both.reference_codes(1)[0]  # <1@fake>
    assert len(both.authors) == 2 and len(both.subjects) == 3 and len(both.ids) == 4
