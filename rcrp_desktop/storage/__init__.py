"""Durable storage of decision records (SQLite through sqlite-utils)."""
