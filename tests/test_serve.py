"""The front desk web server, in process (Starlette's test client): the page,
the print, the index, the EHR link, and the server started and stopped as a
clinic starts it."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from pypdf import PdfReader

from patientpacks import api

from .conftest import REPO, run_cli
from .serve_fixtures import BOTULINUM_TOXIN_INJECTION, SNOMED_CT, client_for, print_form

ATOM = "{http://www.w3.org/2005/Atom}"


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def files_of(folder: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}


def test_the_front_desk_lists_each_language_in_its_own_name_and_the_clinics(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    for name in (
        "Español — Spanish",
        "العربية — Arabic",
        "中文 (简体) — Chinese (Simplified)",
        "हिन्दी — Hindi",
    ):
        assert name in page.text
    data = json.loads(
        re.search(r'<script type="application/json" id="desk-data">(.*?)</script>', page.text)[1]
    )
    assert data["titles"]["aftercare-card/es"] == "Después de sus inyecciones antiarrugas"
    assert data["reviewDays"]["neuromodulators/harbour-lane-uk"] == 14


def test_print_returns_the_leaflet_filled_in_for_the_patient_and_keeps_nothing(
    client, small_dist: Path, caplog: pytest.LogCaptureFixture
) -> None:
    before = files_of(REPO) | files_of(small_dist)
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            "/print",
            data=print_form(
                client,
                pack="neuromodulators",
                edition="large-print",
                date_of_treatment="2026-12-01",
                areas_treated="frente y entrecejo",
                product="Azzalure",
                batch_number="C4521-B",
                units="12,5",
                injector="Ana Ruiz",
            ),
        )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-disposition"].startswith("inline;")
    text = text_of(response.content)
    assert "1 de diciembre de 2026" in text and "15 de diciembre de 2026" in text  # the brand's 14 days
    for value in ("frente y entrecejo", "Azzalure", "C4521-B", "Unidades: 12,5", "Ana Ruiz"):
        assert value in text
    assert files_of(REPO) | files_of(small_dist) == before
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert '"POST /print" 200' in logged
    assert not any(value in logged for value in ("entrecejo", "Azzalure", "C4521", "Ruiz", "2026-12-01"))


def test_a_blank_form_prints_the_blank_leaflet(client) -> None:
    response = client.post("/print", data=print_form(client, locale="en"))
    assert response.status_code == 200
    # Every field of the record, as write-in lines: the blank leaflet's.
    text = text_of(response.content)
    assert all(label in text for label in ("Date of treatment:", "Product:", "Batch number:", "Prescriber:"))


def test_the_status_says_in_plain_words_why_a_leaflet_is_a_draft(client) -> None:
    answer = client.get(
        "/status", params={"pack": "aftercare-card", "locale": "es", "brand": "harbour-lane-uk"}
    )
    assert answer.json()["status"] == "draft"
    assert any("clinical content not signed off" in reason for reason in answer.json()["reasons"])
    unknown = client.get(
        "/status", params={"pack": "aftercare-card", "locale": "xx", "brand": "harbour-lane-uk"}
    )
    assert unknown.json()["status"] == "cannot be printed"


def test_the_index_lists_every_leaflet_with_a_picture_of_the_built_ones(client, small_dist: Path) -> None:
    page = client.get("/leaflets").text
    planned = api.plan(api.open_project(REPO), api.BuildOptions(out_dir=small_dist, editions=(
        api.STANDARD_EDITION, api.LARGE_PRINT_EDITION, api.PRINT_SHOP_EDITION, api.Edition("bilingual", "en"))))  # fmt: skip
    labels = re.findall(r'<li class="leaflet" data-label="([^"]+)"', page)
    assert sorted(labels) == sorted(job.label for job in planned.jobs) and len(labels) > 150
    pictures = re.findall(r'src="(/thumbnails/[0-9a-f]{64}\.png)"', page)
    assert len(pictures) == 1  # the one leaflet built
    picture = client.get(pictures[0])
    assert picture.headers["content-type"] == "image/png" and picture.content.startswith(b"\x89PNG")
    spanish = re.search(r'<th scope="row" lang="es">Español</th>(.*?)</tr>', page, re.S)[1]  # how complete
    assert re.findall(r"100\.0% translated \(\d+ of \d+\), <span class=\"bad\">not reviewed", spanish)


def test_a_built_leaflet_is_served_from_the_build_and_another_is_made_when_opened(
    client, small_dist: Path
) -> None:
    built = client.get("/leaflets/harbour-lane-uk/es/aftercare-card.pdf")
    assert built.content == (small_dist / "harbour-lane-uk/es/aftercare-card.pdf").read_bytes()
    made = client.get("/leaflets/maple-street-us/fr/aftercare-card.large-print.pdf")
    assert made.status_code == 200 and made.content.startswith(b"%PDF-")
    assert client.get("/leaflets/maple-street-us/xx/nothing.pdf").status_code == 404


def infobutton(client, response_type: str, language: str = "es", code: str = BOTULINUM_TOXIN_INJECTION):
    return client.get("/infobutton", params={
        "mainSearchCriteria.v.c": code, "mainSearchCriteria.v.cs": SNOMED_CT,
        "informationRecipient.languageCode.c": language, "knowledgeResponseType": response_type,
        "age.v.v": "43", "age.v.u": "a", "patientPerson.administrativeGenderCode.c": "F",
    })  # fmt: skip


def test_the_infobutton_answers_with_the_leaflets_in_the_patients_language(client) -> None:
    feed = infobutton(client, "application/json").json()["feed"]
    links = sorted(link["href"] for entry in feed["entry"] for link in entry["link"])
    assert links == sorted(
        f"http://127.0.0.1:8000/leaflets/{brand}/es/{pack}.pdf"
        for brand in ("harbour-lane-uk", "maple-street-us")
        for pack in ("aftercare-card", "neuromodulators")
    )
    assert feed["xml:lang"] == "es"
    assert any(entry["title"]["_value"].startswith("Después de sus inyecciones") for entry in feed["entry"])
    atom = ElementTree.fromstring(infobutton(client, "text/xml", language="es-MX").content)
    assert len(atom.findall(f"{ATOM}entry")) == 4
    assert atom.find(f"{ATOM}entry/{ATOM}link").get("href").endswith("/es/aftercare-card.pdf")
    html = infobutton(client, "text/html", language="zh-CN").text
    assert "/leaflets/harbour-lane-uk/zh_Hans/aftercare-card.pdf" in html


def test_the_infobutton_says_when_the_clinic_has_no_leaflet_in_that_language(client) -> None:
    feed = infobutton(client, "application/json", language="it").json()["feed"]
    assert feed["entry"] == []
    assert "no leaflets in the language asked for (it)" in feed["subtitle"]["_value"]
    assert "Spanish (es)" in feed["subtitle"]["_value"]
    assert infobutton(client, "application/json", code="73211009").json()["feed"]["entry"] == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"mainSearchCriteria.v.c": None}, "mainSearchCriteria.v.c: missing"),
        ({"mainSearchCriteria.v.cs": "SNOMED"}, "must be the code system's OID"),
        ({"mainSearchCriteria.v.c": "1' OR '1'='1"}, "letters, digits, dots and hyphens"),
        ({"knowledgeResponseType": "application/javascript"}, "knowledgeResponseType: one of"),
        ({"informationRecipient.languageCode.c": "12"}, "is not a language code"),
    ],
    ids=["no code", "system not an OID", "code not a code", "JSONP", "language not a language"],
)
def test_a_malformed_infobutton_request_gets_400_with_the_reason(client, change: dict, reason: str) -> None:
    params = {
        "mainSearchCriteria.v.c": BOTULINUM_TOXIN_INJECTION, "mainSearchCriteria.v.cs": SNOMED_CT,
        "knowledgeResponseType": "application/json",
    }  # fmt: skip
    params.update(change)
    response = client.get(
        "/infobutton", params={key: value for key, value in params.items() if value is not None}
    )
    assert response.status_code == 400 and reason in response.text


def test_a_catalogue_broken_while_the_server_runs_fails_only_its_own_leaflets(
    project: Path, tmp_path: Path
) -> None:
    pool = api.RenderPool(api.open_project(project), workers=1, queue=2)
    try:
        with client_for(project, tmp_path / "dist", pool) as client:
            assert client.post("/print", data=print_form(client)).status_code == 200
            po = project / "locales/es/LC_MESSAGES/messages.po"
            po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "broken\n', encoding="utf-8")
            page = client.get("/").text
            assert "Cannot be printed now" in page and "locales/es/LC_MESSAGES/messages.po" in page
            refused = client.post("/print", data=print_form(client))
            assert refused.status_code == 422 and "messages.po" in refused.text
            assert client.post("/print", data=print_form(client, locale="fr")).status_code == 200
    finally:
        pool.close()


def test_serve_refuses_to_listen_beyond_this_machine_without_a_token(capsys, monkeypatch) -> None:
    monkeypatch.delenv("PATIENTPACKS_TOKEN", raising=False)
    assert run_cli(REPO, "serve", "--host", "0.0.0.0") == 2
    assert "needs an access token: give --token or set PATIENTPACKS_TOKEN" in capsys.readouterr().err
    assert run_cli(REPO, "serve", "--host", "192.0.2.1", "--token", "too-short") == 2
    assert "--token: at least 16 characters" in capsys.readouterr().err


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_server_starts_with_one_command_and_stops_cleanly_on_sigterm(small_dist: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "patientpacks", "serve", "--project", str(REPO), "--out", str(small_dist),
         "--port", str(port), "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/leaflets", timeout=5) as page:
                    assert page.status == 200
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        children = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
        ).stdout.split()
        assert children  # the render worker
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=15) == 130  # stopped by a signal, as every command reports it
        output = server.stdout.read()
        assert "Application shutdown complete" in output and "Traceback" not in output
        # No process left behind (the workers; multiprocessing's resource
        # tracker ends a moment after the server, when its pipe closes).
        deadline = time.monotonic() + 5
        while [pid for pid in children if Path(f"/proc/{pid}").exists()] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
    finally:
        if server.poll() is None:
            server.kill()


def test_a_project_file_the_server_cannot_use_is_named_on_the_page_by_its_project_path(
    project: Path, small_dist: Path, render_pool: api.RenderPool
) -> None:
    # Nothing can be printed; the page names the file to fix as the project
    # knows it, never where the project is on the server.
    (project / "assets/fonts/fonts.toml").unlink()
    with client_for(project, small_dist, render_pool) as client:
        page = client.get("/")
    assert page.status_code == 500
    assert "The project cannot be used: assets/fonts/fonts.toml: cannot be read" in page.text
    assert str(project) not in page.text
