"""Translation files: a published scale's texts in another language, beside the scale file and never inside it.

`scales/ips-25.sv.yaml` (`kind: translation`) names the scale id and version it translates and gives, in the same
structure, everything the scale shows people: title, source and notice, data sources, band labels, section titles,
and per item the title, definition, the anchors and the note. Every text must be there and nothing else, and each
keeps the numbers of the English text (thresholds such as "31 to 40" or "75%" must survive translation exactly).
A broken file stops the app with one ScaleError naming the file and the field, like a broken scale.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from fidelity.scales.loading import KEY_PATTERN, Fields, version_field
from fidelity.scales.model import Item, PrincipleSet, Scale

LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}$")
NUMBER_PATTERN = re.compile(r"\d+")
SCALE_TEXTS = ("title", "based_on", "notice", "sources", "bands", "sections", "items")
PRINCIPLES_TEXTS = ("title", "principles")
ITEM_TEXTS = ("title", "definition", "anchors")


def translation_target(path: Path, data: dict[str, Any]) -> tuple[str, str, str, str]:
    """(language, kind, id, version) of a translation file: what it translates, into what."""
    top = Fields(path, data, "")
    language = top.text("language")
    if not LANGUAGE_PATTERN.match(language):
        raise top.error("language", f"'{language}' is not a language code such as sv")
    suffix = path.name.removesuffix(".yaml").rpartition(".")[2]
    if suffix != language:
        raise top.error("language", f"'{language}' does not match the file name, which should end in .{language}.yaml")
    target = Fields(path, top.get("translates", dict, what="a mapping of kind, id and version"), "translates")
    target.only(("kind", "id", "version"))
    kind = target.text("kind")
    if kind not in ("scale", "principles"):
        raise target.error("kind", f"'{kind}' is not 'scale' or 'principles'")
    return language, kind, target.key("id", KEY_PATTERN), version_field(target)


def translate_scale(path: Path, data: dict[str, Any], scale: Scale) -> Scale:
    """`scale` with the texts of the translation file at `path`."""
    top = Fields(path, data, "")
    # A short title is translated when the scale has one, and only then.
    top.only(("kind", "language", "translates", *SCALE_TEXTS, *(("short_title",) if scale.short_title else ())))
    sources = _exactly(top, "sources", scale.sources, "data source")
    bands = _exactly(top, "bands", [b.key for b in scale.bands], "band")
    sections = _exactly(top, "sections", [s.key for s in scale.sections], "section")
    items = _exactly(top, "items", scale.item_keys, "item")
    translated_sources = {
        code: _texts(Fields(path, sources.data[code], sources.name(code)), source, ("label", "description"))
        for code, source in scale.sources.items()
    }
    return replace(
        scale,
        title=_same_numbers(top, "title", scale.title),
        short_title=_same_numbers(top, "short_title", scale.short_title) if scale.short_title else "",
        language=top.text("language"),
        based_on=_same_numbers(top, "based_on", scale.based_on),
        notice=_same_numbers(top, "notice", scale.notice),
        sources=MappingProxyType(translated_sources),
        bands=tuple(replace(band, label=_same_numbers(bands, band.key, band.label)) for band in scale.bands),
        sections=tuple(
            replace(section, title=_same_numbers(sections, section.key, section.title)) for section in scale.sections
        ),
        items=tuple(
            _translate_item(Fields(path, items.data[item.key], items.name(item.key)), item) for item in scale.items
        ),
    )


def _translate_item(entry: Fields, item: Item) -> Item:
    entry.only((*ITEM_TEXTS, "note") if item.note else ITEM_TEXTS)
    anchors = _exactly(entry, "anchors", list(item.anchors), "anchor")
    return replace(
        item,
        title=_same_numbers(entry, "title", item.title),
        definition=_same_numbers(entry, "definition", item.definition),
        anchors=MappingProxyType({score: _same_numbers(anchors, score, text) for score, text in item.anchors.items()}),
        note=_same_numbers(entry, "note", item.note) if item.note else "",
    )


def translate_principles(path: Path, data: dict[str, Any], principles: PrincipleSet) -> PrincipleSet:
    """`principles` with the texts of the translation file at `path`."""
    top = Fields(path, data, "")
    top.only(("kind", "language", "translates", *PRINCIPLES_TEXTS))
    entries = _exactly(top, "principles", principles.keys, "principle")
    translated = [
        _texts(Fields(path, entries.data[p.key], entries.name(p.key)), p, ("title", "description"))
        for p in principles.principles
    ]
    return replace(
        principles,
        title=_same_numbers(top, "title", principles.title),
        language=top.text("language"),
        principles=tuple(translated),
    )


def _texts(fields: Fields, original: Any, names: tuple[str, ...]) -> Any:
    """`original` with the texts `names` taken from `fields`, which must hold exactly those."""
    fields.only(names)
    return replace(original, **{name: _same_numbers(fields, name, getattr(original, name)) for name in names})


def _exactly(fields: Fields, key: str, expected: Iterable[Any], what: str) -> Fields:
    """The mapping under `key`, which must have exactly the keys of the original: none missing, none added."""
    raw = fields.get(key, dict, what="a mapping")
    mapping = Fields(fields.path, raw, fields.name(key))
    by_name = {str(name): value for name, value in raw.items()}  # an anchor's score may be written 3 or "3"
    names = {str(name): name for name in expected}
    for name in by_name:
        if name not in names:
            raise mapping.error(name, f"unknown {what}: the original has no {what} '{name}'")
    for name in names:
        if name not in by_name:
            raise mapping.error(name, f"missing: the original's {what} '{name}' has no translation")
    return Fields(fields.path, {original: by_name[name] for name, original in names.items()}, mapping.where)


def _same_numbers(fields: Fields, key: Any, english: str) -> str:
    """The translated text under `key`, which must hold exactly the numbers of the English text."""
    value = fields.data.get(key)
    if key not in fields.data:
        raise fields.error(str(key), "missing")
    if not isinstance(value, str) or not value.strip():
        raise fields.error(str(key), "must be a non-empty text")
    text = value.strip()
    original, translated = set(NUMBER_PATTERN.findall(english)), set(NUMBER_PATTERN.findall(text))
    problems = []
    if original - translated:
        problems.append("lacks " + ", ".join(sorted(original - translated, key=int)))
    if translated - original:
        problems.append("adds " + ", ".join(sorted(translated - original, key=int)))
    if problems:
        raise fields.error(str(key), f"must keep the numbers of the original text '{english}' ({'; '.join(problems)})")
    return text
