"""Reading scale and principles files: YAML in, validated frozen dataclasses out, or one ScaleError naming the
file and the field."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from fidelity.scales.model import (
    Band,
    Item,
    Principle,
    PrincipleSet,
    Scale,
    Schedule,
    Section,
    Source,
)

WORDINGS = ("paraphrase", "own-instrument", "official")
SERVICES = ("ips", "sed")
ANCHOR_STATUSES = ("confirmed", "partial", "unconfirmed")
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ITEM_KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
VERSION_PATTERN = re.compile(r"^\d+(\.\d+)*$")


class ScaleError(ValueError):
    """A scale or principles file is not valid."""

    def __init__(self, path: Path | str, field: str, message: str) -> None:
        self.path, self.field, self.message = str(path), field, message
        super().__init__(f"{self.path}: {field}: {message}" if field else f"{self.path}: {message}")


# --- reading YAML ---------------------------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys instead of keeping the last one."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            line = key_node.start_mark.line + 1
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key '{key}' (line {line})")
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> dict[str, Any]:
    """The file's top-level mapping; ScaleError if it cannot be read or parsed."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScaleError(path, "", f"cannot read file ({exc})") from None
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - _StrictLoader is a SafeLoader
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None and "line" not in problem else ""
        raise ScaleError(path, "", f"{problem}{where}") from None
    if not isinstance(data, dict):
        raise ScaleError(path, "", "the file must be a mapping of fields")
    return data


class Fields:
    """Typed access to one mapping of a file, with the field path for messages."""

    def __init__(self, path: Path, data: Any, where: str) -> None:
        self.path, self.where = path, where
        if not isinstance(data, dict):
            raise ScaleError(path, where or "(top level)", "must be a mapping of fields")
        self.data = data

    def name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def error(self, key: str, message: str) -> ScaleError:
        return ScaleError(self.path, self.name(key), message)

    def only(self, allowed: Iterable[str]) -> None:
        unknown = sorted(set(self.data) - set(allowed), key=str)
        if unknown:
            raise self.error(str(unknown[0]), "unknown field")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ..., what: str = "") -> Any:
        if key not in self.data:
            if default is ...:
                raise self.error(key, "missing")
            return default
        value = self.data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # bool is an int in Python; a score or month count of `true` is still wrong.
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise self.error(key, f"must be {what or _kind_name(kinds)}, not {_kind_name((type(value),))}")
        return value

    def text(self, key: str, default: Any = ...) -> str:
        value = self.get(key, str, default, "text")
        if isinstance(value, str) and not value.strip() and default is ...:
            raise self.error(key, "must not be empty")
        return value.strip() if isinstance(value, str) else value

    def key(self, key: str, pattern: re.Pattern[str]) -> str:
        value = self.text(key)
        if not pattern.match(value):
            raise self.error(key, f"'{value}' is not a valid key")
        return value

    def items(self, key: str) -> list[Fields]:
        value = self.get(key, list, what="a list")
        if not value:
            raise self.error(key, "must not be empty")
        return [Fields(self.path, entry, f"{self.name(key)}[{i}]") for i, entry in enumerate(value)]


def _kind_name(kinds: tuple[type, ...]) -> str:
    names = {str: "text", int: "a whole number", bool: "true or false", list: "a list", dict: "a mapping"}
    return " or ".join(names.get(k, "empty" if k is type(None) else k.__name__) for k in kinds)


def _unique(entries: list[Fields], field_name: str, values: list[str], what: str) -> None:
    seen: set[str] = set()
    for entry, value in zip(entries, values, strict=True):
        if value in seen:
            raise entry.error(field_name, f"duplicate {what} '{value}'")
        seen.add(value)


# --- principles -----------------------------------------------------------------------------------------------


