"""Reading item scores from a CSV file with the columns item,score."""

from __future__ import annotations

import csv
from pathlib import Path

from fidelity.scales import Scale

COLUMNS = ("item", "score")


class ScoreFileError(ValueError):
    """A score file that cannot be used; the message names the file, the line and the problem."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


def read_scores_csv(path: Path, scale: Scale) -> dict[str, int]:
    """Item scores from `path`, checked against `scale`. Raises ScoreFileError at the first bad row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScoreFileError(path, None, "no such file") from None
    except IsADirectoryError:
        raise ScoreFileError(path, None, "is a folder, not a CSV file") from None
    except UnicodeDecodeError:
        raise ScoreFileError(path, None, "is not UTF-8 text") from None
    except OSError as exc:
        raise ScoreFileError(path, None, f"cannot read file ({exc.strerror})") from None

    rows = csv.reader(text.splitlines())
    header = next(rows, None)
    if header is None:
        raise ScoreFileError(path, 1, f"empty file; expected the columns {','.join(COLUMNS)}")
    if tuple(cell.strip().lower() for cell in header) != COLUMNS:
        raise ScoreFileError(path, 1, f"expected the columns {','.join(COLUMNS)}, found {','.join(header)}")

    scores: dict[str, int] = {}
    first_line: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(COLUMNS):
            raise ScoreFileError(path, line, f"expected 2 values (item,score), found {len(row)}")
        item, raw = (cell.strip() for cell in row)
        if item not in scale.item_keys:
            raise ScoreFileError(path, line, f"unknown item '{item}' for scale {scale.id}")
        if item in scores:
            raise ScoreFileError(path, line, f"item {item} is scored twice (first on line {first_line[item]})")
        try:
            score = int(raw)
        except ValueError:
            raise ScoreFileError(path, line, f"score '{raw}' for {item} is not a whole number") from None
        if not scale.score_min <= score <= scale.score_max:
            raise ScoreFileError(
                path, line, f"score {score} for {item} is outside the scale ({scale.score_min}-{scale.score_max})"
            )
        scores[item] = score
        first_line[item] = line
    return scores
