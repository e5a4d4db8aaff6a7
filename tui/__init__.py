"""Textual terminal UI (tui/): views only."""
