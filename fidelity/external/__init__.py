"""External fidelity reviews: two or more reviewers, consensus, sign-off, amendment."""
