"""Each language's typesetting rules (typography.py, templates/typography.toml),
applied to the text a leaflet prints, never to its catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from patientpacks.build.typography import locale_typography

from .conftest import REPO

NBSP, NARROW = "\u00a0", "\u202f"
FSI, PDI = "\u2068", "\u2069"


def typeset(locale: str, text: str) -> str:
    return locale_typography(REPO / "templates", locale).apply(text)


@pytest.mark.parametrize(
    ("locale", "text", "printed"),
    [
        pytest.param("fr", "moins de 18 ans.", f"moins de 18{NBSP}ans.", id="fr number and unit"),
        pytest.param("de", "bis zu 6 Monate an", f"bis zu 6{NBSP}Monate an", id="de number and unit"),
        pytest.param("pt_BR", "durante 24 horas", f"durante 24{NBSP}horas", id="pt number and unit"),
        pytest.param("fr", "au bout de 2 à 3 jours", f"au bout de 2{NBSP}à{NBSP}3{NBSP}jours", id="fr range"),
        pytest.param("pt_BR", "das 9h às 17h30.", f"das 9h{NBSP}às{NBSP}17h30.", id="pt time range"),
        pytest.param("ru", "с 8:00 до 18:00", f"с{NBSP}8:00{NBSP}до{NBSP}18:00", id="ru time range"),
        pytest.param("de", "am 22. November", f"am 22.{NBSP}November", id="de ordinal day and month"),
        pytest.param(
            "pl",
            "Jest 17:30. Prosimy",
            "Jest 17:30. Prosimy",
            id="pl a full stop after a number ends a sentence",
        ),
        pytest.param(
            "pl",
            f"pod numer alarmowy {FSI}999{PDI}",
            f"pod numer alarmowy{NBSP}{FSI}999{PDI}",
            id="pl emergency number kept with its word",
        ),
        pytest.param(
            "en",
            f"Call the clinic on {FSI}020 7946 0321{PDI} today",
            f"Call the clinic on{NBSP}{FSI}020{NBSP}7946{NBSP}0321{PDI}{NBSP}today",
            id="en phone number in one piece with its words",
        ),
        pytest.param(
            "fr",
            "Est-ce pour moi ? Voir : « Sécurité »; merci !",
            f"Est-ce pour moi{NARROW}? Voir{NBSP}: «{NBSP}Sécurité{NBSP}»{NARROW}; merci{NARROW}!",
            id="fr spaces before ; : ! ? and inside guillemets",
        ),
        pytest.param(
            "fr",
            "https://harbourlane.example/?page=1, de 9:00",
            "https://harbourlane.example/?page=1, de 9:00",
            id="fr web address and time untouched",
        ),
        pytest.param(
            "pl",
            "trudności w połykaniu i mowie",
            f"trudności w{NBSP}połykaniu i{NBSP}mowie",
            id="pl one-letter words",
        ),
        pytest.param("ru", "знать о процедуре", f"знать о{NBSP}процедуре", id="ru one-letter words"),
        pytest.param(
            "cs", "v pondělí a v úterý", f"v{NBSP}pondělí a{NBSP}v{NBSP}úterý", id="cs one-letter words"
        ),
        pytest.param("en", "a word in English", "a word in English", id="en one-letter words free"),
        pytest.param("de", "ein “Botox”-Effekt", "ein „Botox“-Effekt", id="de quotation marks"),
        pytest.param("de", 'ein 2" Schnitt', 'ein 2" Schnitt', id="a straight quote left as written"),
        pytest.param("pl", "efekt “zdziwienia”", "efekt „zdziwienia”", id="pl quotation marks"),
        pytest.param("ru", "эффект “удивления”", "эффект «удивления»", id="ru quotation marks"),
        pytest.param(
            "ru",
            f"опубликована {FSI}22 ноября 2026{NARROW}г.{PDI}.",
            f"опубликована {FSI}22{NBSP}ноября 2026{NARROW}г.{PDI}",
            id="ru no doubled full stop after an abbreviation",
        ),
        pytest.param("en", "Wait...", "Wait...", id="an ellipsis stays"),
        pytest.param(
            "ru",
            "препарат — ботулинический токсин",
            f"препарат{NBSP}— ботулинический токсин",
            id="ru a dash never starts a line",
        ),
        pytest.param(
            "zh_Hans", "效果。 通常 ，您", "效果。通常，您", id="zh no spaces around full-width punctuation"
        ),
        pytest.param(
            "zh_Hans",
            "长达4周才出现，在2027年11月22日前",
            "长达\u20604\u2060周才出现，在\u20602027\u2060年\u206011\u2060月\u206022\u2060日前",
            id="zh a number and a date kept with the characters beside them",
        ),
        pytest.param("fa", "عوارض آن چیست?", "عوارض آن چیست؟", id="fa Arabic question mark"),
        pytest.param("ar", "What? ما هذا?", "What? ما هذا؟", id="ar question mark after Arabic letters only"),
    ],
)
def test_each_language_prints_as_its_typesetters_would(locale: str, text: str, printed: str) -> None:
    assert typeset(locale, text) == printed


def test_tags_attributes_and_character_references_are_never_changed() -> None:
    html = 'Le <span class="a : b" title="18 ans">18 ans</span> &amp; plus&#160;! <!-- 2 à 3 -->'
    assert typeset("fr", html) == (
        f'Le <span class="a : b" title="18 ans">18{NBSP}ans</span> &amp; plus&#160;! <!-- 2 à 3 -->'
    )


def test_the_catalogues_are_not_typeset_by_hand() -> None:
    # The rules act on the text that prints; the catalogues keep ordinary
    # spaces where a rule puts a no-break one (the French "18 ans").
    with (REPO / "locales/fr/LC_MESSAGES/messages.po").open("rb") as file:
        catalog = read_po(file)
    strings = [m.string for m in catalog if isinstance(m.string, str) and "18 ans" in m.string]
    assert strings and all(f"18{NBSP}ans" not in string for string in strings)


@pytest.mark.parametrize(
    ("leaflet", "printed", "not_printed"),
    [
        pytest.param("harbour-lane-uk/fr/neuromodulators.html", f"18{NBSP}ans", "18 ans", id="fr"),
        pytest.param("harbour-lane-uk/ru/neuromodulators.html", f"22{NBSP}ноября{NBSP}2026", "г..", id="ru"),
        pytest.param(
            "harbour-lane-uk/pl/aftercare-card.html", f"numer{NBSP}{FSI}999", f"numer {FSI}999", id="pl"
        ),
        pytest.param(
            "maple-street-us/pt_BR/aftercare-card.html", f"2{NBSP}a{NBSP}3{NBSP}dias", "2 a 3 dias", id="pt"
        ),
    ],
)
def test_the_built_leaflets_print_the_typeset_text(
    example_dist: Path, leaflet: str, printed: str, not_printed: str
) -> None:
    html = (example_dist / leaflet).read_text(encoding="utf-8")
    assert printed in html
    assert not_printed not in html


def test_dates_are_never_split_over_two_lines(example_dist: Path) -> None:
    html = (example_dist / "harbour-lane-uk/pl/neuromodulators.html").read_text(encoding="utf-8")
    assert f"22{NBSP}listopada{NBSP}2026" in html


def test_chinese_sets_no_space_between_two_messages_of_a_paragraph(example_dist: Path) -> None:
    # The template's whitespace between two {% trans %} blocks after 。
    assert locale_typography(REPO / "templates", "zh_Hans").join_messages("<p>年龄。\n    治疗</p>") == (
        "<p>年龄。治疗</p>"
    )
    # ...and between the card's run-in paragraphs.
    assert locale_typography(REPO / "templates", "zh_Hans").join_messages("<p>审核。</p>\n  <p>版次</p>") == (
        "<p>审核。</p><p>版次</p>"
    )
    assert locale_typography(REPO / "templates", "fr").join_messages("<p>Âge. \n Traitement</p>") == (
        "<p>Âge. \n Traitement</p>"
    )
    html = (example_dist / "harbour-lane-uk/zh_Hans/neuromodulators.html").read_text(encoding="utf-8")
    assert re.findall(r"[。，！？][ \t\n]+[^\s<]", html) == []
