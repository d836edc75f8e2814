"""Comparing the units a second-tier manager answers for: fidelity, waiting lists and outcomes side by side."""
