"""Training scenarios: reading and linting them, replaying a run, scoring it."""
