"""The application layer: a call's use cases, between the window (or the CLI) and the core."""
