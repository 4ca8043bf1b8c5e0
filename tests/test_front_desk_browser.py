"""The front desk in a real browser: Playwright driving Debian's chromium
(the set-up installs both; Playwright downloads no browser) against the
server on a port of this machine. A missing chromium fails these tests: CI
must run them."""

from __future__ import annotations

import io
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright
from pypdf import PdfReader

from patientpacks import api
from patientpacks.serve.app import Settings, create_app

from .conftest import REPO
from .serve_fixtures import BOTULINUM_TOXIN_INJECTION, SNOMED_CT


@pytest.fixture(scope="module")
def live_server(small_dist: Path, render_pool: api.RenderPool) -> Iterator[str]:
    """The server on a free port of 127.0.0.1, in a thread of this process."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(Settings(project=api.open_project(REPO), out_dir=small_dist), pool=render_pool)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is not installed: `bash scripts/setup.sh` installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_the_receptionist_prints_a_spanish_large_print_guide_filled_in_for_the_patient(
    page: Page, live_server: str
) -> None:
    printed: list[bytes] = []

    def keep_the_pdf(route) -> None:
        response = route.fetch()
        printed.append(response.body())
        route.fulfill(response=response)

    page.context.route("**/print", keep_the_pdf)
    page.goto(live_server + "/")
    page.locator("#language-filter").press_sequentially("Esp")
    assert page.locator("#locale").input_value() == "es"
    page.locator("#pack").select_option("neuromodulators")
    assert (
        page.locator("#pack option:checked").inner_text()
        == "Inyecciones antiarrugas: su guía del tratamiento"
    )
    page.locator('input[name="edition"][value="large-print"]').check()
    page.locator("#date_of_treatment").fill("2026-12-01")
    page.locator("#status.draft").wait_for()
    assert "clinical content not signed off" in page.locator("#status").inner_text()
    assert "15 de diciembre de 2026" in page.locator("#review-shown").inner_text()
    with page.context.expect_page():
        page.locator("#print").click()
    deadline = time.monotonic() + 30
    while not printed and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert printed, "no PDF came back"
    assert printed[0].startswith(b"%PDF-"), printed[0][:2000]
    reader = PdfReader(io.BytesIO(printed[0]))
    text = " ".join(" ".join(sheet.extract_text() for sheet in reader.pages).split())
    assert "Inyecciones antiarrugas: su guía del tratamiento" in text  # Spanish
    assert "1 de diciembre de 2026" in text and "15 de diciembre de 2026" in text
    with pdfplumber.open(io.BytesIO(printed[0])) as document:  # large print: body text 16 pt
        sizes = [round(char["size"]) for char in document.pages[1].chars if char["text"].isalpha()]
    assert max(set(sizes), key=sizes.count) >= 16


def test_the_index_shows_every_leaflet(page: Page, live_server: str, small_dist: Path) -> None:
    page.goto(live_server + "/leaflets")
    planned = api.plan(api.open_project(REPO), api.BuildOptions(out_dir=small_dist, editions=(
        api.STANDARD_EDITION, api.LARGE_PRINT_EDITION, api.PRINT_SHOP_EDITION, api.Edition("bilingual", "en"))))  # fmt: skip
    labels = page.locator("li.leaflet").evaluate_all("items => items.map(item => item.dataset.label)")
    assert sorted(labels) == sorted(job.label for job in planned.jobs)
    picture = page.locator("li.leaflet img")
    picture.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.images].every(image => image.complete && image.naturalWidth > 0)"
    )
    assert picture.count() == 1


def test_the_infobutton_link_an_ehr_opens_leads_to_the_spanish_leaflet(page: Page, live_server: str) -> None:
    page.goto(
        f"{live_server}/infobutton?mainSearchCriteria.v.c={BOTULINUM_TOXIN_INJECTION}"
        f"&mainSearchCriteria.v.cs={SNOMED_CT}&informationRecipient.languageCode.c=es&knowledgeResponseType=text/html"
    )
    link = page.get_by_role("link", name="Después de sus inyecciones antiarrugas (Harbour Lane Aesthetics)")
    href = link.get_attribute("href")
    assert href.endswith("/leaflets/harbour-lane-uk/es/aftercare-card.pdf")
    pdf = page.request.get(href)
    assert pdf.headers["content-type"] == "application/pdf"
    assert (
        "Después de sus inyecciones antiarrugas" in PdfReader(io.BytesIO(pdf.body())).pages[0].extract_text()
    )
