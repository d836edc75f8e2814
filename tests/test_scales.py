"""Scale files load, and each kind of breakage fails with one message naming the file and the field."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from fidelity.config import DEFAULTS
from fidelity.scales import ScaleError, load_registry

SCALES = Path(DEFAULTS["SCALES_DIR"])
PRINCIPLE_KEYS = [
    "competitive-employment",
    "zero-exclusion",
    "integration",
    "preferences",
    "benefits-planning",
    "rapid-search",
    "job-development",
    "time-unlimited-support",
]


def test_every_scale_file_loads() -> None:
    registry = load_registry(SCALES)
    assert list(registry.principles.keys) == PRINCIPLE_KEYS
    assert sorted(registry.ids) == ["ips-25", "sed"]
    for scale in registry.scales.values():
        assert scale.notice and scale.version
        for item in scale.items:
            assert sorted(item.anchors) == list(range(scale.score_min, scale.score_max + 1))


def test_ips25_has_the_items_sections_and_bands_of_the_scale() -> None:
    scale = load_registry(SCALES).get("ips-25")
    keys = [f"S{i}" for i in range(1, 4)] + [f"O{i}" for i in range(1, 9)] + [f"V{i}" for i in range(1, 15)]
    assert list(scale.item_keys) == keys
    assert [s.key for s in scale.sections] == ["S", "O", "V"]
    assert [(b.key, b.min, b.max) for b in scale.bands] == [
        ("exemplary", 115, 125),
        ("good", 100, 114),
        ("fair", 74, 99),
        ("not-supported-employment", 25, 73),
    ]
    assert scale.wording == "paraphrase"
    assert scale.good_threshold == 100
    assert "paraphrase" in scale.notice.lower()
    # Structural items serve no principle; every principle is served by some item.
    assert {i.key for i in scale.items if not i.principles} == {"S1", "S2", "S3", "O4", "O5", "O8"}
    served = {p for item in scale.items for p in item.principles}
    assert served == set(PRINCIPLE_KEYS)
    assert scale.item("O6").principles == ("zero-exclusion",)
    # The thresholds the reference confirms are kept exact.
    assert "20" in scale.item("S1").anchors[5] and "41" in scale.item("S1").anchors[1]
    assert "96" in scale.item("S2").anchors[5]
    assert {i.anchor_status for i in scale.items} >= {"confirmed", "partial", "unconfirmed"}


def test_sed_is_marked_as_the_projects_own_instrument() -> None:
    registry = load_registry(SCALES)
    scale = registry.get("sed")
    assert scale.wording == "own-instrument"
    assert scale.services == ("sed",)
    assert scale.measures(ips=True, sed=True) and not scale.measures(ips=True, sed=False)
    assert {p for item in scale.items for p in item.principles} == set(PRINCIPLE_KEYS)
    assert scale.bands[0].max == 5 * len(scale.items) and scale.bands[-1].min == len(scale.items)


def test_a_new_instrument_needs_only_a_new_file(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    data = yaml.safe_load((SCALES / "ips-25.yaml").read_text())
    data["id"], data["title"], data["language"] = "ips-25-sv", "IPS-skalan", "sv"
    (folder / "ips-25-sv.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    data["id"], data["version"] = "ips-25", "2.0"
    (folder / "ips-25-v2.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    registry = load_registry(folder)
    assert registry.get("ips-25-sv").language == "sv"
    assert registry.get("ips-25").version == "2.0"
    assert registry.get("ips-25", "1.0").version == "1.0"


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "scales"
    shutil.copytree(SCALES, folder)
    return folder


def _break(tmp_path: Path, file: str, change: Any) -> Path:
    folder = _copy(tmp_path)
    path = folder / file
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return folder


def _set(path: str, value: Any) -> Any:
    def change(data: Any) -> None:
        *parents, last = path.split("/")
        for part in parents:
            data = data[int(part)] if part.isdigit() else data[part]
        data[int(last) if last.isdigit() else last] = value

    return change


def _delete(path: str) -> Any:
    def change(data: Any) -> None:
        *parents, last = path.split("/")
        for part in parents:
            data = data[int(part)] if part.isdigit() else data[part]
        del data[int(last) if last.isdigit() else last]

    return change


def _duplicate_item(data: Any) -> None:
    data["items"][1]["key"] = data["items"][0]["key"]


def _gap(data: Any) -> None:
    data["bands"][-1]["max"] -= 1


def _overlap(data: Any) -> None:
    data["bands"][1]["min"] -= 1


SCALE_BREAKAGES = [
    ("missing anchor", _delete("items/2/anchors/3"), "items[2].anchors.3", "missing anchor for score 3"),
    ("anchor out of range", _set("items/0/anchors/6", "six"), "items[0].anchors.6", "is not a score from 1 to 5"),
    ("duplicate item key", _duplicate_item, "items[1].key", "duplicate item key"),
    ("bands with a gap", _gap, "bands", "gap: no band covers"),
    ("bands that overlap", _overlap, "bands", "overlap"),
    (
        "unknown principle",
        _set("items/4/principles", ["rapid-search", "luck"]),
        "items[4].principles",
        "unknown principle 'luck'",
    ),
    ("unknown section", _set("items/0/section", "X"), "items[0].section", "unknown section 'X'"),
    ("unknown data source", _set("items/0/sources", ["GUESS"]), "items[0].sources", "unknown data source 'GUESS'"),
    ("wrong type: number as text", _set("score_max", "five"), "score_max", "must be a whole number, not text"),
    ("wrong type: version not quoted", _set("version", 1.0), "version", "must be text in quotes"),
    ("wrong type: anchors as a list", _set("items/0/anchors", ["a", "b"]), "items[0].anchors", "must be a mapping"),
    ("missing field", _delete("items/3/definition"), "items[3].definition", "missing"),
    ("misspelt field", _set("items/0/titel", "x"), "items[0].titel", "unknown field"),
    ("unknown service", _set("services", ["housing"]), "services", "must list one or more of ips, sed"),
    ("schedule names no band", _set("schedule/good_band", "great"), "schedule.good_band", "unknown band 'great'"),
    ("bad anchor status", _set("items/0/anchor_status", "maybe"), "items[0].anchor_status", "'maybe' is not one of"),
]


@pytest.mark.parametrize("file", ["ips-25.yaml", "sed.yaml"])
@pytest.mark.parametrize(("what", "change", "field", "message"), SCALE_BREAKAGES, ids=[b[0] for b in SCALE_BREAKAGES])
def test_a_broken_scale_names_file_and_field(
    tmp_path: Path, file: str, what: str, change: Any, field: str, message: str
) -> None:
    folder = _break(tmp_path, file, change)
    with pytest.raises(ScaleError) as caught:
        load_registry(folder)
    assert caught.value.path == str(folder / file)
    assert caught.value.field == field
    assert message in caught.value.message
    assert str(caught.value).startswith(f"{folder / file}: {field}: ")


PRINCIPLE_BREAKAGES = [
    (
        "duplicate principle key",
        _set("principles/1/key", "competitive-employment"),
        "principles[1].key",
        "duplicate principle key",
    ),
    ("missing description", _delete("principles/0/description"), "principles[0].description", "missing"),
    ("number as text", _set("principles/0/number", "one"), "principles[0].number", "must be a whole number"),
]


@pytest.mark.parametrize(
    ("what", "change", "field", "message"), PRINCIPLE_BREAKAGES, ids=[b[0] for b in PRINCIPLE_BREAKAGES]
)
def test_a_broken_principles_file_names_file_and_field(
    tmp_path: Path, what: str, change: Any, field: str, message: str
) -> None:
    folder = _break(tmp_path, "principles.yaml", change)
    with pytest.raises(ScaleError) as caught:
        load_registry(folder)
    assert (caught.value.path, caught.value.field) == (str(folder / "principles.yaml"), field)
    assert message in caught.value.message


def test_a_duplicate_yaml_key_is_refused_not_overwritten(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "ips-25.yaml"
    lines = path.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("title:") and line.startswith("    "))
    lines.insert(at + 1, lines[at])
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ScaleError) as caught:
        load_registry(folder)
    assert caught.value.path == str(path)
    assert f"duplicate key 'title' (line {at + 2})" in str(caught.value)


def test_a_file_that_is_not_yaml_is_named(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "sed.yaml").write_text("kind: scale\nitems: [unclosed\n")
    with pytest.raises(ScaleError, match=r"sed\.yaml: .*line"):
        load_registry(folder)


def test_two_files_with_the_same_id_and_version_are_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    shutil.copy(folder / "sed.yaml", folder / "sed-copy.yaml")
    with pytest.raises(ScaleError, match=r"sed version 1\.0 is also defined in"):
        load_registry(folder)


def test_data_sources_are_named_as_people_read_them_in_the_scales_language() -> None:
    registry = load_registry(SCALES)
    assert registry.get("ips-25").source_names(["MIS", "INT", "GONE"]) == "Records, Interviews, GONE"
    assert registry.text("sv").get("ips-25").source_names(["MIS", "INT"]) == "Register, Intervjuer"
    assert registry.get("ips-25").source_names([]) == ""
