"""A protocol pack: its dataclasses, reading and linting it, and what its paths cost."""
