"""Fidelity scales and principles: YAML files in scales/, validated into frozen dataclasses.

A broken file fails with one ScaleError naming the file and the field. A new instrument needs only a new file; its
texts in another language need only a translation file beside it (`ips-25.sv.yaml`).
"""

from fidelity.scales.folder import load_registry, validate_files
from fidelity.scales.loading import ScaleError
from fidelity.scales.model import (
    Band,
    Item,
    Principle,
    PrincipleSet,
    Scale,
    ScaleRegistry,
    Schedule,
    Section,
    Source,
)

__all__ = [
    "Band",
    "Item",
    "Principle",
    "PrincipleSet",
    "Scale",
    "ScaleError",
    "ScaleRegistry",
    "Schedule",
    "Section",
    "Source",
    "load_registry",
    "validate_files",
]
