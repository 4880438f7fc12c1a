"""Who may do what: roles, the actions they permit, and the databases they work in."""
