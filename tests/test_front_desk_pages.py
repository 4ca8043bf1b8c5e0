"""The front desk pages in the receptionist's language: their own catalogues
(``frontdesk.po``), the language chosen on the page or taken from the
browser, English where a translation is missing, and saying so."""

from __future__ import annotations

from pathlib import Path

from patientpacks import api

from .conftest import run_cli
from .serve_fixtures import client_for


def test_a_page_in_spanish_shows_spanish_labels(client) -> None:
    page = client.get("/", headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.8"}).text
    assert '<html lang="es" dir="ltr">' in page
    for label in (
        "Imprimir un folleto para un paciente",
        "Idioma del paciente",
        "Número de lote",
        "Imprimir",
    ):
        assert label in page
    assert "Print a leaflet for a patient" not in page and "Patient&#39;s language" not in page
    assert "Partes de esta página están en inglés" not in page  # every string is translated
    # The patients' languages keep their own names, whatever the page's language.
    assert "العربية" in page and "中文" in page


def test_the_chosen_page_language_is_remembered_over_the_browsers(client) -> None:
    assert 'dir="rtl"' in client.get("/", headers={"Accept-Language": "ar"}).text
    chosen = client.get("/interface-language?locale=zh_Hans&next=/leaflets", follow_redirects=False)
    assert chosen.status_code == 303 and chosen.headers["location"] == "/leaflets"
    assert "desk_language=zh_Hans" in chosen.headers["set-cookie"]
    page = client.get("/leaflets", headers={"Accept-Language": "ar"}).text
    assert '<html lang="zh-Hans" dir="ltr">' in page and "全部说明单" in page
    # A language with no page catalogue, or a page of another site, is not taken.
    elsewhere = client.get("/interface-language?locale=xx&next=//evil.example/", follow_redirects=False)
    assert elsewhere.headers["location"] == "/" and "set-cookie" not in elsewhere.headers


def test_with_no_accepted_language_the_pages_are_english(client) -> None:
    page = client.get("/", headers={"Accept-Language": "ja-JP,ja;q=0.9"}).text
    assert '<html lang="en" dir="ltr">' in page and "Print a leaflet for a patient" in page


def test_a_missing_or_incomplete_page_catalogue_shows_english_on_the_page_only_and_says_so(
    project: Path, small_dist: Path, render_pool: api.RenderPool
) -> None:
    french = project / "locales/fr/LC_MESSAGES/frontdesk.po"
    complete = french.read_text(encoding="utf-8")
    french.write_text(complete.replace('msgstr "Imprimer"', 'msgstr ""'), encoding="utf-8")
    with client_for(project, small_dist, render_pool) as client:
        page = client.get("/", headers={"Accept-Language": "fr"}).text
    assert '<html lang="fr"' in page and "Imprimer une fiche pour un patient" in page
    assert ">Print</button>" in page  # the one string without a translation, in English
    assert "Certaines parties de cette page sont en anglais" in page
    assert "1 of its 64 strings are not translated" in page
    french.unlink()
    with client_for(project, small_dist, render_pool) as client:
        client.cookies.set("desk_language", "fr")
        page = client.get("/", headers={"Accept-Language": "fr"}).text
    # No French pages: French may still be chosen, the page is English and says why.
    assert '<html lang="en" dir="ltr">' in page and "Print a leaflet for a patient" in page
    assert '<option value="fr" lang="fr" selected>Français</option>' in page
    assert "Parts of this page are in English" in page
    assert "there is no front-desk catalogue for it yet (" in page and "fr/LC_MESSAGES/frontdesk.po)" in page
    # The French leaflets are no worse for it.
    assert run_cli(project, "--locale", "fr", "--brand", "harbour-lane-uk", "--pack", "aftercare-card") == 0


def test_stats_and_check_report_the_page_catalogues_apart(project: Path, capsys) -> None:
    (project / "locales/de/LC_MESSAGES/frontdesk.po").unlink()
    assert run_cli(project, "stats") == 0
    table = capsys.readouterr().out
    pages = table.split("The front desk pages")[1]
    assert "de        front desk pages          0      0        64    0.0%" in pages
    assert "es        front desk pages         64      0         0  100.0%" in pages
    run_cli(project, "check", "--locale", "de", "--no-layout")
    assert "frontdesk.po: warning: missing: the front desk pages show English" in capsys.readouterr().out
