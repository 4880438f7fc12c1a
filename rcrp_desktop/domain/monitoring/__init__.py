"""The monitoring figures partners asked for: defined once, run on either store."""
