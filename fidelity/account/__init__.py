"""The logged-in user's own account: their API tokens."""
