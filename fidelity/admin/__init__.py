"""Setting up the organisation: organisations, areas, units, users and their roles (administrators only)."""
