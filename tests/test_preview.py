"""The translator's preview: a language started a moment ago (Italian, 10
messages translated) is seen laid out, marked as a preview and with what is
not yet translated highlighted; as PDFs in a folder of its own; and in the
browser, following each save of the catalogue."""

from __future__ import annotations

import io
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from babel.messages.pofile import read_po, write_po
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from patientpacks import api
from patientpacks.errors import MissingSafetyTranslationError, UsageError
from patientpacks.serve.app import Settings, create_app

from .conftest import PROJECT_FOLDERS, REPO, run_cli
from .serve_fixtures import client_for, serving

PACK, BRAND = "aftercare-card", "harbour-lane-uk"
TRANSLATED = 10
#: One message left fuzzy, one with a translation that drops its placeholder.
FUZZY, UNUSABLE = "What to avoid", "Stay upright for %(hours)s hour after treatment."


def save_catalogue(project: Path, locale: str, change) -> None:
    """Change the catalogue as a translator's tool saves it."""
    path = project / f"locales/{locale}/LC_MESSAGES/messages.po"
    catalog = read_po(path.open("rb"))
    change(catalog)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76)
    path.write_bytes(buffer.getvalue())


def start_italian(catalog) -> None:
    """Ten plain messages translated (no safety note among them), one fuzzy, one unusable."""
    plain = [m for m in catalog if m.id and isinstance(m.id, str) and m.context is None and "%" not in m.id]
    for message in plain[:TRANSLATED]:
        message.string = f"[it] {message.id}"
    catalog.get(FUZZY).string = "Cosa evitare"
    catalog.get(FUZZY).flags.add("fuzzy")
    catalog.get(UNUSABLE).string = "Resti in posizione eretta dopo il trattamento."  # no %(hours)s


@pytest.fixture(scope="module")
def italian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("italian") / "project"
    for folder in PROJECT_FOLDERS:
        shutil.copytree(REPO / folder, root / folder)
    api.init_locale(api.open_project(root), "it")
    save_catalogue(root, "it", start_italian)
    return root


@pytest.fixture(scope="module")
def italian_preview(italian: Path) -> api.PreviewLeaflet:
    return api.preview_leaflet(api.open_project(italian), pack=PACK, locale="it", brand=BRAND)


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_a_half_translated_language_is_previewed_marked_as_a_preview(
    italian: Path, italian_preview: api.PreviewLeaflet
) -> None:
    text = text_of(italian_preview.pdf)
    assert "PREVIEW — not for patients" in text
    assert "Safety: when to get help" in text  # the missing safety heading, in English
    # The build's rule stands: the leaflet itself is refused, and nothing was written.
    with pytest.raises(MissingSafetyTranslationError):
        api.render_leaflet(api.open_project(italian), pack=PACK, locale="it", brand=BRAND)
    assert not (italian / "dist").exists()


def test_every_message_not_printed_as_translated_is_highlighted(italian_preview: api.PreviewLeaflet) -> None:
    # Each is found on the page, but the QR code's alt text, which is read out, not printed.
    unseen = {m.msgid for m in italian_preview.highlighted} - {
        m.msgid
        for m in italian_preview.highlighted
        if m.number in {area.number for area in italian_preview.areas}
    }
    assert unseen == {"QR code linking to %(url)s"}
    states = {message.msgid: message.state for message in italian_preview.messages}
    assert states[FUZZY] == "fuzzy" and states[UNUSABLE] == "unusable"
    assert states["Safety: when to get help"] == "missing-safety"
    assert "untranslated" in states.values()
    translated = [message for message in italian_preview.messages if message.state == "translated"]
    assert translated and all(message.number == 0 for message in translated)
    assert [message.number for message in italian_preview.highlighted] == list(
        range(1, len(italian_preview.messages) - len(translated) + 1)
    )
    fuzzy = next(message for message in italian_preview.messages if message.msgid == FUZZY)
    assert fuzzy.catalogue_line.startswith("locales/it/LC_MESSAGES/messages.po:")
    assert fuzzy.sources and all(":" in source for source in fuzzy.sources)
    footer = next(
        message for message in italian_preview.messages if message.msgid.startswith("Page %(page)s")
    )
    assert footer.translator_comment.startswith("page numbering in the footer")  # the template's comment


