"""A supervisor's review of calls, and the facts of a call that reviews and figures read."""
