"""Monitoring a unit: journeys, waiting list, quarterly outcomes, staffing, imports and exports."""
