"""Dialogs and overlays: CSV import, gradient check, start screen, keyboard shortcuts."""
