"""The `fidelity` command: scales and score, on good and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner

from fidelity.cli import main
from fidelity.scales import ScaleRegistry


def write_csv(tmp_path: Path, text: str, name: str = "scores.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def full_csv(registry: ScaleRegistry, score: int = 4, **overrides: int) -> str:
    scores = {key: score for key in registry.get("ips-25").item_keys} | overrides
    return "item,score\n" + "".join(f"{k},{v}\n" for k, v in scores.items())


def test_scales_list(runner: FlaskCliRunner) -> None:
    result = runner.invoke(main, ["scales", "list"])
    assert result.exit_code == 0
    assert "ips-25" in result.output and "25 items" in result.output and "25-125" in result.output
    assert "sed" in result.output


def test_scales_show_json(runner: FlaskCliRunner) -> None:
    result = runner.invoke(main, ["scales", "show", "ips-25", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"id", "version", "sections", "items", "bands"} <= set(data)
    assert data["id"] == "ips-25" and len(data["items"]) == 25
    s1 = data["items"][0]
    assert {"key", "section", "title", "principles", "anchors"} <= set(s1)
    assert s1["key"] == "S1" and s1["section"] == "S" and set(s1["anchors"]) == {"1", "2", "3", "4", "5"}
    assert [b["min"] for b in data["bands"]] == [115, 100, 74, 25]


def test_scales_show_unknown_scale(runner: FlaskCliRunner) -> None:
    result = runner.invoke(main, ["scales", "show", "nope"])
    assert result.exit_code == 2
    assert "unknown scale 'nope'" in result.output


def test_scales_validate_good_and_broken_files(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["scales", "validate"])
    assert result.exit_code == 0, result.output
    assert result.output.count("ok:") == 6  # three scale files and their Swedish translations

    from fidelity.config import DEFAULTS

    broken = tmp_path / "broken.yaml"
    text = (Path(DEFAULTS["SCALES_DIR"]) / "sed.yaml").read_text()
    broken.write_text(text.replace("score_max: 5", "score_max: five"))
    result = runner.invoke(main, ["scales", "validate", str(broken)])
    assert result.exit_code == 2
    assert f"{broken}: score_max: must be a whole number, not text" in result.output


def test_score_prints_total_band_sections_and_principles(
    runner: FlaskCliRunner, registry: ScaleRegistry, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, full_csv(registry, 4, S1=5, S2=5, S3=5, V4=2))
    result = runner.invoke(main, ["score", str(path), "--scale", "ips-25"])
    assert result.exit_code == 0, result.output
    assert "Total: 101 / 125" in result.output
    assert "Band:  Good fidelity (100-114)" in result.output
    assert "Staffing" in result.output and "15 / 15" in result.output
    assert "Below 4: V4" in result.output


def test_score_json(runner: FlaskCliRunner, registry: ScaleRegistry, tmp_path: Path) -> None:
    path = write_csv(tmp_path, full_csv(registry, 3, O6=1, V14=5))
    result = runner.invoke(main, ["score", str(path), "--scale", "ips-25", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["scale", "version", "total", "max", "band", "sections", "principles", "missing", "below_4"]
    assert (data["scale"], data["total"], data["max"], data["band"]) == ("ips-25", 75, 125, "fair")
    assert data["principles"]["zero-exclusion"]["mean"] == 3.0
    assert data["missing"] == []
    assert "O6" in data["below_4"] and "V14" not in data["below_4"]


def test_missing_items_give_a_null_band_and_fail_only_when_strict(
    runner: FlaskCliRunner, registry: ScaleRegistry, tmp_path: Path
) -> None:
    text = "\n".join(line for line in full_csv(registry).splitlines() if not line.startswith(("O3,", "V9,")))
    path = write_csv(tmp_path, text + "\n")
    result = runner.invoke(main, ["score", str(path), "--scale", "ips-25", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["band"] is None and data["missing"] == ["O3", "V9"]
    strict = runner.invoke(main, ["score", str(path), "--scale", "ips-25", "--json", "--strict"])
    assert strict.exit_code == 2
    assert "2 item(s) missing: O3, V9" in strict.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("item,score\nS1,4\nX7,3\n", "scores.csv:3: unknown item 'X7' for scale ips-25"),
        ("item,score\nS1,4\nS2,4\nS1,5\n", "scores.csv:4: item S1 is scored twice (first on line 2)"),
        ("item,score\nS1,6\n", "scores.csv:2: score 6 for S1 is outside the scale (1-5)"),
        ("item,score\nS1,0\n", "scores.csv:2: score 0 for S1 is outside the scale (1-5)"),
        ("item,score\nS1,four\n", "scores.csv:2: score 'four' for S1 is not a whole number"),
        ("item,score\nS1,3.5\n", "scores.csv:2: score '3.5' for S1 is not a whole number"),
        ("item,score\nS1,\n", "scores.csv:2: score '' for S1 is not a whole number"),
        ("item,score\nS1,4,extra\n", "scores.csv:2: expected 2 values (item,score), found 3"),
        ("key,value\nS1,4\n", "scores.csv:1: expected the columns item,score, found key,value"),
        ("item\nS1\n", "scores.csv:1: expected the columns item,score, found item"),
        ("", "scores.csv:1: empty file; expected the columns item,score"),
    ],
)
def test_bad_csv_exits_2_naming_the_line(runner: FlaskCliRunner, tmp_path: Path, text: str, message: str) -> None:
    path = write_csv(tmp_path, text)
    result = runner.invoke(main, ["score", str(path), "--scale", "ips-25"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0] == f"Error: {tmp_path / message}"


def test_missing_unreadable_or_binary_file(runner: FlaskCliRunner, tmp_path: Path) -> None:
    missing = runner.invoke(main, ["score", str(tmp_path / "nope.csv"), "--scale", "ips-25"])
    assert missing.exit_code == 2 and f"{tmp_path / 'nope.csv'}: no such file" in missing.output
    folder = runner.invoke(main, ["score", str(tmp_path), "--scale", "ips-25"])
    assert folder.exit_code == 2 and "is a folder" in folder.output
    binary = tmp_path / "scores.xlsx"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00")
    result = runner.invoke(main, ["score", str(binary), "--scale", "ips-25"])
    assert result.exit_code == 2 and "is not UTF-8 text" in result.output


def test_a_bom_and_blank_lines_are_accepted(runner: FlaskCliRunner, registry: ScaleRegistry, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_text("\ufeff" + full_csv(registry, 5).replace("\n", "\r\n") + "\r\n\r\n", encoding="utf-8")
    result = runner.invoke(main, ["score", str(path), "--scale", "ips-25", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["total"] == 125


def test_unknown_scale_for_score(runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "item,score\nS1,4\n")
    result = runner.invoke(main, ["score", str(path), "--scale", "ips-99"])
    assert result.exit_code == 2 and "unknown scale 'ips-99'" in result.output


def test_the_readme_example_scores_as_the_readme_says(runner: FlaskCliRunner) -> None:
    from fidelity.config import PROJECT_ROOT

    example = PROJECT_ROOT / "examples" / "ips-25-self-assessment.csv"
    result = runner.invoke(main, ["score", str(example), "--scale", "ips-25", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert f'"total": {data["total"]}, "max": 125, "band": "{data["band"]}"' in readme
    assert (data["total"], data["band"]) == (102, "good")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"FIDELITY_DATABASE_URL": "sqlite:////no/such/folder/fidelity.sqlite3"},
         "Error: The database cannot be reached: unable to open database file"),
        ({"FIDELITY_DATABASE_URL": "not a url"},
         "Error: FIDELITY_DATABASE_URL is not a database URL fidelity can use: Could not parse"),
        ({"FIDELITY_DATABASE_URL": "mysql://someone@db.example.org/fidelity"},
         "Error: FIDELITY_DATABASE_URL names a mysql database; fidelity runs on SQLite or PostgreSQL."),
        ({"FIDELITY_ENV": "production"},
         "Error: FIDELITY_ENV=production needs FIDELITY_SECRET_KEY and FIDELITY_DATABASE_URL to be set"),
    ],
)  # fmt: skip
def test_a_setting_that_cannot_work_is_one_line_not_a_traceback(
    tmp_path: Path, settings: dict[str, str], message: str
) -> None:
    from click.testing import CliRunner

    environment = {"FIDELITY_INSTANCE_PATH": str(tmp_path / "instance"), **settings}
    for command in (["units", "list"], ["db", "upgrade"]):
        result = CliRunner().invoke(main, command, env=environment)
        assert result.exit_code == 1, (command, result.output)
        assert message in result.output and "Traceback" not in result.output, (command, result.output)
