"""Hostile requests to the front desk web server: what a form value, another
site, a client without the token, a huge body or a burst of prints can do,
and what the server does instead."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from patientpacks import api

from ..conftest import REPO
from ..serve_fixtures import client_for, csrf_token, print_form
from .conftest import pdf_facts

TOKEN = "a-long-enough-test-token-0123"


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("areas_treated", "forehead\u202e and neck", "areas treated: plain text only"),
        ("injector", "Ana\u2066 Ruiz", "injector: plain text only"),
        ("product", "x" * 10_000, "product: at most 120 characters, not 10000"),
        ("batch_number", "C45\n21", "batch number: plain text only"),
        ("units", "1e9", "units: a number more than 0"),
        ("date_of_treatment", "2026-13-45", "date of treatment: a date as YYYY-MM-DD"),
    ],
    ids=["bidi override", "bidi isolate", "10 kB string", "new line", "units too many", "not a date"],
)
def test_a_form_value_that_is_not_one_line_of_plain_text_is_refused_and_not_echoed(
    client, field: str, value: str, reason: str
) -> None:
    response = client.post("/print", data=print_form(client, **{field: value}))
    assert response.status_code == 400
    assert reason in response.text
    assert value not in response.text and response.headers["content-type"].startswith("text/html")


def test_html_in_a_form_value_prints_as_text_and_adds_nothing_to_the_pdf(client, tmp_path: Path) -> None:
    markup = '<img src="file:///etc/passwd"><a href="javascript:alert(1)">x</a>'
    response = client.post("/print", data=print_form(client, areas_treated=markup, locale="en"))
    assert response.status_code == 200
    (pdf := tmp_path / "leaflet.pdf").write_bytes(response.content)
    facts = pdf_facts(pdf)
    assert "<img src=" in facts["text"].replace("\n", "")
    assert facts["images"] == 0 and not facts["javascript"] and not facts["attachments"]
    assert not any("javascript" in uri or "passwd" in uri for uri in facts["uris"])


def test_a_request_naming_another_host_is_refused_without_a_token(client) -> None:
    # DNS rebinding: evil.example made to point at 127.0.0.1 is same-origin
    # with the server; the third attack printed a leaflet that way.
    form = print_form(client, locale="en")
    headers = {"Host": "evil.example:8000", "Origin": "http://evil.example:8000"}
    assert client.get("/", headers={"Host": "evil.example:8000"}).status_code == 400
    assert client.post("/print", data=form, headers=headers).status_code == 400
    assert client.get("/infobutton", headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}],
    ids=["another origin", "cross-site fetch", "opaque origin"],
)
def test_a_print_sent_from_another_site_is_refused_even_with_a_valid_token(client, headers: dict) -> None:
    response = client.post("/print", data=print_form(client), headers=headers)
    assert response.status_code == 403 and "sent from another site" in response.text


@pytest.mark.parametrize("token", ["", "0" * 64], ids=["missing form token", "forged form token"])
def test_a_print_without_the_forms_own_token_is_refused(client, token: str) -> None:
    response = client.post("/print", data={**print_form(client), "csrf_token": token})
    assert response.status_code == 403 and "security token" in response.text


def test_a_print_from_a_browser_without_the_pages_cookie_is_refused(client) -> None:
    form = print_form(client)
    client.cookies.clear()  # another browser: it never loaded the page
    assert client.post("/print", data=form).status_code == 403


def test_a_huge_body_is_refused_before_it_is_read(client) -> None:
    response = client.post(
        "/print", content=b"areas_treated=" + b"x" * 200_000,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert response.status_code == 413


def test_fields_the_form_does_not_have_are_refused(client) -> None:
    response = client.post("/print", data={**print_form(client), "template": "{{ 7*7 }}"})
    assert response.status_code == 400 and "fields it should not have (template)" in response.text


def test_a_file_upload_is_refused(client) -> None:
    response = client.post(
        "/print", data=print_form(client), files={"areas_treated": ("x.html", b"<b>x</b>")}
    )
    assert response.status_code == 400


def test_every_answer_forbids_framing_scripts_of_other_sites_and_sniffing(client) -> None:
    for path in ("/", "/leaflets", "/status", "/sign-in", "/infobutton", "/nothing"):
        headers = client.get(path).headers
        assert "default-src 'self'" in headers["content-security-policy"], path
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert headers["x-content-type-options"] == "nosniff", path


def test_the_access_log_holds_no_query_string_and_no_form_value(
    client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="patientpacks.serve.access"):
        client.get("/infobutton?mainSearchCriteria.v.c=442695005&age.v.v=43&patientPerson.name=Jane+Doe")
        client.post("/print", data=print_form(client, injector="Jane Doe"))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert '"GET /infobutton" 400' in logged and '"POST /print" 200' in logged
    # The age, 43, as a value of its own: a duration ("0.433s") is not one.
    assert "Jane" not in logged and not re.search(r"(?<![\d.])43(?!\d)", logged) and "?" not in logged


def test_a_burst_of_prints_past_the_queue_gets_503_with_retry_after(small_dist: Path) -> None:
    pool = api.RenderPool(api.open_project(REPO), workers=1, queue=0)
    try:
        with client_for(REPO, small_dist, pool) as client:
            busy = pool.render(
                pack="neuromodulators", locale="de", brand="harbour-lane-uk", edition=api.LARGE_PRINT_EDITION
            )
            response = client.post("/print", data=print_form(client))
            assert response.status_code == 503
            assert int(response.headers["retry-after"]) >= 1 and "try again" in response.text
            busy.result(timeout=60)
            assert client.post("/print", data=print_form(client)).status_code == 200
    finally:
        pool.close()


# --- With an access token (any address but 127.0.0.1) --------------------------------


@pytest.fixture
def guarded(small_dist: Path, render_pool: api.RenderPool):
    with client_for(REPO, small_dist, render_pool, token=TOKEN) as client:
        yield client


def test_without_the_token_a_client_gets_401_and_a_browser_the_sign_in_page(guarded) -> None:
    for path in (
        "/",
        "/leaflets",
        "/status",
        "/infobutton",
        "/leaflets/harbour-lane-uk/es/aftercare-card.pdf",
    ):
        assert guarded.get(path).status_code == 401, path
    assert guarded.post("/print", data={"pack": "aftercare-card"}).status_code == 401
    browser = guarded.get("/leaflets", headers={"Accept": "text/html"}, follow_redirects=False)
    assert browser.status_code == 303 and browser.headers["location"] == "/sign-in?next=/leaflets"
    assert guarded.get("/", headers={"Authorization": "Bearer wrong-token-0123456789"}).status_code == 401


def test_with_the_token_as_a_bearer_every_page_answers(guarded) -> None:
    assert guarded.get("/leaflets", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_signing_in_sets_a_session_cookie_and_only_the_token_does(guarded) -> None:
    page = guarded.get("/sign-in?next=/leaflets")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    wrong = guarded.post("/sign-in?next=/leaflets", data={"csrf_token": token, "token": "guess-guess-guess"})
    assert wrong.status_code == 401 and "patientpacks_session" not in guarded.cookies
    signed_in = guarded.post(
        "/sign-in?next=/leaflets", data={"csrf_token": token, "token": TOKEN}, follow_redirects=False
    )
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/leaflets"
    cookie = signed_in.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert guarded.get("/leaflets").status_code == 200
    assert guarded.post("/print", data=print_form(guarded)).status_code == 200


def test_sign_in_sends_nowhere_but_this_server(guarded) -> None:
    page = guarded.get("/sign-in?next=//evil.example/x")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    response = guarded.post(
        "/sign-in?next=//evil.example/x", data={"csrf_token": token, "token": TOKEN}, follow_redirects=False
    )
    assert response.headers["location"] == "/"


def test_sign_in_from_another_site_is_refused(guarded) -> None:
    token = guarded.get("/sign-in").text.split('name="csrf_token" value="')[1].split('"')[0]
    response = guarded.post(
        "/sign-in", data={"csrf_token": token, "token": TOKEN}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403 and "patientpacks_session" not in guarded.cookies


def test_the_print_form_token_of_one_browser_is_no_use_to_another(client) -> None:
    token = csrf_token(client)
    client.cookies.clear()
    client.get("/")  # a new cookie, its own token
    assert client.post("/print", data={**print_form(client), "csrf_token": token}).status_code == 403
