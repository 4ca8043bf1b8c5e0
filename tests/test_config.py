"""Brand and pack files: each mistake is one message naming the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from patientpacks.config import load_brand, load_pack
from patientpacks.errors import ConfigError

from .conftest import run_cli


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('primary = "#1E5631"', 'primary = "green"', r'colours.primary: must be a colour like "#1F4E79", not \'green\''),
        ('file = "logos/maple-street.svg"', 'file = "logos/missing.svg"', r"logo.file: logo file not found"),
        ('file = "logos/maple-street.svg"', 'file = "../../etc/hostname"', r"logo.file: must be a file inside the brands folder"),
        ('paper = "Letter"', 'paper = "A3"', r"paper: unknown paper size 'A3' \(use one of: A4, Letter\)"),
        ('emergency_number = "911"', 'emergency_number = 911', r"emergency_number: must be text, not 911"),
        ('name = "Maple Street Skin Clinic"', 'nmae = "Maple Street Skin Clinic"', r"nmae: unknown key"),
    ],
)
def test_brand_mistakes_name_the_file_and_key(project: Path, old: str, new: str, message: str) -> None:
    brand = project / "brands/maple-street-us.toml"
    edit(brand, old, new)
    with pytest.raises(ConfigError, match=message) as error:
        load_brand(brand)
    assert str(error.value).startswith(str(brand))


def test_toml_syntax_error_names_the_line(project: Path) -> None:
    brand = project / "brands/harbour-lane-uk.toml"
    edit(brand, 'paper = "A4"', 'paper = "A4')
    with pytest.raises(ConfigError) as error:
        load_brand(brand)
    line = brand.read_text().splitlines().index('paper = "A4') + 1
    assert str(error.value).startswith(f"{brand}:{line}: not valid TOML")


def test_pack_with_a_missing_template_fails_only_its_leaflets(project: Path, tmp_path: Path, capsys) -> None:
    (project / "packs/aftercare-card/leaflet.html").unlink()
    out = tmp_path / "out"
    assert run_cli(project, "--out", str(out), "--locale", "en", "--brand", "harbour-lane-uk") == 1
    assert "pack.toml: template: template file 'leaflet.html' not found" in capsys.readouterr().err
    assert (out / "harbour-lane-uk/en/neuromodulators.pdf").is_file()
    assert not (out / "harbour-lane-uk/en/aftercare-card.pdf").exists()


def test_brand_parameter_no_pack_defines_is_an_error(project: Path) -> None:
    brand = project / "brands/maple-street-us.toml"
    edit(brand, "[parameters]\n", "[parameters]\nreveiw_days = 10\n")
    out = project / "out"
    assert run_cli(project, "--out", str(out), "--brand", "maple-street-us", "--locale", "en", "--pack", "aftercare-card") == 1


def test_example_packs_load(project: Path) -> None:
    guide = load_pack(project / "packs/neuromodulators")
    assert guide.page_size == "brand" and guide.layout == "guide"
    card = load_pack(project / "packs/aftercare-card")
    assert card.page_size == "A5" and card.max_pages == 2
    assert not guide.signoff.signed_off


def test_unknown_pack_on_the_command_line_is_a_usage_error(project: Path, capsys) -> None:
    assert run_cli(project, "--pack", "no-such-pack", "--out", str(project / "out")) == 2
    assert "unknown pack 'no-such-pack'" in capsys.readouterr().err


def test_help_explains_every_option(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        run_cli(Path("."), "--help")
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for option in ("--pack", "--locale", "--brand", "--out", "--jobs", "--html", "--strict"):
        assert option in text
