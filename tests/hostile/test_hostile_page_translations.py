"""A front desk page's translation (``frontdesk.po``) is read as a leaflet's
is: one that adds markup, reorders text or misnames a placeholder is not
shown (the English source is, and the page says it is partly English);
one that is used is escaped for where it goes."""

from __future__ import annotations

from pathlib import Path

import pytest

from patientpacks import api

from ..conftest import run_cli
from ..serve_fixtures import client_for
from .conftest import set_translation

SPANISH = {"Accept-Language": "es"}

ATTACKS = {
    "an image that runs a script": (
        "Print",
        'Imprimir <img src="x" onerror="alert(document.cookie)">',
        "<img",
    ),
    "a script": (
        "Print a leaflet for a patient",
        "Imprimir <script>alert(document.cookie)</script>",
        "<script>alert",
    ),
    "a link to another site": (
        'Whether a leaflet is publishable shows on the <a href="/leaflets">index of every leaflet</a>.',
        'Véalo en el <a href="https://evil.example/">índice</a>.',
        "evil.example",
    ),
    "a bidi override that reverses the words": ("Print", "\u202eripmirp", "\u202e"),
    "a misspelt placeholder": ("Printed as %(date)s.", "Se imprime como %(fecha)s.", "%(fecha)s"),
}


@pytest.mark.parametrize(("msgid", "hostile", "trace"), ATTACKS.values(), ids=ATTACKS.keys())
def test_a_hostile_page_translation_is_not_shown_and_the_page_says_it_is_partly_english(
    project: Path, small_dist: Path, render_pool: api.RenderPool, capsys, msgid: str, hostile: str, trace: str
) -> None:
    set_translation(project, msgid, hostile, domain="frontdesk")
    with client_for(project, small_dist, render_pool) as client:
        page = client.get("/", headers=SPANISH)
    assert page.status_code == 200
    assert trace not in page.text and hostile not in page.text
    assert "Imprimir un folleto para un paciente" in page.text or msgid == "Print a leaflet for a patient"
    assert "Partes de esta página están en inglés" in page.text
    assert "1 of its 64 strings are not translated (or not usable)" in page.text
    assert run_cli(project, "check", "--locale", "es", "--no-layout") == 1
    assert "frontdesk.po:" in capsys.readouterr().out.split("front desk page: translation not used")[0]


def test_a_page_translation_put_into_an_attribute_cannot_leave_it(
    project: Path, small_dist: Path, render_pool: api.RenderPool
) -> None:
    # No markup, the source's placeholder: a usable translation, escaped for the attribute.
    set_translation(
        project,
        "Type to find: %(examples)s",
        'Buscar: %(examples)s" autofocus onfocus="alert(document.cookie)',
        domain="frontdesk",
    )
    with client_for(project, small_dist, render_pool) as client:
        page = client.get("/", headers=SPANISH).text
    assert 'onfocus="alert' not in page
    assert (
        'placeholder="Buscar: Esp, العربية, 中文, हिन्दी&#34; autofocus onfocus=&#34;alert(document.cookie)"'
        in page
    )
