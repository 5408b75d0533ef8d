"""Scoring, killing and tagging: pure functions from articles and rules. No UI code here."""
