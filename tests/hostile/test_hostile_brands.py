"""A brand file comes from clinic staff, and what it says is printed on every
leaflet of the brand, the phone numbers in the safety notes among it. A file
that would crash the reader, or a value that would print other than it reads
(reordered by a bidi control, hidden by an invisible character, a digit no
phone can dial), fails that brand's leaflets only, with one message naming
the file, the line and the key; every other brand still builds."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from patientpacks import api
from patientpacks.build.brands import load_brand

from ..conftest import TODAY, run_cli

UK = "brands/harbour-lane-uk.toml"


def hostile_brand(project: Path, old: str, new: str) -> Path:
    """A brand 'hostile': the UK example with ``old`` replaced by ``new``."""
    text = (project / UK).read_text()
    assert old in text, old
    brand = project / "brands/hostile.toml"
    brand.write_text(text.replace(old, new, 1))
    return brand


def line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def planned(project: Path) -> api.Plan:
    options = api.BuildOptions(
        out_dir=project / "dist", packs=("aftercare-card",), locales=("en",), today=TODAY
    )
    return api.plan(api.open_project(project), options)


# --- TOML that the reader cannot take ----------------------------------------

TOML_ATTACKS = {
    # 200 KB: refused for its size before it is scanned.
    "100000-nested-arrays": ("nest = " + "[" * 100_000 + "]" * 100_000, "is larger than 64 KB"),
    "10000-nested-arrays": (
        "nest = " + "[" * 10_000 + "]" * 10_000,
        "arrays or inline tables nested more than 10 deep",
    ),
    "3000-nested-inline-tables": (
        "nest = " + "{a = " * 3000 + "1" + "}" * 3000,
        "arrays or inline tables nested more than 10 deep",
    ),
    "a-megabyte-of-comment": (
        "# " + "x" * 1024 * 1024,
        "is larger than 64 KB, the most a project TOML file may be",
    ),
}


@pytest.mark.parametrize("added, message", TOML_ATTACKS.values(), ids=TOML_ATTACKS.keys())
def test_a_brand_file_too_deep_or_too_large_to_parse_fails_only_its_brand(
    project: Path, added: str, message: str
) -> None:
    brand = hostile_brand(project, "[logo]", f"{added}\n[logo]")
    plan = planned(project)
    assert [failure.job_label for failure in plan.failures] == ["hostile/en/aftercare-card"]
    where = f"{brand}:{line_of(brand, added[:20])}" if "nested" in message else str(brand)
    assert plan.failures[0].error.startswith(f"{where}: {message}")
    assert {job.brand.id for job in plan.jobs} == {"harbour-lane-uk", "maple-street-us"}


def test_brackets_inside_strings_and_comments_are_not_nesting(project: Path) -> None:
    brackets = "[[[[[[[[[[[[{{{{{{{{{{{{"
    brand = hostile_brand(
        project,
        'name = "Harbour Lane Aesthetics"',
        f'# {brackets}\nname = "Harbour Lane {brackets} \\" {brackets}"',
    )
    brand.write_text(
        brand.read_text().replace(
            'address = "14 Harbour Lane, London SE1 9ZZ"', f"address = '''14 {brackets}\n{brackets}'''"
        )
    )
    loaded = load_brand(brand)
    assert loaded.name == f'Harbour Lane {brackets} " {brackets}'
    assert loaded.contact.address == f"14 {brackets}\n{brackets}"


# --- Values that print other than they read ----------------------------------

VALUE_ATTACKS = {
    # The third attack: a name of Hangul fillers (letters that draw nothing)
    # printed a blank header and a blank PDF author.
    "name-of-a-hangul-filler": (
        'name = "Harbour Lane Aesthetics"',
        'name = "\\u3164"',
        "name",
        "has U+3164 (HANGUL FILLER) at character 1, an invisible character",
    ),
    "name-of-braille-blanks": (
        'name = "Harbour Lane Aesthetics"',
        'name = "\\u2800\\u2800"',
        "name",
        "has no letter or digit that prints",
    ),
    "name-with-a-line-separator": (
        'name = "Harbour Lane Aesthetics"',
        'name = "Harbour\\u2028Lane"',
        "name",
        "has U+2028 (LINE SEPARATOR) at character 8, a control character or a line or paragraph separator",
    ),
    # "\u202e1230 6497 020" displays as "020 7946 0321".
    "phone-right-to-left-override": (
        'phone = "020 7946 0321"',
        'phone = "\\u202e1230 6497 020"',
        "contact.phone",
        "has U+202E (RIGHT-TO-LEFT OVERRIDE) at character 1, a bidi control, which changes the order",
    ),
    # Ends the isolate the leaflet puts around the name: the text after it
    # is reordered with the right-to-left sentence around it.
    "name-ends-its-isolate": (
        'name = "Harbour Lane Aesthetics"',
        'name = "Harbour Lane\\u2069 Aesthetics"',
        "name",
        "has U+2069 (POP DIRECTIONAL ISOLATE) at character 13, a bidi control",
    ),
    "emergency-number-right-to-left-mark": (
        'country = "GB"',
        'country = "GB"\nemergency_number = "9\\u200f99"',
        "emergency_number",
        "has U+200F (RIGHT-TO-LEFT MARK) at character 2, a bidi control",
    ),
    "alt-text-arabic-letter-mark": (
        'alt = "Harbour Lane Aesthetics logo: three blue waves"',
        'alt = "Harbour Lane\\u061c logo"',
        "logo.alt",
        "has U+061C (ARABIC LETTER MARK)",
    ),
    "address-zero-width-space": (
        'address = "14 Harbour Lane, London SE1 9ZZ"',
        'address = "14 Harbour Lane, London SE1\\u200b 9ZZ"',
        "contact.address",
        "has U+200B (ZERO WIDTH SPACE) at character 28, an invisible character",
    ),
    "hours-byte-order-mark": (
        'en = "Monday to Saturday, 9 am to 5.30 pm"',
        'en = "\\ufeffMonday to Saturday, 9 am to 5.30 pm"',
        "contact.hours.en",
        "has U+FEFF (ZERO WIDTH NO-BREAK SPACE) at character 1, an invisible character",
    ),
    "product-word-joiner": (
        'products = ["Azzalure", "Bocouture", "Botox"]',
        'products = ["Azzalure", "Bo\\u2060tox"]',
        "parameters.products",
        "has U+2060 (WORD JOINER) at character 3, an invisible character",
    ),
    "name-joiner-not-between-letters": (
        'name = "Harbour Lane Aesthetics"',
        'name = "\\u200dHarbour Lane Aesthetics"',
        "name",
        "has U+200D (ZERO WIDTH JOINER) at character 1, an invisible character",
    ),
    "phone-arabic-indic-digits": (
        'phone = "020 7946 0321"',
        'phone = "٠٢٠ ٧٩٤٦ ٠٣٢١"',
        "contact.phone",
        "'٠٢٠ ٧٩٤٦ ٠٣٢١' has the digit ٠ (ARABIC-INDIC DIGIT ZERO): write phone numbers with the digits 0-9",
    ),
    "emergency-number-full-width-digits": (
        'country = "GB"',
        'country = "GB"\nemergency_number = "９９９"',
        "emergency_number",
        "'９９９' has the digit ９ (FULLWIDTH DIGIT NINE)",
    ),
    "phone-with-words": (
        'phone = "020 7946 0321"',
        'phone = "020 7946 0321 or 999"',
        "contact.phone",
        "may hold only the digits 0-9, spaces and + - ( ) . (a + only first)",
    ),
    "phone-impossible-international-number": (
        'phone = "020 7946 0321"',
        'phone = "+44 20 7946 0321 0321"',
        "contact.phone",
        "is not a phone number in international form (+, country code, number): too many digits",
    ),
    "phone-unknown-country-code": (
        'phone = "020 7946 0321"',
        'phone = "+999 20 7946 0321"',
        "contact.phone",
        "no country has the code it starts with",
    ),
    # B16: the name went into the PDF's /Author with its override.
    "name-right-to-left-override": (
        'name = "Harbour Lane Aesthetics"',
        'name = "\\u202eHarbour Lane Aesthetics"',
        "name",
        "has U+202E (RIGHT-TO-LEFT OVERRIDE) at character 1, a bidi control",
    ),
    # W10: the language became the logo's lang, and the PDF's /Lang, unchecked.
    "language-that-closes-its-attribute": (
        "# never read as markup. Fictional details: 020 7946 0xxx is kept by Ofcom",
        'language = "en\\" style=\\"display:none"',
        "language",
        "'en\" style=\"display:none' is not a locale as Babel spells it (language_REGION)",
    ),
    "language-cldr-does-not-know": (
        "# never read as markup. Fictional details: 020 7946 0xxx is kept by Ofcom",
        'language = "qq"',
        "language",
        "'qq' is not a locale as Babel spells it",
    ),
    "language-spelt-as-a-web-tag": (
        "# never read as markup. Fictional details: 020 7946 0xxx is kept by Ofcom",
        'language = "EN"',
        "language",
        "'EN' is not a locale as Babel spells it (language_REGION): write it as 'en'",
    ),
}


@pytest.mark.parametrize("old, new, key, message", VALUE_ATTACKS.values(), ids=VALUE_ATTACKS.keys())
def test_a_brand_value_that_would_print_other_than_it_reads_is_refused_naming_file_line_and_key(
    project: Path, old: str, new: str, key: str, message: str
) -> None:
    brand = hostile_brand(project, old, new)
    plan = planned(project)
    assert [failure.job_label for failure in plan.failures] == ["hostile/en/aftercare-card"]
    # (an emergency number is added: the example leaves it to its country)
    assert f"{brand}:{line_of(brand, new.splitlines()[-1])}: {key}: " in plan.failures[0].error
    assert message in plan.failures[0].error
    assert {job.brand.id for job in plan.jobs} == {"harbour-lane-uk", "maple-street-us"}


def test_joiners_between_letters_are_spelling_and_kept(project: Path) -> None:
    # Persian writes U+200C between letters (the example's hours do);
    # Hindi writes U+200D after a virama.
    brand = hostile_brand(project, 'hi = "', 'hi = "क्\\u200dष ')
    text = load_brand(brand).contact.hours
    assert "\u200c" in text["fa"] and "क्\u200dष" in text["hi"]


def test_international_numbers_that_can_be_dialled_are_accepted(project: Path) -> None:
    brand = hostile_brand(project, 'phone = "020 7946 0321"', 'phone = "+44 (0)20 7946-0321"')
    assert load_brand(brand).contact.phone == "+44 (0)20 7946-0321"


def test_one_brands_bad_file_fails_only_its_own_leaflets(project: Path, tmp_path: Path, capsys) -> None:
    deep = hostile_brand(project, "[logo]", "nest = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n[logo]")
    deep.rename(project / "brands/deep.toml")
    hostile_brand(project, 'phone = "020 7946 0321"', 'phone = "\\u202e1230 6497 020"')
    out = tmp_path / "out"
    assert run_cli(project, "--out", str(out), "--pack", "aftercare-card", "--locale", "en", "-q") == 1
    error = capsys.readouterr().err
    failed = sorted(line.split(":")[0] for line in error.splitlines() if line.startswith("FAILED"))
    assert failed == ["FAILED  deep/en/aftercare-card", "FAILED  hostile/en/aftercare-card"]
    assert "Traceback" not in error and "RecursionError" not in error
    assert (out / "harbour-lane-uk/en/aftercare-card.pdf").is_file()
    assert (out / "maple-street-us/en/aftercare-card.pdf").is_file()


# --- Files that are no brand file of the project ------------------------------


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _link_out_of_the_project(path: Path) -> None:
    path.symlink_to("/etc/passwd")


NO_FILE_ATTACKS = {
    # B12: open() waited for a writer for good; SIGTERM and Ctrl-C were ignored.
    "a-named-pipe-hung-the-build": (
        _fifo,
        "is a named pipe (FIFO), not a file: replace it with the file itself",
    ),
    # W10: read as the brand file (catalogues refuse such links).
    "a-link-to-etc-passwd-was-read": (
        _link_out_of_the_project,
        "is a link to /etc/passwd, outside",
    ),
}


@pytest.mark.parametrize("make, message", NO_FILE_ATTACKS.values(), ids=NO_FILE_ATTACKS.keys())
def test_a_brand_file_that_is_no_file_of_the_project_fails_only_its_brand_unread(
    project: Path, make, message: str
) -> None:
    brand = project / "brands/hostile.toml"
    make(brand)
    started = time.monotonic()
    plan = planned(project)
    assert time.monotonic() - started < 30
    assert [failure.job_label for failure in plan.failures] == ["hostile/en/aftercare-card"]
    assert plan.failures[0].error.startswith(f"{brand}: {message}")
    assert {job.brand.id for job in plan.jobs} == {"harbour-lane-uk", "maple-street-us"}


def test_a_brand_file_that_is_a_named_pipe_fails_only_its_brand_and_the_build_ends(
    project: Path, tmp_path: Path
) -> None:
    # B12: the build hung for good (in the brand's read, then in the font
    # subsetter's), deaf to SIGTERM and Ctrl-C.
    os.mkfifo(project / "brands/fifo.toml")
    arguments = ["--project", str(project), "--out", str(tmp_path / "out"), "--pack", "aftercare-card"]
    finished = subprocess.run(
        [sys.executable, "-m", "patientpacks", *arguments, "--locale", "en", "-q"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 1
    failed = [line for line in finished.stderr.splitlines() if line.startswith("FAILED")]
    assert failed == [
        f"FAILED  fifo/en/aftercare-card: {project}/brands/fifo.toml: is a named pipe (FIFO), not a file: "
        "replace it with the file itself"
    ]
    assert (tmp_path / "out/harbour-lane-uk/en/aftercare-card.pdf").is_file()
