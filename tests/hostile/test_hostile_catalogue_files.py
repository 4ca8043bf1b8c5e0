"""A catalogue file from an outside translator that is wrong, by mistake or on
purpose: a plural rule that picks no form, a byte that hides the rest of a
message, an encoding that prints mojibake, a line `update` would rewrite as
a guess, a link to a file elsewhere on the machine, a file too big to read.
Each is refused where the file is read (one reader for the build, `check`,
`stats` and `update`), naming the file and the line, and nothing is printed,
built or written from it."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from patientpacks.build.catalogue_reader import MAX_CATALOGUE_BYTES

from ..conftest import run_cli
from ..test_catalogue_reader import SPANISH, build_card, edit, line_of

# --- What msgfmt would refuse --------------------------------------------------------


@pytest.mark.parametrize(
    ("plural", "message"),
    [
        ("nplurals=2; plural=(n==1 ? 0 : 7);", "gives form 7 for n=0, but there are only forms 0 to 1"),
        ("nplurals=2; plural=(n-5);", "gives form -5 for n=0"),
        ("nplurals=2; plural=(n/0);", "divides by zero for n=0"),
        ("nplurals=100000000; plural=(n != 1);", "nplurals=100000000; a language has 1 to 6"),
        ("nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);", "is not the rule for es"),
    ],
    ids=[
        "form-that-does-not-exist",
        "negative-form",
        "division-by-zero",
        "a-hundred-million-forms",
        "another-languages-rule",
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
            "contains a form feed, which some editors show as a line break",
        ),
        (
            'msgstr "Registro de su tratamiento"',
            'msgstr "Registro\u2028de su tratamiento"',
            "contains a line separator (U+2028), which some editors show as a line break",
        ),
        (
            'msgstr "Registro de su tratamiento"',
            'msgstr "Registro\x85de su tratamiento"',
            "contains a next line (U+0085), which some editors show as a line break",
        ),
        (
            'msgstr "Registro de su tratamiento"',
            'msgstr "Registro\x00 de su tratamiento"',
            "contains a NUL byte",
        ),
        (
            # What the placeholder check would not have seen: "40 horas" where the brand says 4.
            'msgstr[0] "No se acueste durante %(hours)s hora',
            'msgstr[0] "No se acueste durante 4\x00%(hours)s hora',
            "contains a NUL byte, where C programs (msgfmt, gettext) cut the message short",
        ),
    ],
    ids=[
        "missing-quote",
        "defined-twice",
        "form-feed",
        "line-separator",
        "next-line",
        "nul",
        "nul-in-msgstr[0]",
    ],
)
def test_a_broken_line_is_named_alike_by_check_stats_and_the_build(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, message: str
) -> None:
    path = edit(project, old, new)
    # The line the edit made: a duplicate is reported where it is defined again.
    edited = re.split(r"[\n\x0c\x00\u2028\x85]", new)[0]
    line = line_of(path, edited, -1 if "defined twice" in message else 0)
    where = f"{SPANISH}:{line}: "
    assert run_cli(project, "check", "--locale", "es", "--no-layout") == 1
    output = capsys.readouterr()
    assert where in output.out and message in output.out
    assert "readability not scored" not in output.out  # said once, as the catalogue's problem

    assert run_cli(project, "stats", "--json") == 0
    rows = [row for row in json.loads(capsys.readouterr().out)["catalogues"] if row["locale"] == "es"]
    assert rows and all(
        row["broken"] and f":{line}: " in row["broken"] and message in row["broken"] for row in rows
    )

    build = build_card(project, tmp_path / "out")
    assert build["code"] == 1
    assert where in capsys.readouterr().err


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


def test_a_utf8_catalogue_declared_iso_8859_1_is_refused_not_printed_as_mojibake(
    project: Path, tmp_path: Path, capsys
) -> None:
    path = edit(project, "charset=utf-8", "charset=ISO-8859-1")
    message = f"{SPANISH}:{line_of(path, 'charset=')}: declares the charset ISO-8859-1; catalogues are read as UTF-8 only"
    assert run_cli(project, "check", "--locale", "es", "--no-layout") == 1
    assert message in capsys.readouterr().out
    build = build_card(project, tmp_path / "out")
    assert build["code"] == 1 and build["entries"] == []  # "Registro de su tratamiento" never as "Ã©"
    assert message in capsys.readouterr().err


# --- update: all or nothing ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "line_text", "message"),
    [
        (
            'msgstr "Su cita de revisión"',
            'msgstr Su cita de revisión"',
            "msgstr Su cita",
            "not a valid catalogue line",
        ),
        (
            # Babel would join the two lines: "cuidadosresultados".
            '"Tarjeta para guardar después de las inyecciones antiarrugas: cuidados, "\n',
            '"Tarjeta para guardar después de las inyecciones antiarrugas: cuidados, \n',
            "antiarrugas: cuidados, ",
            "not a valid catalogue line",
        ),
        # Babel would keep one of the two translations and drop the other.
        (
            'msgid "Your treatment record"\n',
            'msgid "In short"\n',
            'msgid "In short"',
            "message 'In short' is defined twice",
        ),
        (
            'msgstr "Su cita de revisión"',
            'msgstr "Su cita de revisi\udcff"',  # written as the byte 0xFF
            'msgstr "Su cita de revisi',
            "is not valid UTF-8 (byte 0xFF)",
        ),
    ],
    ids=["missing-quote", "missing-quote-on-a-continuation-line", "defined-twice", "raw-0xff-byte"],
)
def test_update_touches_no_catalogue_when_one_cannot_be_read_exactly(
    project: Path, capsys, old: str, new: str, line_text: str, message: str
) -> None:
    # A changed source string, which update would mark fuzzy in every catalogue.
    pot = project / "locales/messages.pot"
    pot.write_text(pot.read_text().replace('msgid "What to avoid"', 'msgid "What to avoid after treatment"'))
    spanish = project / SPANISH
    text = spanish.read_text(encoding="utf-8")
    assert old in text
    spanish.write_bytes(text.replace(old, new, 1).encode("utf-8", errors="surrogateescape"))
    before = {path: path.read_bytes() for path in (project / "locales").rglob("*.po")}
    assert run_cli(project, "update") == 3  # a project file is invalid
    error = capsys.readouterr().err
    assert "no catalogue was updated" in error
    assert f"{SPANISH}:{line_of(spanish, line_text, -1)}: {message}" in error
    assert "Traceback" not in error
    # Not even the catalogues before it in the alphabet (ar, de).
    assert {path: path.read_bytes() for path in (project / "locales").rglob("*.po")} == before


# --- Files that are no catalogue ------------------------------------------------------------

OUTSIDE_SECRET = "root:x:0:0:a line of a file outside the project"


def link_out_of_the_project(project: Path, tmp_path: Path) -> str:
    outside = tmp_path / "outside" / "passwd"
    outside.parent.mkdir()
    outside.write_text(f"{OUTSIDE_SECRET}\n" * 3)
    (project / SPANISH).unlink()
    (project / SPANISH).symlink_to(outside)
    return f"{SPANISH}: is a link to {outside}, outside the project"


def too_large(project: Path, tmp_path: Path) -> str:
    # Sparse: as big as a 53 MB catalogue, without writing one.
    os.truncate(project / SPANISH, 53_000_000)
    return f"{SPANISH}: is 50.5 MB, more than the {MAX_CATALOGUE_BYTES / 2**20:g} MB a catalogue may be"


COMMANDS = {
    "build": (
        ("--out", "{out}", "--pack", "aftercare-card", "--brand", "harbour-lane-uk", "--locale", "es"),
        1,
    ),
    "check": (("check", "--locale", "es", "--no-layout"), 1),
    "stats": (("stats",), 0),  # the catalogue's row says why
    "update": (("update",), 3),
}


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
@pytest.mark.parametrize(
    "make", [link_out_of_the_project, too_large], ids=["link-out-of-the-project", "too-large"]
)
def test_a_file_that_is_no_catalogue_is_refused_unread_by_every_command(
    project: Path, tmp_path: Path, capsys, make, command: tuple[tuple[str, ...], int]
) -> None:
    message = make(project, tmp_path)
    arguments, status = command
    out = tmp_path / "out"
    assert run_cli(project, *(argument.format(out=out) for argument in arguments)) == status
    output = capsys.readouterr()
    printed = output.out + output.err
    assert message in " ".join(printed.split()), printed
    assert OUTSIDE_SECRET not in printed and "Traceback" not in printed
    assert not list(out.rglob("*.pdf"))
    if make is link_out_of_the_project:
        assert (project / SPANISH).is_symlink()  # update replaced nothing


def test_pseudo_replaces_a_link_in_place_of_its_catalogue_never_writes_through_it(
    project: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text(OUTSIDE_SECRET)
    pseudo = project / "locales/en_XA/LC_MESSAGES/messages.po"
    pseudo.parent.mkdir(parents=True)
    pseudo.symlink_to(outside)
    assert run_cli(project, "pseudo") == 0
    assert outside.read_text() == OUTSIDE_SECRET
    assert not pseudo.is_symlink() and "Pseudo-locale en_XA" in pseudo.read_text()


def test_init_refuses_a_link_in_place_of_the_new_catalogue(project: Path, tmp_path: Path, capsys) -> None:
    outside = tmp_path / "outside" / "created-by-init.po"  # does not exist: the link dangles
    catalogue = project / "locales/it/LC_MESSAGES/messages.po"
    catalogue.parent.mkdir(parents=True)
    catalogue.symlink_to(outside)
    assert run_cli(project, "init", "it") == 2
    assert "a catalogue for 'it' exists already" in capsys.readouterr().err
    assert not outside.exists() and not outside.parent.exists()
