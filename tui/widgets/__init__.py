"""Widgets: long lists on the Line API (rendered a line at a time, never a widget per row)."""
