"""The use cases the reader and the CLI share: entering and scoring a group, read marks, posting, views, stats.

Nothing here imports Textual or Rich (tests/test_import_hygiene.py holds it); tui/ only presents what these return.
"""
