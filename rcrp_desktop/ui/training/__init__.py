"""Trainer mode (R26) in the window: scenarios, the caller panel, the debrief, the trainer view."""
