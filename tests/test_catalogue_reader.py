"""One catalogue reader for the build, `check` and `stats`: what each of them
says about the same broken catalogue, and with which line (the broken files
an outside translator could send are in tests/hostile/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from patientpacks.build.catalogue_reader import read_catalogue
from patientpacks.build.catalogues import overridden_language
from patientpacks.build.translation_rules import load_translation_rules

from .conftest import REPO, run_cli

SPANISH = "locales/es/LC_MESSAGES/messages.po"


def template():
    with (REPO / "locales/messages.pot").open("rb") as file:
        return read_po(file)


def edit(project: Path, old: str, new: str, locale: str = "es") -> Path:
    path = project / f"locales/{locale}/LC_MESSAGES/messages.po"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, text: str, occurrence: int = 0) -> int:
    """The line of the text's first (or ``occurrence``-th) appearance."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return [number for number, line in enumerate(lines, 1) if text in line][occurrence]


def build_card(project: Path, out: Path, locale: str = "es") -> dict:
    code = run_cli(project, "--out", str(out), "--pack", "aftercare-card", "--brand", "harbour-lane-uk",
                   "--locale", locale, "-q")  # fmt: skip
    manifest = json.loads((out / "manifest.json").read_text())["leaflets"]
    return {"code": code, "entries": manifest}


def test_every_shipped_catalogue_reads_clean_against_messages_pot() -> None:
    rules = load_translation_rules(REPO / "templates")
    for path in sorted(REPO.glob("locales/*/LC_MESSAGES/messages.po")):
        if overridden_language(REPO / "locales", path.parts[-3]):
            # A variety's override holds only what it changes: it is read
            # without messages.pot, and everything in it is printable.
            reading = read_catalogue(path, path.parts[-3], rules=rules)
            assert reading.problems == () and len(reading.usable) == len(list(reading.catalog)) - 1, path
            continue
        reading = read_catalogue(path, path.parts[-3], template(), rules=rules)
        assert reading.problems == (), (path, reading.problems[:3])
        assert len(reading.usable) == len([message for message in template() if message.id])


def test_a_deleted_entry_shows_in_stats_and_check_as_the_build_prints_it(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(project, 'msgid "Your treatment record"\nmsgstr "Registro de su tratamiento"\n', "")
    assert run_cli(project, "stats", "--json") == 0
    rows = [row for row in json.loads(capsys.readouterr().out)["catalogues"] if row["locale"] == "es"]
    assert all(row["untranslated"] == 1 and row["percent"] < 100 for row in rows)

    assert run_cli(project, "check", "--locale", "es", "--no-layout") == 1
    assert "messages.po: missing (run `update` to add it, then translate it): 'Your treatment record'" in (
        capsys.readouterr().out
    )
    build = build_card(project, tmp_path / "out")
    assert any("'Your treatment record'" in reason for reason in build["entries"][0]["reasons"])


def test_a_lost_safety_context_blocks_in_check_before_any_build(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # What a PO -> XLIFF -> PO round trip did to the 18 German safety messages.
    path = project / "locales/de/LC_MESSAGES/messages.po"
    path.write_text(path.read_text().replace('msgctxt "safety"\n', ""))
    assert run_cli(project, "check", "--locale", "de", "--no-layout") == 1
    output = capsys.readouterr().out.splitlines()
    lost = [line for line in output if 'context lost: messages.pot has msgctxt "safety"' in line]
    assert len(lost) == 18
    # What blocks a build comes first.
    assert output[: len(lost)] == lost


def test_garbage_gets_its_own_line_number_counted_from_one(project: Path, capsys) -> None:
    path = edit(
        project, 'msgid "Your treatment record"', 'this is not gettext\nmsgid "Your treatment record"'
    )
    assert run_cli(project, "check", "--locale", "es", "--no-layout") == 1
    assert (
        f"{SPANISH}:{line_of(path, 'this is not gettext')}: not a valid catalogue line"
        in capsys.readouterr().out
    )


def test_a_context_wrapped_over_two_lines_is_valid_as_msgfmt_and_babel_read_it(project: Path, capsys) -> None:
    edit(project, 'msgctxt "safety"\n', 'msgctxt ""\n"safety"\n', locale="de")
    assert run_cli(project, "check", "--locale", "de", "--no-layout") == 0, capsys.readouterr().out
