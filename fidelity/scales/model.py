"""What a loaded scale is: frozen dataclasses for principles, bands, sections, items and scales."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Principle:
    key: str
    number: int
    title: str
    description: str


@dataclass(frozen=True)
class PrincipleSet:
    id: str
    version: str
    title: str
    language: str
    principles: tuple[Principle, ...]

    def get(self, key: str) -> Principle:
        return next(p for p in self.principles if p.key == key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(p.key for p in self.principles)


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    min: int
    max: int
    confirmed: bool

    def contains(self, total: int) -> bool:
        return self.min <= total <= self.max


@dataclass(frozen=True)
class Source:
    """A kind of evidence: a short label for forms, a description for the legend."""

    code: str
    label: str
    description: str


@dataclass(frozen=True)
class Section:
    key: str
    title: str


@dataclass(frozen=True)
class Item:
    key: str
    section: str
    title: str
    definition: str
    anchors: Mapping[int, str]
    sources: tuple[str, ...]
    principles: tuple[str, ...]
    anchor_status: str
    note: str = ""


@dataclass(frozen=True)
class Schedule:
    """When the next review is due: sooner below the 'good' band, later at or above it."""

    good_band: str
    months_below_good: int
    months_at_or_above_good: int


@dataclass(frozen=True)
class Scale:
    id: str
    version: str
    title: str
    language: str
    based_on: str
    wording: str
    services: tuple[str, ...]  # what the scale measures: 'ips' (employment), 'sed' (education)
    notice: str
    score_min: int
    score_max: int
    schedule: Schedule
    sources: Mapping[str, Source]  # data-source codes (MIS, DOC, INT, OBS) and what they mean
    bands: tuple[Band, ...]
    sections: tuple[Section, ...]
    items: tuple[Item, ...]
    path: str = field(default="", compare=False)
    short_title: str = ""  # for tables and lists, where the title would take lines: "IPS-25"; the title when empty

    @property
    def name(self) -> str:
        """What a table or a list calls the scale: its short title, or its title."""
        return self.short_title or self.title

    # A scale never changes once loaded: what is worked out from it is worked out once.
    @cached_property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    def item(self, key: str) -> Item:
        return self._items_by_key[key]

    def source_names(self, codes: Iterable[str]) -> str:
        """Data sources as people read them ("Records, Interviews"), in the scale's language; a code the scale does
        not know is shown as it is."""
        return ", ".join(self.sources[code].label if code in self.sources else code for code in codes)

    @cached_property
    def _items_by_key(self) -> dict[str, Item]:
        return {item.key: item for item in self.items}

    @property
    def min_total(self) -> int:
        return self.score_min * len(self.items)

    @property
    def max_total(self) -> int:
        return self.score_max * len(self.items)

    @cached_property
    def good_threshold(self) -> int:
        return self.band(self.schedule.good_band).min

    def band(self, key: str) -> Band:
        return next(b for b in self.bands if b.key == key)

    def band_for(self, total: int) -> Band | None:
        """The band a complete review's total falls in."""
        return next((b for b in self.bands if b.contains(total)), None)

    def measures(self, *, ips: bool, sed: bool) -> bool:
        """Whether the scale applies to a unit offering these services."""
        return ("ips" in self.services and ips) or ("sed" in self.services and sed)

    def items_in(self, section_key: str) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.section == section_key)


@dataclass(frozen=True)
class ScaleRegistry:
    """Every scale found in the scales folder, by id and version, and the principles they serve.

    `translations` holds the registry in each language its texts exist in (this one among them), by language code;
    `text()` picks one.
    """

    principles: PrincipleSet
    scales: Mapping[tuple[str, str], Scale]
    translations: Mapping[str, ScaleRegistry] = field(default_factory=dict, compare=False, repr=False)

    def text(self, language: str | None) -> ScaleRegistry:
        """The registry with its texts in `language`: translated where a translation file exists, else as written.

        Ids, keys, numbers and bands are the same in every language; only what people read differs.
        """
        return self.translations.get(language or "", self)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the scale texts exist in."""
        return tuple(sorted(self.translations))

    def get(self, scale_id: str, version: str | None = None) -> Scale:
        """A scale by id: the given version, or the latest. Raises KeyError naming what is known."""
        if version is not None:
            try:
                return self.scales[(scale_id, version)]
            except KeyError:
                raise KeyError(f"unknown scale {scale_id} version {version}") from None
        versions = [s for (sid, _), s in self.scales.items() if sid == scale_id]
        if not versions:
            known = ", ".join(sorted(self.ids)) or "none"
            raise KeyError(f"unknown scale '{scale_id}' (known: {known})")
        return max(versions, key=lambda s: _version_key(s.version))

    @property
    def ids(self) -> set[str]:
        return {sid for sid, _ in self.scales}

    def latest(self) -> list[Scale]:
        """The latest version of each scale, by id."""
        return [self.get(sid) for sid in sorted(self.ids)]


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))
