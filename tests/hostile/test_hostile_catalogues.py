"""A catalogue from an outside translator can be wrong or malicious. Whatever it
says, the leaflet never carries a file from the build machine, never makes the
machine reach the network, never runs a script, and the build never crashes."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..conftest import run_cli
from .conftest import LEAFLET, manifest_entry, pdf_facts, set_translation

HOSTNAME = (
    Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else socket.gethostname()
)

PAYLOADS = {
    "img-file": '<img src="file:///etc/hostname">Registro',
    "link-attachment": '<link rel="attachment" href="file:///etc/hostname">Registro',
    "javascript-link": '<a href="javascript:alert(1)">Registro</a>',
    "style-element": "<style>body { background: url(http://127.0.0.1:1/) }</style>Registro",
    "style-attribute": '<span style="background: url(http://127.0.0.1:1/)">Registro</span>',
    "script": "<script>alert(1)</script>Registro",
    "html-comment": "Registro <!-- a hidden comment -->",
    "cdata": "Registro <![CDATA[ x ]]>",
    "svg-foreign": '<svg><image href="file:///etc/hostname"/></svg>Registro',
    "object": '<object data="file:///etc/hostname"></object>Registro',
}


def build_card(project: Path, out: Path, *extra: str) -> int:
    return run_cli(
        project,
        "--out",
        str(out),
        "--pack",
        "aftercare-card",
        "--brand",
        "maple-street-us",
        "--locale",
        "es",
        "--html",
        "--quiet",
        *extra,
    )


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_markup_a_source_string_does_not_have_is_never_rendered(
    project: Path, tmp_path: Path, payload: str, capsys
) -> None:
    set_translation(project, "Your treatment record", payload)
    out = tmp_path / "out"
    assert build_card(project, out) == 0
    entry = manifest_entry(out)
    assert entry["status"] == "draft"
    assert any(
        "'Your treatment record' (translation not used: inline markup differs" in reason
        for reason in entry["reasons"]
    )
    html = (out / f"{LEAFLET}.html").read_text()
    assert payload not in html
    assert "Your treatment record" in html  # the source text stands in, visibly
    facts = pdf_facts(out / f"{LEAFLET}.pdf")
    assert facts["attachments"] == {} and not facts["embedded_files"]
    assert facts["images"] == 0
    assert facts["uris"] == [] and not facts["javascript"]
    assert HOSTNAME not in facts["text"]
    assert "Traceback" not in capsys.readouterr().err


def test_jinja_syntax_in_a_translation_is_printed_as_text(project: Path, tmp_path: Path) -> None:
    # No digits: a translation may not add a number its source does not have.
    set_translation(project, "Your treatment record", "Registro {{ brand.name }} {{ brand.id * brand.id }}")
    out = tmp_path / "out"
    assert build_card(project, out) == 0
    assert "Registro {{ brand.name }} {{ brand.id * brand.id }}" in (out / f"{LEAFLET}.html").read_text()


def test_translation_may_use_the_markup_its_source_uses(project: Path, tmp_path: Path) -> None:
    msgid = "<strong>Anti-wrinkle injections are not fillers.</strong> They do not add volume. Dermal fillers, such as hyaluronic acid, are a different treatment."
    set_translation(project, msgid, "<strong>No son rellenos.</strong> No añaden volumen.")
    out = tmp_path / "out"
    assert (
        run_cli(
            project,
            "--out",
            str(out),
            "--pack",
            "neuromodulators",
            "--brand",
            "maple-street-us",
            "--locale",
            "es",
            "--html",
            "--quiet",
        )
        == 0
    )
    assert (
        "<strong>No son rellenos.</strong> No añaden volumen."
        in (out / "maple-street-us/es/neuromodulators.html").read_text()
    )


def test_an_attribute_on_an_allowed_tag_is_refused(project: Path, tmp_path: Path) -> None:
    msgid = "<strong>Anti-wrinkle injections are not fillers.</strong> They do not add volume. Dermal fillers, such as hyaluronic acid, are a different treatment."
    set_translation(
        project, msgid, '<strong style="background:url(http://127.0.0.1:1/)">No son rellenos.</strong>'
    )
    out = tmp_path / "out"
    assert (
        run_cli(
            project,
            "--out",
            str(out),
            "--pack",
            "neuromodulators",
            "--brand",
            "maple-street-us",
            "--locale",
            "es",
            "--html",
            "--quiet",
        )
        == 0
    )
    html = (out / "maple-street-us/es/neuromodulators.html").read_text()
    assert "127.0.0.1" not in html


@pytest.mark.parametrize(
    "msgstr",
    # misspelt, wrong type, a bare %, a trailing %, and Jinja syntax instead of the placeholder
    [
        "Teléfono: %(telefono)s",
        "Teléfono: %(phone)d",
        "Teléfono: 100% %(phone)s",
        "Teléfono: %(phone)s %",
        "Teléfono: {{ brand.name }}",
    ],
)
def test_placeholder_mistakes_draft_the_leaflet_instead_of_crashing(
    project: Path, tmp_path: Path, msgstr: str
) -> None:
    set_translation(project, "Phone: %(phone)s", msgstr)
    out = tmp_path / "out"
    assert build_card(project, out) == 0
    entry = manifest_entry(out)
    assert any("'Phone: %(phone)s' (translation not used" in reason for reason in entry["reasons"])
    assert "Phone: (555) 010-0142" in " ".join(pdf_facts(out / f"{LEAFLET}.pdf")["text"].split())


def test_a_broken_safety_translation_fails_the_leaflet_with_a_clear_message(
    project: Path, tmp_path: Path, capsys
) -> None:
    set_translation(
        project, "Call the clinic: %(phone)s", "Llame a la clínica al <img src=x>", context="safety"
    )
    out = tmp_path / "out"
    assert build_card(project, out) == 1
    error = capsys.readouterr().err
    assert "safety notes are never shown in another language" in error
    assert "'Call the clinic: %(phone)s'" in error
    assert not (out / f"{LEAFLET}.pdf").exists()


def test_an_oversized_translation_is_drafted_or_stopped_never_a_crash(
    project: Path, tmp_path: Path, capsys
) -> None:
    set_translation(project, "Your treatment record", "Registro " * 20000)
    out = tmp_path / "out"
    status = build_card(project, out, "--time-limit", "20")
    error = capsys.readouterr().err
    assert "Traceback" not in error
    if status == 0:
        entry = manifest_entry(out)
        assert any("over the limit of" in reason for reason in entry["reasons"])
    else:
        assert "time limit" in error or "memory limit" in error


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(
            st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=10),
            st.sampled_from(
                [
                    "<",
                    ">",
                    "&",
                    "%",
                    "{",
                    "}",
                    "{{",
                    "%(phone)s",
                    "%(x)s",
                    "<strong>",
                    "</strong>",
                    "<img src=file:///etc/hostname>",
                    "\u202e",
                    "\u2067",
                    "\u200f",
                    "\x00",
                    "\\",
                ]
            ),
        ),
        max_size=8,
    ).map("".join)
)
def test_any_translation_builds_safely_or_fails_clearly(
    project: Path, tmp_path_factory, capsys, msgstr: str
) -> None:
    set_translation(project, "Phone: %(phone)s", msgstr)
    out = tmp_path_factory.mktemp("out")
    status = build_card(project, out)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert status in (0, 1)
    if status == 0:
        facts = pdf_facts(out / f"{LEAFLET}.pdf")
        assert facts["attachments"] == {} and facts["images"] == 0 and facts["uris"] == []
    else:
        assert "FAILED  " + LEAFLET in captured.err
