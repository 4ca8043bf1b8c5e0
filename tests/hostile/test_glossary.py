"""A glossary per language (locales/<l>/glossary.tbx): `check` reports a
translation that renders a key term with a forbidden word or without the
required one; a glossary is translator input, read without entities."""

from __future__ import annotations

import re
from pathlib import Path

from ..conftest import run_cli
from .conftest import set_translation


def test_check_names_the_persian_therapist_for_clinician(project: Path, capsys) -> None:
    # «درمانگر» ("therapist"), as the native review found it in the Persian
    # leaflets: the glossary deprecates it for "clinician".
    set_translation(
        project,
        "Tell your clinician before treatment if:",
        "اگر هر یک از موارد زیر در مورد شما صدق می‌کند، پیش از درمان به درمانگر خود بگویید:",
        locale="fa",
    )
    capsys.readouterr()
    run_cli(project, "check", "--locale", "fa", "--no-layout")
    out = capsys.readouterr().out
    assert re.search(
        r"(?m)^\S*locales/fa/LC_MESSAGES/messages.po:\d+: warning: glossary: uses 'درمانگر', which the "
        r"glossary forbids for 'clinician': 'Tell your clinician before treatment if:'$",
        out,
    )


def test_check_names_a_translation_that_drops_the_required_term(project: Path, capsys) -> None:
    set_translation(
        project,
        "Tell your clinician before treatment if:",
        "Antes del tratamiento, dígaselo a su terapeuta si:",
    )
    capsys.readouterr()
    assert run_cli(project, "check", "--locale", "es", "--no-layout", "--strict") == 1
    assert (
        "warning: glossary: renders 'clinician' without the glossary's 'profesional sanitario': "
        "'Tell your clinician before treatment if:'" in capsys.readouterr().out
    )


def test_a_glossary_that_expands_entities_is_refused_unexpanded(project: Path, capsys) -> None:
    # "Billion laughs": each entity is ten of the one before; expanded, the term would be 10**8 "ha"s.
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10 if n else "ha"}">' for n in range(9))
    (project / "locales/es/glossary.tbx").write_text(
        f'<?xml version="1.0"?><!DOCTYPE martif [{laughs}]><martif><text><body>'
        '<termEntry><langSet xml:lang="en"><tig><term>&l8;</term></tig></langSet></termEntry>'
        "</body></text></martif>"
    )
    capsys.readouterr()
    assert run_cli(project, "check", "--locale", "es", "--no-layout") == 1
    assert re.search(
        r"(?m)^\S*locales/es/glossary.tbx: not a TBX file the checks can read: ", capsys.readouterr().out
    )
