"""Discord-facing pieces shared by the cogs: the error path, checks, options, views."""
