"""Self-assessments and reviews: starting, scoring, saving drafts, submitting and correcting."""
