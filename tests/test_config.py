"""Brand and pack files: each mistake is one message naming the file and key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from patientpacks.build.brands import load_brand
from patientpacks.build.contrast import contrast_ratio
from patientpacks.build.packs import load_pack
from patientpacks.errors import ConfigError

from .conftest import REPO, run_cli


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'primary = "#1E5631"',
            'primary = "green"',
            r'colours.primary: must be a colour like "#1F4E79", not \'green\'',
        ),
        ('file = "logos/maple-street.svg"', 'file = "logos/missing.svg"', r"logo.file: logo file not found"),
        (
            'file = "logos/maple-street.svg"',
            'file = "../../etc/hostname"',
            r"logo.file: must be a file inside the brands folder",
        ),
        ('paper = "Letter"', 'paper = "A3"', r"paper: unknown paper size 'A3' \(use one of: A4, Letter\)"),
        ('country = "US"', "country = 1", r"country: must be text, not 1"),
        ('country = "US"', 'country = "USA"', r"country: must be an ISO 3166 country code"),
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
    assert (
        run_cli(
            project,
            "--out",
            str(out),
            "--brand",
            "maple-street-us",
            "--locale",
            "en",
            "--pack",
            "aftercare-card",
        )
        == 1
    )


def test_example_packs_load(project: Path) -> None:
    guide = load_pack(project / "packs/neuromodulators")
    assert guide.page_size == "brand" and guide.layout == "guide"
    card = load_pack(project / "packs/aftercare-card")
    assert card.page_size == "card" and card.max_pages == 2
    assert not guide.signoff.signed_off


def test_unknown_pack_on_the_command_line_is_a_usage_error(project: Path, capsys) -> None:
    assert run_cli(project, "--pack", "no-such-pack", "--out", str(project / "out")) == 2
    assert "unknown pack 'no-such-pack'" in capsys.readouterr().err


def test_help_explains_every_option(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        run_cli(Path("."), "--help")
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for option in (
        "--pack",
        "--locale",
        "--brand",
        "--out",
        "--jobs",
        "--html",
        "--strict",
        "--large-print",
        "--print-shop",
        "--bilingual",
    ):
        assert option in text


def line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), start=1) if text in line)


def test_pale_primary_colour_fails_naming_its_line_the_pair_the_ratio_and_the_fix(project: Path) -> None:
    brand = project / "brands/harbour-lane-uk.toml"
    edit(brand, 'primary = "#203A72"', 'primary = "#9FD3F0"')
    with pytest.raises(ConfigError) as error:
        load_brand(brand)
    assert str(error.value) == (
        f"{brand}:{line_of(brand, 'primary =')}: colours.primary: #9FD3F0 on #FFFFFF (headings, the clinic "
        "name and the white step numbers on primary discs) is too hard to read: use a darker primary colour; "
        "needs 4.5:1, has 1.6:1"
    )


def test_pale_accent_passes_when_the_text_on_it_stays_readable(project: Path) -> None:
    brand = project / "brands/harbour-lane-uk.toml"
    edit(brand, 'accent = "#EEF1F8"', 'accent = "#9FD3F0"')
    assert contrast_ratio("#111111", "#9FD3F0") >= 4.5
    assert load_brand(brand).colours.accent == "#9FD3F0"


def test_accent_too_dark_for_the_summary_heading_names_the_accent_line(project: Path) -> None:
    brand = project / "brands/harbour-lane-uk.toml"
    edit(brand, 'accent = "#EEF1F8"', 'accent = "#8C9BB4"')  # fine under #111 body text, not under primary
    with pytest.raises(
        ConfigError,
        match=r"colours.accent: #203A72 on #8C9BB4 \(the summary box's heading\) "
        r"is too hard to read: use a lighter accent colour or a darker primary colour; "
        r"needs 4.5:1, has 3.9:1",
    ) as error:
        load_brand(brand)
    assert str(error.value).startswith(f"{brand}:{line_of(brand, 'accent =')}:")


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [
        ("#000000", "#FFFFFF", 21.0),
        ("#FFFFFF", "#FFFFFF", 1.0),
        ("#767676", "#FFFFFF", 4.54),
        ("#FFFFFF", "#767676", 4.54),
    ],
)
def test_contrast_ratio_matches_wcag_reference_values(first: str, second: str, ratio: float) -> None:
    assert round(contrast_ratio(first, second), 2) == ratio


def test_stylesheet_draws_the_colour_pairs_the_contrast_check_assumes() -> None:
    css = " ".join((REPO / "templates/leaflet.css").read_text().split())
    assert re.search(r"html \{[^}]*color: #111;", css)
    assert re.search(
        r"ol\.steps > li::before \{[^}]*background: var\(--brand-primary\);[^}]*color: #fff;", css
    )
    assert re.search(r"\.summary-box \{[^}]*background: var\(--brand-accent\);", css)
    assert re.search(r"h1, h2, h3 \{[^}]*color: var\(--brand-primary\);", css)


def test_shipped_brands_pass_the_contrast_check() -> None:
    for path in sorted((REPO / "brands").glob("*.toml")):
        load_brand(path)


def test_brand_with_unreadable_colours_fails_only_its_own_leaflets(
    project: Path, tmp_path: Path, capsys
) -> None:
    pale = project / "brands/pale-clinic.toml"
    pale.write_text((project / "brands/maple-street-us.toml").read_text().replace('"#1E5631"', '"#9FD3F0"'))
    out = tmp_path / "out"
    assert run_cli(project, "--out", str(out), "--locale", "en", "--pack", "aftercare-card") == 1
    assert (
        f"pale-clinic.toml:{line_of(pale, 'primary =')}: colours.primary: #9FD3F0 on #FFFFFF"
        in capsys.readouterr().err
    )
    assert not (out / "pale-clinic").exists()
    for brand in ("harbour-lane-uk", "maple-street-us"):
        assert (out / brand / "en/aftercare-card.pdf").is_file()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", r"qr.url: must be a web address starting with https:// or http://"),
        ("https://clinic.example/a b", r"qr.url: must be a web address"),
        (
            "https://clinic.example/{brand}/{locale}",
            r"qr.url: may only use the placeholders \{pack\} and \{locale\}",
        ),
        ("https://clinic.example/{pack", r"qr.url: may only use the placeholders"),
    ],
)
def test_qr_url_must_be_a_web_address_with_known_placeholders(project: Path, url: str, message: str) -> None:
    brand = project / "brands/harbour-lane-uk.toml"
    edit(brand, 'url = "https://harbourlane.example/l/{pack}/{locale}"', f'url = "{url}"')
    with pytest.raises(ConfigError, match=message):
        load_brand(brand)


def test_unknown_fold_names_the_pack_key(project: Path) -> None:
    pack = project / "packs/neuromodulators/pack.toml"
    edit(pack, 'fold = "half"', 'fold = "tri"')
    with pytest.raises(ConfigError, match=r"print_shop.fold: unknown fold 'tri' \(use one of: none, half\)"):
        load_pack(pack.parent)


def test_pack_section_list_must_name_existing_templates(project: Path) -> None:
    pack = project / "packs/aftercare-card/pack.toml"
    edit(pack, '"what-to-do.html",', '"what-to-do.html", "missing.html",')
    with pytest.raises(ConfigError, match=r"sections: must list the pack's section templates"):
        load_pack(pack.parent)


def test_the_example_packs_answer_the_botulinum_toxin_injection_procedure() -> None:
    for pack in ("neuromodulators", "aftercare-card"):
        codes = load_pack(REPO / "packs" / pack).codes
        assert [(code.system, code.code) for code in codes] == [("2.16.840.1.113883.6.96", "442695005")]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            'system = "SNOMED"\ncode = "1"\ndisplay = "x"',
            r"codes\[2\]\.system: must be the code system's OID",
        ),
        (
            'system = "2.16.840.1.113883.6.96"\ncode = "1 OR 1"\ndisplay = "x"',
            r"codes\[2\]\.code: must be letters",
        ),
        ('system = "2.16.840.1.113883.6.96"\ncode = "1"', r"codes\[2\]\.display: is missing"),
        (
            'system = "2.16.840.1.113883.6.96"\ncode = "1"\ndisplay = "x"\nurl = "x"',
            r"codes\[2\]\.url: unknown key",
        ),
    ],
)
def test_a_packs_codes_name_the_entry_and_key_of_a_mistake(project: Path, entry: str, message: str) -> None:
    path = project / "packs/aftercare-card/pack.toml"
    path.write_text(path.read_text() + f"\n[[codes]]\n{entry}\n")
    with pytest.raises(ConfigError, match=message):
        load_pack(path.parent)
