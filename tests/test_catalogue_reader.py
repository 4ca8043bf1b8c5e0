"""One catalogue reader for the build, `check` and `stats`: what each of them
says about the same broken catalogue, and with which line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from patientpacks.build.catalogue_reader import read_catalogue
from patientpacks.build.catalogues import overridden_language

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
    for path in sorted(REPO.glob("locales/*/LC_MESSAGES/messages.po")):
        if overridden_language(REPO / "locales", path.parts[-3]):
            # A variety's override holds only what it changes: it is read
            # without messages.pot, and everything in it is printable.
            reading = read_catalogue(path, path.parts[-3])
            assert reading.problems == () and len(reading.usable) == len(list(reading.catalog)) - 1, path
            continue
        reading = read_catalogue(path, path.parts[-3], template())
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


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'msgstr "Registro de su tratamiento"',
            'msgstr Registro de su tratamiento"',
            "not a valid catalogue line",
        ),
        ('msgid "Your treatment record"\n', 'msgid "In short"\n', "is defined twice"),
        (
            'msgstr "Registro de su tratamiento"',
            'msgstr "Registro\x0cde su tratamiento"',
            "contains a form feed",
        ),
        (
            'msgstr "Registro de su tratamiento"',
            'msgstr "Registro\x00 de su tratamiento"',
            "contains a NUL byte",
        ),
    ],
)
def test_a_broken_line_is_named_alike_by_check_stats_and_the_build(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, message: str
) -> None:
    path = edit(project, old, new)
    # The line the edit made: a duplicate is reported where it is defined again.
    edited = re.split(r"[\n\x0c\x00]", new)[0]
    line = line_of(path, edited, -1 if "defined twice" in message else 0)
    where = f"{SPANISH}:{line}: "
    assert run_cli(project, "check", "--locale", "es", "--no-layout") == 1
    output = capsys.readouterr()
    assert where + "" in output.out and message in output.out
    assert "readability not scored" not in output.out  # said once, as the catalogue's problem

    assert run_cli(project, "stats", "--json") == 0
    rows = [row for row in json.loads(capsys.readouterr().out)["catalogues"] if row["locale"] == "es"]
    assert rows and all(
        row["broken"] and f":{line}: " in row["broken"] and message in row["broken"] for row in rows
    )

    build = build_card(project, tmp_path / "out")
    assert build["code"] == 1
    assert where in capsys.readouterr().err


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


def test_a_catalogue_that_is_not_utf8_names_the_line(project: Path, capsys) -> None:
    path = project / SPANISH
    data = path.read_bytes().replace(
        b"Registro de su tratamiento", "Registro de su tratamiento".encode("latin-1") + b"\xff"
    )
    path.write_bytes(data)
    assert run_cli(project, "check", "--locale", "es", "--no-layout") == 1
    assert re.search(
        rf"{SPANISH}:{line_of(path, 'Registro de su')}: is not valid UTF-8 \(byte 0xFF\)",
        capsys.readouterr().out,
    )


def test_a_declared_charset_other_than_utf8_is_refused(project: Path, capsys) -> None:
    edit(project, "charset=utf-8", "charset=ISO-8859-1")
    assert run_cli(project, "check", "--locale", "es", "--no-layout") == 1
    assert "declares the charset ISO-8859-1; catalogues are read as UTF-8 only" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("plural", "message"),
    [
        ("nplurals=2; plural=(n==1 ? 0 : 7);", "gives form 7 for n=0, but there are only forms 0 to 1"),
        ("nplurals=2; plural=(n-5);", "gives form -5 for n=0"),
        ("nplurals=2; plural=(n/0);", "divides by zero for n=0"),
        ("nplurals=100000000; plural=(n != 1);", "nplurals=100000000; a language has 1 to 6"),
        ("nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);", "is not the rule for es"),
    ],
)
def test_an_unusable_plural_rule_blocks_the_language_in_the_build_and_in_check(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], plural: str, message: str
) -> None:
    path = edit(project, "nplurals=2; plural=(n != 1);", plural)
    assert run_cli(project, "check", "--locale", "es", "--no-layout") == 1
    where = f"{SPANISH}:{line_of(path, 'Plural-Forms')}: "
    assert where in (output := capsys.readouterr().out) and message in output
    build = build_card(project, tmp_path / "out")
    assert build["code"] == 1 and build["entries"] == []  # never a leaflet printed in English with no reason
    assert message in capsys.readouterr().err
