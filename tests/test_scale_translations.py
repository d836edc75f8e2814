"""Scale texts in Swedish: translation files beside the published scales, complete, keeping every number of the
English text, and reached through one registry per language with English where a scale has no translation."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from flask_babel import force_locale

from fidelity import scale_registry
from fidelity.cli import main
from fidelity.scales import ScaleError, load_registry
from tests.test_scales import SCALES, _break, _copy, _delete, _set


def test_the_swedish_texts_change_nothing_but_the_words() -> None:
    registry = load_registry(SCALES)
    swedish = registry.text("sv")
    assert registry.languages == ("en", "sv") and swedish.text("en") is registry and registry.text("fi") is registry
    for english in registry.scales.values():
        translated = swedish.get(english.id, english.version)
        assert translated.language == "sv" and translated.title != english.title
        assert translated.item_keys == english.item_keys and translated.sources.keys() == english.sources.keys()
        assert [(b.key, b.min, b.max) for b in translated.bands] == [(b.key, b.min, b.max) for b in english.bands]
        assert [i.principles for i in translated.items] == [i.principles for i in english.items]
        for item in english.items:
            swedish_item = translated.item(item.key)
            assert swedish_item.anchors.keys() == item.anchors.keys() and swedish_item.title != item.title
            assert bool(swedish_item.note) == bool(item.note)
    assert swedish.principles.keys == registry.principles.keys
    assert swedish.principles.get("zero-exclusion").title == "Ingen utestängs"
    assert swedish.get("ips-25").item("S1").anchors[2] == "31 till 40 personer per arbetsspecialist på heltid"
    assert swedish.get("ips-25").band("good").label == "God fidelitet"


def test_tables_call_a_scale_by_its_short_title_when_it_has_one(tmp_path: Path) -> None:
    registry = load_registry(SCALES)
    assert (registry.get("ips-25").name, registry.text("sv").get("ips-25").name) == ("IPS-25", "IPS-25")
    assert registry.get("sed").name == "SEd"
    # A scale file need not have one: its title serves. A translation then has none either.
    folder = _copy(tmp_path)
    for name in ("sed.yaml", "sed.sv.yaml"):
        path = folder / name
        path.write_text(
            "".join(line for line in path.read_text().splitlines(True) if not line.startswith("short_title:"))
        )
    loaded = load_registry(folder)
    assert (
        loaded.get("sed").name == loaded.get("sed").title == "Supported Education Fidelity Scale (project instrument)"
    )
    assert loaded.text("sv").get("sed").name.startswith("Fidelitetsskala för Supported Education")
    folder = _break(tmp_path / "again", "sed.yaml", _delete("short_title"))
    with pytest.raises(ScaleError) as caught:  # a translation with one the scale lacks
        load_registry(folder)
    assert (caught.value.field, caught.value.message) == ("short_title", "unknown field")


def test_a_scale_without_a_translation_stays_in_english(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "sed.sv.yaml").unlink()
    swedish = load_registry(folder).text("sv")
    assert swedish.get("sed").title == "Supported Education Fidelity Scale (project instrument)"
    assert swedish.get("ips-25").title.startswith("Fidelitetsskala för IPS")


def test_the_app_gives_each_request_the_scales_in_its_language(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert scale_registry().get("ips-25").item("S1").title == "Antal deltagare per arbetsspecialist"
        with force_locale("en"):
            assert scale_registry().get("ips-25").item("S1").title == "Caseload size"


IPS = "ips-25.sv.yaml"
TRANSLATION_BREAKAGES = [
    (
        "a threshold changed",
        IPS,
        _set("items/S1/anchors/2", "31 till 41 personer per arbetsspecialist på heltid"),
        "items.S1.anchors.2",
        "must keep the numbers of the original text '31 to 40 people per full-time specialist' (lacks 40; adds 41)",
    ),
    (
        "a number lost",
        IPS,
        _set("items/V4/anchors/5", "Första kontakten inom en månad"),
        "items.V4.anchors.5",
        "lacks 30",
    ),
    ("a number in a definition", IPS, _set("items/S1/definition", "Högst tjugo."), "items.S1.definition", "lacks 20"),
    (
        "an item missing",
        IPS,
        _delete("items/V14"),
        "items.V14",
        "missing: the original's item 'V14' has no translation",
    ),
    ("an item the scale lacks", IPS, _set("items/V15", {"title": "x"}), "items.V15", "unknown item"),
    ("an anchor missing", IPS, _delete("items/S1/anchors/3"), "items.S1.anchors.3", "missing"),
    ("an anchor too many", IPS, _set("items/S1/anchors/6", "sex"), "items.S1.anchors.6", "unknown anchor"),
    ("a note the original lacks", IPS, _set("items/S1/note", "En anteckning."), "items.S1.note", "unknown field"),
    ("a note missing", IPS, _delete("items/S2/note"), "items.S2.note", "missing"),
    ("an empty title", IPS, _set("items/O1/title", " "), "items.O1.title", "must be a non-empty text"),
    ("a band missing", IPS, _delete("bands/good"), "bands.good", "missing"),
    ("a section missing", IPS, _delete("sections/O"), "sections.O", "missing"),
    ("a data source's label missing", IPS, _delete("sources/MIS/label"), "sources.MIS.label", "missing"),
    ("a misspelt field", IPS, _set("titel", "x"), "titel", "unknown field"),
    ("a short title missing", IPS, _delete("short_title"), "short_title", "missing"),
    ("a short title losing its number", IPS, _set("short_title", "IPS"), "short_title", "lacks 25"),
    (
        "a version not in the folder",
        IPS,
        _set("translates/version", "9.9"),
        "translates",
        "no scale ips-25 version 9.9",
    ),
    ("a language unlike the file name", IPS, _set("language", "nb"), "language", "does not match the file name"),
    (
        "a principle's description missing",
        "principles.sv.yaml",
        _delete("principles/integration/description"),
        "principles.integration.description",
        "missing",
    ),
]


@pytest.mark.parametrize(
    ("what", "file", "change", "field", "message"), TRANSLATION_BREAKAGES, ids=[b[0] for b in TRANSLATION_BREAKAGES]
)
def test_a_broken_translation_names_file_and_field(
    tmp_path: Path, what: str, file: str, change: Any, field: str, message: str
) -> None:
    folder = _break(tmp_path, file, change)
    with pytest.raises(ScaleError) as caught:
        load_registry(folder)
    assert (caught.value.path, caught.value.field) == (str(folder / file), field)
    assert message in caught.value.message
    assert str(caught.value).startswith(f"{folder / file}: {field}: ")


def test_two_translations_of_one_scale_into_one_language_are_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    shutil.copy(folder / "sed.sv.yaml", folder / "sed-copy.sv.yaml")
    with pytest.raises(ScaleError, match=r"sed-copy\.sv\.yaml already translates it into sv"):
        load_registry(folder)


def test_validate_checks_translations_against_their_scale(runner: FlaskCliRunner, tmp_path: Path) -> None:
    folder = _break(tmp_path, "sed.sv.yaml", _set("items/A1/anchors/1", "41 eller fler, högst 42"))
    result = runner.invoke(
        main, ["scales", "validate", str(folder / "sed.sv.yaml")], env={"FIDELITY_SCALES_DIR": str(folder)}
    )
    assert result.exit_code == 2
    assert f"{folder / 'sed.sv.yaml'}: items.A1.anchors.1: must keep the numbers" in result.output
    good = runner.invoke(main, ["scales", "validate", str(SCALES / "sed.sv.yaml")])
    assert good.exit_code == 0 and "ok: sv translation of scale sed 1.0" in good.output
