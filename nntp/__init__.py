"""NNTP protocol, article parsing and the sources pith reads from. No UI code here."""
