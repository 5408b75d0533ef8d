"""Local state: the SQLite cache and the Library the UI and CLI talk to. No UI code here."""
