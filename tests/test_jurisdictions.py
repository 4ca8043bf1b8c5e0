"""The brand's country decides the law, the health service, the language
variety and the phone format a leaflet prints: one country's rules never in
another's leaflet. Each test renders the few leaflets it reads, in memory."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from patientpacks import api
from patientpacks.build.catalogue_reader import read_catalogue
from patientpacks.build.packs import load_pack
from patientpacks.errors import PatientPacksError

from .conftest import REPO, run_cli
from .hostile.conftest import set_translation


def leaflet_text(project: Path, brand: str, locale: str, pack: str = "neuromodulators") -> str:
    leaflet = api.render_leaflet(api.open_project(project), pack=pack, locale=locale, brand=brand)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(leaflet.pdf)).pages)
    # Lines joined, bidi isolates dropped: phrases read across line breaks.
    return re.sub(r"\s+", " ", text.replace("\u2068", "").replace("\u2069", ""))


@pytest.fixture(scope="module")
def uk_guide() -> str:
    return leaflet_text(REPO, "harbour-lane-uk", "en")


@pytest.fixture(scope="module")
def us_guide() -> str:
    return leaflet_text(REPO, "maple-street-us", "en")


UK_ONLY = (
    "By law in England",
    "NHS 111",
    "Yellow Card",
    "GMC, NMC, GDC or GPhC",
    "Call 999",
    "Call the clinic on",
)
US_ONLY = (
    "MedWatch",
    "1-800-FDA-1088",
    "Call 911",
    "Lou Gehrig",
    "after-hours line at",
    "Office hours",
    "makeup",
)


def test_the_uk_guide_prints_englands_law_and_the_nhs_and_nothing_american(uk_guide: str) -> None:
    for phrase in UK_ONLY:
        assert phrase in uk_guide, phrase
    assert "motor neurone disease" in uk_guide  # British English (en_GB)
    assert "22 November 2026" in uk_guide  # CLDR's en_GB date
    assert "must see and examine you in person" in uk_guide
    for phrase in (*US_ONLY, "November 22, 2026", "FDA-approved", "urgent care"):
        assert phrase not in uk_guide, phrase
    # Prescription-only medicines are not advertised to the UK public: the
    # brand lists products, but does not hand its leaflets out only after
    # the consultation.
    for product in ("Azzalure", "Bocouture", "At this clinic, we use"):
        assert product not in uk_guide, product


def test_the_us_guide_prints_the_fda_and_us_english_and_nothing_british(us_guide: str) -> None:
    for phrase in US_ONLY:
        assert phrase in us_guide, phrase
    assert "November 22, 2026" in us_guide
    assert "Cosmetic treatment is not recommended if you are under 18." in us_guide
    # US products may be named, with the longer-lasting one's duration.
    assert "At this clinic, we use Botox Cosmetic, Daxxify, and Jeuveau." in us_guide
    assert "With Daxxify, results often last about 6 months." in us_guide
    for phrase in (*UK_ONLY, "22 November 2026", "England", "NHS", "MHRA", "motor neurone", "make-up"):
        assert phrase not in us_guide, phrase


def test_us_spanish_is_us_spanish_and_spains_stays_for_the_uk_clinic() -> None:
    us = leaflet_text(REPO, "maple-street-us", "es", "aftercare-card")
    uk = leaflet_text(REPO, "harbour-lane-uk", "es", "aftercare-card")
    assert "No maneje" in us and "conduzca" not in us and "comezón" in us
    assert "No conduzca" in uk and "maneje" not in uk and "picor" in uk
    assert "6:00 p. m." in us  # the clinic's hours, as US Spanish writes times
    # Everything es_US does not override comes from es: the same sentence in both.
    assert "Su cita de revisión" in us and "Su cita de revisión" in uk


def test_the_manifest_records_the_variety_and_its_fallback_chain(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ("--pack", "aftercare-card", "--locale", "es", "--locale", "en", "-q")
    assert run_cli(project, "--out", str(out), *args) == 0
    import json

    entries = {entry["path"]: entry for entry in json.loads((out / "manifest.json").read_text())["leaflets"]}
    chains = {
        path: (entry["country"], entry["variety"], entry["catalogue_chain"])
        for path, entry in entries.items()
    }
    assert chains == {
        "harbour-lane-uk/en/aftercare-card.pdf": ("GB", "en_GB", ["en_GB", "en (source)"]),
        "harbour-lane-uk/es/aftercare-card.pdf": ("GB", "es", ["es"]),
        "maple-street-us/en/aftercare-card.pdf": ("US", "en_US", ["en_US", "en (source)"]),
        "maple-street-us/es/aftercare-card.pdf": ("US", "es_US", ["es_US", "es"]),
    }
    assert entries["maple-street-us/es/aftercare-card.pdf"]["inputs"]["override"]["file"] == (
        "locales/es_US/LC_MESSAGES/messages.po"
    )


def test_a_brand_whose_country_has_no_jurisdiction_fails_naming_the_missing_file(project: Path) -> None:
    brand = project / "brands/maple-street-us.toml"
    brand.write_text(brand.read_text().replace('country = "US"', 'country = "FR"'))
    with pytest.raises(
        PatientPacksError, match=r"country: no jurisdiction data for 'FR': .*jurisdictions/FR\.toml"
    ):
        api.render_leaflet(
            api.open_project(project), pack="aftercare-card", locale="en", brand="maple-street-us"
        )


def test_a_pack_without_a_countrys_statements_fails_naming_the_statement(project: Path) -> None:
    pack_file = project / "packs/neuromodulators/jurisdictions/GB.toml"
    pack_file.write_text(re.sub(r"(?m)^under_18 = .*$", "", pack_file.read_text()))
    with pytest.raises(PatientPacksError, match=r"GB\.toml: statements\.under_18: is missing"):
        api.render_leaflet(
            api.open_project(project), pack="neuromodulators", locale="en", brand="harbour-lane-uk"
        )


def test_a_countrys_safety_statement_never_falls_back_to_english(project: Path) -> None:
    set_translation(
        project,
        "When the clinic is closed, call NHS 111 (free, day and night).",
        "",
        context="safety:jurisdiction-GB",
    )
    with pytest.raises(PatientPacksError, match="safety notes are never shown in another language"):
        api.render_leaflet(
            api.open_project(project), pack="aftercare-card", locale="es", brand="harbour-lane-uk"
        )
    # The US clinic's Spanish leaflet does not print the UK's statement: it builds.
    assert api.render_leaflet(
        api.open_project(project), pack="aftercare-card", locale="es", brand="maple-street-us"
    )


@pytest.mark.parametrize(
    ("typed", "printed", "reason"),
    [
        ("020 7946 03", "020 7946 03", "not a number that exists in the United Kingdom"),
        ("020 7946 0321", "020 7946 0321", "in a range kept for fiction"),
        ("+44 20 7123 4567", "020 7123 4567", None),
        ("111", "111", None),
    ],
    ids=["too-short", "kept-for-drama", "international-typed", "short-code"],
)
def test_a_number_that_cannot_be_dialled_drafts_its_leaflet(
    project: Path, typed: str, printed: str, reason: str | None
) -> None:
    brand = project / "brands/harbour-lane-uk.toml"
    brand.write_text(brand.read_text().replace('phone = "020 7946 0321"', f'phone = "{typed}"'))
    leaflet = api.render_leaflet(
        api.open_project(project), pack="aftercare-card", locale="en", brand="harbour-lane-uk"
    )
    dialling = [r for r in leaflet.reasons if "cannot be dialled" in r]
    if reason:
        assert len(dialling) == 1 and reason in dialling[0] and "contact.phone" in dialling[0]
    else:
        assert dialling == []
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(leaflet.pdf)).pages)
    # The typography pass joins the number's groups with no-break spaces.
    text = text.replace("\u2068", "").replace("\u2069", "").replace("\xa0", " ")
    assert f"Phone: {printed}" in text and f"· {printed} Page" in text


def test_stats_shows_a_variety_as_an_override_of_its_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(REPO, "stats") == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()]
    es_us = [row for row in rows if row[:2] == ["es_US", "neuromodulators"]]
    assert es_us and es_us[0][4:6] == ["-", "override"] and es_us[0][-1] == "es)"


@pytest.mark.parametrize(
    ("path", "old", "new", "changed"),
    [
        (
            "jurisdictions/GB.toml",
            '"When the clinic is closed, call NHS 111 (free, day and night)."',
            '"When the clinic is closed, wait until it opens."',
            "jurisdictions/GB.toml: safety.out_of_hours",
        ),
        (
            "locales/en_GB/LC_MESSAGES/messages.po",
            'msgstr "Call the clinic on %(phone)s"',
            'msgstr "Call the clinic some time on %(phone)s"',
            "locales/en_GB: safety|Call the clinic: %(phone)s",
        ),
    ],
    ids=["a-countrys-statement", "an-english-varietys-wording"],
)
def test_english_a_clinician_signed_off_changed_since_drafts_the_leaflet(
    project: Path, path: str, old: str, new: str, changed: str
) -> None:
    # A country's statements and an English variety's wording are source
    # text, not translations: the pack's clinical sign-off covers them.
    assert run_cli(project, "signoff", "aftercare-card", "--by", "Dr A. Example", "--on", "2026-11-20") == 0
    edited = project / path
    assert old in edited.read_text()
    edited.write_text(edited.read_text().replace(old, new))
    leaflet = api.render_leaflet(
        api.open_project(project), pack="aftercare-card", locale="en", brand="harbour-lane-uk"
    )
    assert any("changed since clinical sign-off: 1 " in reason for reason in leaflet.reasons), leaflet.reasons
    changes = load_pack(project / "packs/aftercare-card").signoff.changes
    assert [change.name for change in changes] == [changed]


def test_checking_a_variety_lays_out_its_languages_leaflets(capsys: pytest.CaptureFixture[str]) -> None:
    # es_US holds only what differs from es: its leaflets are the es ones of
    # the US brand, built and laid out, never "not built".
    assert run_cli(REPO, "check", "--locale", "es_US") == 0
    output = capsys.readouterr()
    assert "not built" not in output.out + output.err
    assert "in 1 catalogue(s)" in output.err


def test_a_source_is_translated_around_the_titles_it_quotes(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    act = "“Botulinum Toxin and Cosmetic Fillers (Children) Act 2021”: the law in England on these injections for under-18s"
    set_translation(
        project,
        act,
        "“Botulinum Toxin and Cosmetic Fillers (Children) Act 2021”: la ley de Inglaterra sobre estas inyecciones en menores de 18 años",
        context="jurisdiction-GB",
    )
    out = project.parent / "out"
    args = ("--pack", "neuromodulators", "--brand", "harbour-lane-uk", "--locale", "es", "--html")
    assert run_cli(project, "--out", str(out), *args) == 0
    html = (out / "harbour-lane-uk/es/neuromodulators.html").read_text(encoding="utf-8")
    # The title in its own language, tagged so, in Spanish quotation marks;
    # the words around it in Spanish.
    assert (
        '«<cite lang="en" dir="ltr">Botulinum Toxin and Cosmetic Fillers (Children) Act 2021</cite>»: '
        "la ley de Inglaterra" in html
    )
    # A translation that translates the title is told to keep it.
    set_translation(
        project,
        act,
        "«Ley de toxina botulínica y rellenos cosméticos (menores) de 2021»: la ley de Inglaterra para menores de 18 años",
        context="jurisdiction-GB",
    )
    run_cli(project, "check", "--locale", "es", "--no-layout")
    assert "keep the title “Botulinum Toxin and Cosmetic Fillers (Children) Act 2021” exactly as written" in (
        capsys.readouterr().out
    )


def test_a_quoted_title_keeps_its_own_digits_in_a_language_with_others(project: Path) -> None:
    # Persian writes numbers in Persian digits, but a title copied as
    # written keeps its 2021: the message is used, not refused.
    act = "“Botulinum Toxin and Cosmetic Fillers (Children) Act 2021”: the law in England on these injections for under-18s"
    set_translation(
        project,
        act,
        "“Botulinum Toxin and Cosmetic Fillers (Children) Act 2021”: قانون انگلستان دربارهٔ این تزریق‌ها برای افراد زیر ۱۸ سال",
        context="jurisdiction-GB",
        locale="fa",
    )
    reading = read_catalogue(project / "locales/fa/LC_MESSAGES/messages.po", "fa")
    assert ("jurisdiction-GB", act) in reading.usable


def test_a_cite_tag_wraps_the_quoted_title_not_an_earlier_mention_of_its_words(project: Path) -> None:
    # The title is tagged where it is quoted, not where its words come up
    # first ("The Code del NMC").
    source = "GMC: “Guidance for doctors who offer cosmetic interventions”; NMC: “The Code”"
    set_translation(
        project,
        source,
        "The Code del NMC y la guía del GMC: “Guidance for doctors who offer cosmetic interventions”; "
        "NMC: “The Code”",
        context="jurisdiction-GB",
    )
    opened = api.open_project(project)
    options = api.BuildOptions(
        out_dir=project / "dist", packs=("neuromodulators",), locales=("es",), brands=("harbour-lane-uk",)
    )
    job = api.plan(opened, options).jobs[0]
    html = api.leaflet_html(opened, job)
    assert '«<cite lang="en" dir="ltr">The Code</cite>»' in html
    assert '<cite lang="en" dir="ltr">The Code</cite> del NMC' not in html
