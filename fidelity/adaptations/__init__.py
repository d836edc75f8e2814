"""Local adaptations: the register, what each costs in fidelity, and what the monitoring data shows."""