def test_preview_out_writes_preview_pdfs_to_a_folder_of_their_own(italian: Path, tmp_path: Path) -> None:
    out = tmp_path / "previews"
    assert run_cli(italian, "preview", "it", "--out", str(out), "--brand", BRAND) == 0
    written = sorted(path.name for path in out.iterdir())
    assert written == ["aftercare-card.it.preview.pdf", "neuromodulators.it.preview.pdf"]
    assert "PREVIEW — not for patients" in text_of((out / written[0]).read_bytes())
    # A build's folder is refused: a preview is never a leaflet.
    with pytest.raises(UsageError, match="a folder of its own"):
        api.write_previews(api.open_project(italian), "it", italian / "dist")


def test_a_preview_names_only_locales_with_a_catalogue(italian: Path) -> None:
    with pytest.raises(UsageError, match="has no catalogue"):
        api.preview_version(api.open_project(italian), "../templates")


def test_a_message_shows_what_the_glossary_says_of_its_terms() -> None:
    preview = api.preview_leaflet(api.open_project(REPO), pack="neuromodulators", locale="fa", brand=BRAND)
    tell = next(
        message for message in preview.messages if message.msgid == "Tell your clinician before treatment if:"
    )
    assert tell.glossary == (
        "clinician: \u2068پزشک\u2069 or \u2068کادر درمان\u2069, never \u2068درمانگر\u2069",
    )


def test_a_preview_is_made_in_a_render_worker_under_its_time_limit(italian: Path, small_dist: Path) -> None:
    # A catalogue is the least trusted input the server reads: its preview
    # is laid out in a worker that is stopped at the time limit, and the
    # page says so instead of the server hanging on it.
    pool = api.RenderPool(api.open_project(italian), workers=1, limits=api.Limits(seconds=0.05), queue=1)
    try:
        with client_for(italian, small_dist, pool) as client:
            page = client.get(f"/preview/it/{PACK}?brand={BRAND}")
    finally:
        pool.close()
    assert page.status_code == 422
    assert "stopped after 0.05 s, the time limit for one leaflet" in page.text


@pytest.fixture(scope="module")
def preview_server(italian: Path, small_dist: Path) -> Iterator[str]:
    # The server's own pool renders the Italian project's previews.
    pool = api.RenderPool(api.open_project(italian), workers=1, queue=4)
    app = create_app(Settings(project=api.open_project(italian), out_dir=small_dist), pool=pool)
    try:
        with serving(app) as url:
            yield url
    finally:
        pool.close()


def test_saving_the_catalogue_sends_a_change_within_two_seconds(italian: Path, preview_server: str) -> None:
    since = api.preview_version(api.open_project(italian), "it")
    with httpx2.stream("GET", f"{preview_server}/preview/it/events?since={since}", timeout=10) as events:
        lines = events.iter_lines()
        assert next(lines) == ": watching"
        saved = time.monotonic()
        save_catalogue(italian, "it", lambda catalog: None)  # saved again, as an editor does
        while not (line := next(lines)).startswith("event:"):
            pass
        assert line == "event: change" and time.monotonic() - saved < 2


def test_the_translator_sees_the_page_follow_a_saved_catalogue(
    browser: Browser, italian: Path, preview_server: str, tmp_path: Path
) -> None:
    page: Page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{preview_server}/preview/it/{PACK}?brand={BRAND}")
    heading = page.locator("#messages-heading")
    before = heading.inner_text()
    # A click on a highlighted line of the page opens what the translator needs beside it.
    fuzzy = page.locator("details", has_text=f"fuzzy: {FUZZY}")
    number = fuzzy.get_attribute("data-number")
    page.locator(f'.preview-area[data-number="{number}"]').first.click()
    expect(fuzzy).to_have_attribute("open", "")
    assert FUZZY in fuzzy.locator("dd").first.inner_text()
    assert "locales/it/LC_MESSAGES/messages.po:" in fuzzy.inner_text()
    page.wait_for_timeout(300)  # the event stream connects

    def translate_the_footer(catalog) -> None:
        catalog.get("Page %(page)s of %(pages)s").string = "Pagina %(page)s di %(pages)s"

    save_catalogue(italian, "it", translate_the_footer)
    expect(heading).not_to_have_text(before, timeout=5000)
    page.locator(".preview-pages img").first.scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "preview-it.png")
    page.close()