def parse_principles(path: Path, data: dict[str, Any]) -> PrincipleSet:
    top = Fields(path, data, "")
    top.only(("kind", "id", "version", "title", "language", "principles"))
    entries = top.items("principles")
    principles = []
    for entry in entries:
        entry.only(("key", "number", "title", "description"))
        principles.append(
            Principle(
                key=entry.key("key", KEY_PATTERN),
                number=entry.get("number", int),
                title=entry.text("title"),
                description=entry.text("description"),
            )
        )
    _unique(entries, "key", [p.key for p in principles], "principle key")
    _unique(entries, "number", [str(p.number) for p in principles], "principle number")
    return PrincipleSet(
        id=top.key("id", KEY_PATTERN),
        version=version_field(top),
        title=top.text("title"),
        language=top.text("language"),
        principles=tuple(principles),
    )


def version_field(top: Fields) -> str:
    value = top.get("version", str, what='text in quotes, such as "1.0"')
    if not VERSION_PATTERN.match(value):
        raise top.error("version", f"'{value}' is not a version such as \"1.0\"")
    return value


# --- scales ---------------------------------------------------------------------------------------------------

SCALE_FIELDS = (
    "kind",
    "id",
    "version",
    "title",
    "short_title",
    "language",
    "based_on",
    "wording",
    "services",
    "notice",
    "score_min",
    "score_max",
    "schedule",
    "sources",
    "bands",
    "sections",
    "items",
)
ITEM_FIELDS = ("key", "section", "title", "definition", "anchors", "sources", "principles", "anchor_status", "note")


def parse_scale(path: Path, data: dict[str, Any], principles: PrincipleSet) -> Scale:
    top = Fields(path, data, "")
    top.only(SCALE_FIELDS)
    score_min, score_max = top.get("score_min", int), top.get("score_max", int)
    if score_min >= score_max:
        raise top.error("score_max", "must be greater than score_min")
    wording = top.text("wording")
    if wording not in WORDINGS:
        raise top.error("wording", f"'{wording}' is not one of {', '.join(WORDINGS)}")
    services = top.get("services", list, what="a list such as [ips] or [ips, sed]")
    if not services or any(service not in SERVICES for service in services):
        raise top.error("services", f"must list one or more of {', '.join(SERVICES)}")

    source_fields = Fields(path, top.get("sources", dict, what="a mapping"), "sources")
    sources = {}
    for code in source_fields.data:
        entry = Fields(path, source_fields.data[code], source_fields.name(str(code)))
        entry.only(("label", "description"))
        sources[str(code)] = Source(code=str(code), label=entry.text("label"), description=entry.text("description"))
    if not sources:
        raise top.error("sources", "must name at least one data source")

    section_entries = top.items("sections")
    sections = []
    for entry in section_entries:
        entry.only(("key", "title"))
        sections.append(Section(key=entry.key("key", ITEM_KEY_PATTERN), title=entry.text("title")))
    _unique(section_entries, "key", [s.key for s in sections], "section key")

    item_entries = top.items("items")
    items = [_parse_item(entry, score_min, score_max, sections, sources, principles) for entry in item_entries]
    _unique(item_entries, "key", [i.key for i in items], "item key")
    for i, section in enumerate(sections):
        if not any(item.section == section.key for item in items):
            raise ScaleError(path, f"sections[{i}]", f"section '{section.key}' has no items")

    bands = _parse_bands(top, score_min * len(items), score_max * len(items))
    schedule = _parse_schedule(top, bands)
    return Scale(
        id=top.key("id", KEY_PATTERN),
        version=version_field(top),
        title=top.text("title"),
        language=top.text("language"),
        based_on=top.text("based_on"),
        wording=wording,
        services=tuple(services),
        notice=top.text("notice"),
        score_min=score_min,
        score_max=score_max,
        schedule=schedule,
        sources=MappingProxyType(sources),
        bands=bands,
        sections=tuple(sections),
        items=tuple(items),
        path=str(path),
        short_title=top.text("short_title") if "short_title" in top.data else "",
    )


