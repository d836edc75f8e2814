"""Calendar quarters: the period outcome figures are counted in. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta


class NoSuchQuarter(ValueError):
    """A quarter numbered other than 1 to 4."""


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1-4

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise NoSuchQuarter(f"a quarter is numbered 1 to 4, not {self.number}")

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The quarter's last day."""
        return self.next().start - timedelta(days=1)

    def under_way(self, today: date) -> bool:
        """Whether `today` falls in the quarter, its last day included: its figures are counted to date until the
        day after its last day. The outcomes and the waiting list both mark such a quarter "to date"."""
        return self.start <= today <= self.end

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def __str__(self) -> str:
        return f"{self.year} Q{self.number}"

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """'2026Q1', '2026 Q1' or '2026-Q1', or as Swedish writes it: '2026 kv. 1', '2026 kv 1', '2026K1' or
        '2026 kvartal 1'; the quarter may come first too ('Q1 2026', 'kv. 1 2026'). ValueError otherwise, and for a
        quarter numbered other than 1 to 4."""
        cleaned = "".join(char for char in text.upper() if char not in " -.\u00a0")
        marked = cleaned.replace("KVARTAL", "Q").replace("KV", "Q").replace("K", "Q")
        found = re.fullmatch(r"(\d{4})Q(\d+)", marked) or re.fullmatch(r"Q(\d+)(\d{4})", marked)
        if found is None:
            raise ValueError(f"'{text}' is not a quarter like 2026Q1")
        year, number = (found.group(1), found.group(2)) if marked[0] != "Q" else (found.group(2), found.group(1))
        return cls(int(year), int(number))


def quarters_between(first: Quarter, last: Quarter) -> Iterator[Quarter]:
    """Every quarter from `first` to `last`, both included."""
    current = first
    while current <= last:
        yield current
        current = current.next()
