"""The force's central store, on PostgreSQL: stations registered, their bundles imported and
checked. Run by `rcrp-central`; imports no Qt, and nothing of the window."""