def _parse_item(
    entry: Fields,
    score_min: int,
    score_max: int,
    sections: list[Section],
    sources: Mapping[str, Source],
    principles: PrincipleSet,
) -> Item:
    entry.only(ITEM_FIELDS)
    section = entry.text("section")
    if section not in {s.key for s in sections}:
        raise entry.error("section", f"unknown section '{section}'")

    anchor_fields = Fields(
        entry.path, entry.get("anchors", dict, what="a mapping of score to text"), entry.name("anchors")
    )
    anchors: dict[int, str] = {}
    for raw in anchor_fields.data:
        score = int(raw) if isinstance(raw, str) and raw.isdigit() else raw
        if not isinstance(score, int) or isinstance(score, bool) or not score_min <= score <= score_max:
            raise anchor_fields.error(str(raw), f"is not a score from {score_min} to {score_max}")
        anchors[score] = anchor_fields.text(str(raw)) if isinstance(raw, str) else _anchor_text(anchor_fields, raw)
    for score in range(score_min, score_max + 1):
        if score not in anchors:
            raise anchor_fields.error(str(score), f"missing anchor for score {score}")

    item_sources = entry.get("sources", list, what="a list of data-source codes")
    for code in item_sources:
        if code not in sources:
            raise entry.error("sources", f"unknown data source '{code}' (known: {', '.join(sources)})")
    if not item_sources:
        raise entry.error("sources", "must name at least one data source")

    item_principles = entry.get("principles", list, what="a list of principle keys")
    for key in item_principles:
        if key not in principles.keys:
            raise entry.error("principles", f"unknown principle '{key}'")

    status = entry.text("anchor_status")
    if status not in ANCHOR_STATUSES:
        raise entry.error("anchor_status", f"'{status}' is not one of {', '.join(ANCHOR_STATUSES)}")
    return Item(
        key=entry.key("key", ITEM_KEY_PATTERN),
        section=section,
        title=entry.text("title"),
        definition=entry.text("definition"),
        anchors=MappingProxyType(dict(sorted(anchors.items()))),
        sources=tuple(item_sources),
        principles=tuple(item_principles),
        anchor_status=status,
        note=entry.text("note", ""),
    )


def _anchor_text(fields: Fields, score: int) -> str:
    value = fields.data[score]
    if not isinstance(value, str) or not value.strip():
        raise fields.error(str(score), "must be a non-empty text")
    return value.strip()


def _parse_bands(top: Fields, lowest: int, highest: int) -> tuple[Band, ...]:
    entries = top.items("bands")
    bands = []
    for entry in entries:
        entry.only(("key", "label", "min", "max", "confirmed"))
        band = Band(
            key=entry.key("key", KEY_PATTERN),
            label=entry.text("label"),
            min=entry.get("min", int),
            max=entry.get("max", int),
            confirmed=entry.get("confirmed", bool),
        )
        if band.min > band.max:
            raise entry.error("min", f"{band.min} is above max {band.max}")
        bands.append(band)
    _unique(entries, "key", [b.key for b in bands], "band key")

    ordered = sorted(bands, key=lambda b: b.min)
    if ordered[0].min != lowest:
        raise top.error("bands", f"must start at the lowest possible total {lowest}, not {ordered[0].min}")
    if ordered[-1].max != highest:
        raise top.error("bands", f"must end at the highest possible total {highest}, not {ordered[-1].max}")
    for below, above in pairwise(ordered):
        if above.min <= below.max:
            raise top.error(
                "bands", f"'{below.key}' ({below.min}-{below.max}) and '{above.key}' ({above.min}-{above.max}) overlap"
            )
        if above.min > below.max + 1:
            raise top.error("bands", f"gap: no band covers {below.max + 1}-{above.min - 1}")
    return tuple(sorted(bands, key=lambda b: b.min, reverse=True))


def _parse_schedule(top: Fields, bands: tuple[Band, ...]) -> Schedule:
    fields = Fields(top.path, top.get("schedule", dict, what="a mapping"), "schedule")
    fields.only(("good_band", "months_below_good", "months_at_or_above_good"))
    good = fields.text("good_band")
    if good not in {b.key for b in bands}:
        raise fields.error("good_band", f"unknown band '{good}'")
    months = {}
    for key in ("months_below_good", "months_at_or_above_good"):
        months[key] = fields.get(key, int)
        if months[key] < 1:
            raise fields.error(key, "must be at least 1")
    return Schedule(good_band=good, **months)
