"""A scales folder: the principles file, every scale file and their translations, loaded into one registry."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from fidelity.scales.loading import Fields, ScaleError, parse_principles, parse_scale, read_yaml
from fidelity.scales.model import PrincipleSet, Scale, ScaleRegistry
from fidelity.scales.translations import translate_principles, translate_scale, translation_target

KINDS = ("scale", "principles", "translation")


def _kind(path: Path, data: dict[str, Any]) -> str:
    kind = Fields(path, data, "").text("kind")
    if kind not in KINDS:
        raise ScaleError(path, "kind", f"'{kind}' is not 'scale', 'principles' or 'translation'")
    return kind


def _read(paths: Iterable[Path]) -> list[tuple[Path, dict[str, Any], str]]:
    """Each file with its fields and kind."""
    return [(path, data, _kind(path, data)) for path in paths for data in (read_yaml(path),)]


def load_principles(files: list[tuple[Path, dict[str, Any], str]], folder: Path) -> PrincipleSet:
    """The one principles file among `files`."""
    found = [(path, data) for path, data, kind in files if kind == "principles"]
    if len(found) != 1:
        where = ", ".join(str(path) for path, _ in found) or "none found"
        raise ScaleError(folder, "", f"expected one principles file ({where})")
    return parse_principles(*found[0])


def load_registry(folder: Path | str) -> ScaleRegistry:
    """Load and validate every *.yaml file in `folder`: scales and principles first, then their translations."""
    folder = Path(folder)
    files = _read(sorted(folder.glob("*.yaml")))
    if not files:
        raise ScaleError(folder, "", "no scale files (*.yaml) found")
    registry = _originals(files, folder)
    return _with_translations(registry, [(path, data) for path, data, kind in files if kind == "translation"])


def _originals(files: list[tuple[Path, dict[str, Any], str]], folder: Path) -> ScaleRegistry:
    principles = load_principles(files, folder)
    scales: dict[tuple[str, str], Scale] = {}
    for path, data, kind in files:
        if kind != "scale":
            continue
        scale = parse_scale(path, data, principles)
        if (scale.id, scale.version) in scales:
            other = scales[(scale.id, scale.version)].path
            raise ScaleError(path, "version", f"{scale.id} version {scale.version} is also defined in {other}")
        scales[(scale.id, scale.version)] = scale
    return ScaleRegistry(principles=principles, scales=MappingProxyType(scales))


def _with_translations(registry: ScaleRegistry, files: list[tuple[Path, dict[str, Any]]]) -> ScaleRegistry:
    """The registry knowing itself in every language its translation files give; the rest stays as written."""
    principles: dict[str, PrincipleSet] = {}
    scales: dict[str, dict[tuple[str, str], Scale]] = {}
    seen: dict[tuple[str, str, str, str], Path] = {}
    for path, data in files:
        target = translation_target(path, data)
        if target in seen:
            raise ScaleError(path, "translates", f"{seen[target]} already translates it into {target[0]}")
        seen[target] = path
        language, kind, target_id, version = target
        if kind == "principles":
            if (target_id, version) != (registry.principles.id, registry.principles.version):
                raise ScaleError(path, "translates", f"no principles {target_id} version {version} to translate")
            principles[language] = translate_principles(path, data, registry.principles)
        else:
            original = registry.scales.get((target_id, version))
            if original is None:
                raise ScaleError(path, "translates", f"no scale {target_id} version {version} to translate")
            scales.setdefault(language, {})[(target_id, version)] = translate_scale(path, data, original)
    if not seen:
        return registry
    everyone: dict[str, ScaleRegistry] = {}
    base = ScaleRegistry(registry.principles, registry.scales, MappingProxyType(everyone))
    everyone[registry.principles.language] = base
    for language in sorted(principles.keys() | scales.keys()):
        translated = {key: scales.get(language, {}).get(key, scale) for key, scale in registry.scales.items()}
        everyone[language] = ScaleRegistry(
            principles.get(language, registry.principles), MappingProxyType(translated), MappingProxyType(everyone)
        )
    return base


def validate_files(paths: Iterable[Path], folder: Path) -> list[tuple[Path, str]]:
    """Check each file on its own; returns (path, 'ok: ...' or the error) per file. Principles come from the file
    list if it has one, else from `folder`; a translation is checked against the scale it names in `folder`."""
    paths = list(paths)
    results: list[tuple[Path, str]] = []
    principles: PrincipleSet | None = None
    listed = []
    for path in paths:
        try:
            data = read_yaml(path)
        except ScaleError:
            continue  # reported below, with the file's other results
        if data.get("kind") == "principles":
            listed.append((path, data, "principles"))
    try:
        principles = load_principles(listed or _read(sorted(folder.glob("*.yaml"))), folder)
    except ScaleError as exc:
        principles_error = str(exc)
    for path in paths:
        try:
            data = read_yaml(path)
            kind = _kind(path, data)
            if kind == "principles":
                parsed = parse_principles(path, data)
                results.append(
                    (path, f"ok: principles {parsed.id} {parsed.version}, {len(parsed.principles)} principles")
                )
                continue
            if kind == "translation":
                results.append((path, _check_translation(path, data, folder)))
                continue
            if principles is None:
                raise ScaleError(path, "principles", f"cannot check: {principles_error}")
            scale = parse_scale(path, data, principles)
            results.append(
                (
                    path,
                    f"ok: scale {scale.id} {scale.version}, {len(scale.items)} items, "
                    f"{scale.min_total}-{scale.max_total}",
                )
            )
        except ScaleError as exc:
            results.append((path, str(exc)))
    return results


def _check_translation(path: Path, data: dict[str, Any], folder: Path) -> str:
    language, kind, target_id, version = translation_target(path, data)
    try:
        originals = _originals(_read(p for p in sorted(folder.glob("*.yaml")) if p.resolve() != path.resolve()), folder)
    except ScaleError as exc:
        raise ScaleError(path, "translates", f"cannot check: {exc}") from None
    _with_translations(originals, [(path, data)])
    return f"ok: {language} translation of {kind} {target_id} {version}"
