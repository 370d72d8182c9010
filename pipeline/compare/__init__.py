"""Comparing versions (change summary, redlines, memo) and any two Word files."""
