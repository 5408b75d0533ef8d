"""One module per screen: group list, thread list, article, and the screens opened from them.

Screens import only what lies below them (PithScreen, widgets, the small modal
screens); a screen opened from a lower one is asked for by request
(tui/navigation.py), which the app builds (tui/opener.py). tests/tui/test_import_cycles.py
holds that tui/ has no import cycle.
"""
