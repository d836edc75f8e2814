"""Units: the list a user may see, with where each stands."""
