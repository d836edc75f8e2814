"""The read-only JSON API under /api/v1/: units, reviews with their scores, adaptations and quarterly figures."""
