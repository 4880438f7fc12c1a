"""Widgets of the call window."""
