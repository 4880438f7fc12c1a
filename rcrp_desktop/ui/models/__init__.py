"""Qt item models: adapters over the repository's dataclasses, kept apart from the widgets."""
