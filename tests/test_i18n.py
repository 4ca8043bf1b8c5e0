"""Catalogues and the translator's commands: plural rules, extract/update/init,
stats and check, the pseudo-locale, and edits that show up without a compile step."""

from __future__ import annotations

import functools
import gettext
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po

from patientpacks.i18n import PLURAL_FORMS, pseudo_translate

from .conftest import REPO, run_cli

CLDR_ORDER = ("zero", "one", "two", "few", "many", "other")


@functools.cache
def integer_categories(locale: str) -> tuple[str, ...]:
    """The CLDR plural categories whole numbers reach, in CLDR order: the
    order of a gettext catalogue's plural forms."""
    rule = Locale.parse(locale).plural_form
    reached = {rule(k) for k in range(1000)}
    return tuple(category for category in CLDR_ORDER if category in reached)


def cldr_index(locale: str, n: int) -> int:
    return integer_categories(locale).index(Locale.parse(locale).plural_form(n))


def gettext_index(plural_forms: str, n: int) -> int:
    expression = re.search(r"plural=(.*?);?\s*$", plural_forms).group(1)
    return gettext.c2py(expression)(n)


#: Languages whose nouns never change with the number before them ("1 giờ",
#: "24 giờ"), so one gettext form serves every number. CLDR 48 (Babel 2.19)
#: gave Vietnamese a "one" category (0 and 1) for sentences that refer back
#: to what was counted (nó / chúng, "it" / "them"); the leaflets' plural
#: messages never do, and gettext tools (Babel's own header among them) keep
#: Vietnamese to one form.
ONE_FORM_LOCALES = {"vi", "zh"}


@pytest.mark.parametrize("locale", sorted(set(PLURAL_FORMS) - ONE_FORM_LOCALES))
def test_verified_plural_rules_agree_with_cldr_for_0_to_1000(locale: str) -> None:
    assert [gettext_index(PLURAL_FORMS[locale], n) for n in range(1001)] == [
        cldr_index(locale, n) for n in range(1001)
    ]


@pytest.mark.parametrize("locale", sorted(ONE_FORM_LOCALES))
def test_one_form_locales_use_form_0_and_cldr_adds_no_number_agreement(locale: str) -> None:
    assert {gettext_index(PLURAL_FORMS[locale], n) for n in range(1001)} == {0}
    # A CLDR category beyond "one" (two, few, many) would mean the nouns do
    # change with the number: then this locale needs its own rule.
    assert set(integer_categories(locale)) <= {"one", "other"}


def shipped_catalogues() -> list[Path]:
    return sorted(REPO.glob("locales/*/LC_MESSAGES/messages.po"))


@pytest.mark.parametrize("path", shipped_catalogues(), ids=lambda path: path.parts[-3])
def test_shipped_catalogue_is_complete_with_a_verified_plural_header(path: Path) -> None:
    locale = path.parts[-3]
    catalog = read_po(path.open("rb"), abort_invalid=True)
    expected = PLURAL_FORMS.get(locale) or PLURAL_FORMS[locale.split("_")[0]]
    assert catalog.plural_forms == expected
    assert re.search(r"(?m)^# Reviewed-By:", catalog.header_comment)
    untranslated = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert untranslated == []


@pytest.mark.parametrize("locale", ["ar", "pl", "ru"])
@pytest.mark.parametrize("n", [0, 1, 2, 5, 11, 100])
def test_plural_message_renders_the_cldr_form(project: Path, tmp_path: Path, locale: str, n: int) -> None:
    brand = project / "brands/harbour-lane-uk.toml"
    brand.write_text(brand.read_text().replace("upright_hours = 4", f"upright_hours = {n}"))
    out = tmp_path / "out"
    run_cli(
        project,
        "--out",
        str(out),
        "--pack",
        "aftercare-card",
        "--brand",
        "harbour-lane-uk",
        "--locale",
        locale,
        "--html",
    )
    catalog = read_po((project / f"locales/{locale}/LC_MESSAGES/messages.po").open("rb"))
    message = next(m for m in catalog if isinstance(m.id, tuple) and m.id[0].startswith("Stay upright for"))
    expected = message.string[cldr_index(locale, n)] % {"hours": n}
    html = (out / f"harbour-lane-uk/{locale}/aftercare-card.html").read_text()
    assert expected in html


def test_edited_catalogue_shows_up_in_the_next_build_without_compiling(project: Path, tmp_path: Path) -> None:
    po = project / "locales/es/LC_MESSAGES/messages.po"
    text = po.read_text()
    old = re.search(r'msgid "Your treatment record"\nmsgstr "(.*)"', text).group(1)
    po.write_text(text.replace(f'msgstr "{old}"', 'msgstr "Registro editado por la traductora"', 1))
    out = tmp_path / "out"
    run_cli(
        project,
        "--out",
        str(out),
        "--pack",
        "aftercare-card",
        "--brand",
        "harbour-lane-uk",
        "--locale",
        "es",
        "--html",
    )
    assert (
        "Registro editado por la traductora" in (out / "harbour-lane-uk/es/aftercare-card.html").read_text()
    )
    assert not list(project.rglob("*.mo"))


def test_extract_rewrites_nothing_when_only_the_date_would_change(project: Path, capsys) -> None:
    (project / "babel.cfg").write_text((REPO / "babel.cfg").read_text())
    assert run_cli(project, "extract") == 0
    pot = project / "locales/messages.pot"
    before = pot.read_bytes()
    assert run_cli(project, "extract") == 0
    assert "unchanged" in capsys.readouterr().out
    assert pot.read_bytes() == before
    assert "#: packs/aftercare-card/leaflet.html:" in before.decode()


def test_extract_fails_loudly_on_a_template_syntax_error(project: Path, capsys) -> None:
    (project / "babel.cfg").write_text((REPO / "babel.cfg").read_text())
    template = project / "packs/aftercare-card/sections/what-to-do.html"
    template.write_text(template.read_text().replace("{% endtrans %}", "{% endtrns %}", 1))
    assert run_cli(project, "extract") == 1
    assert "packs/aftercare-card/sections/what-to-do.html:" in capsys.readouterr().err


def test_changed_source_string_becomes_fuzzy_and_makes_a_draft(project: Path, tmp_path: Path, capsys) -> None:
    (project / "babel.cfg").write_text((REPO / "babel.cfg").read_text())
    template = project / "packs/aftercare-card/sections/what-to-avoid.html"
    template.write_text(template.read_text().replace("What to avoid", "What to avoid after treatment"))
    assert run_cli(project, "extract") == 0
    assert run_cli(project, "update") == 0
    catalog = read_po((project / "locales/es/LC_MESSAGES/messages.po").open("rb"))
    assert catalog.get("What to avoid after treatment").fuzzy
    assert run_cli(project, "check", "--locale", "es", "--no-layout") == 1
    assert re.search(
        r"locales/es/LC_MESSAGES/messages.po:\d+: fuzzy .*'What to avoid after treatment'",
        capsys.readouterr().out,
    )
    out = tmp_path / "out"
    run_cli(
        project, "--out", str(out), "--pack", "aftercare-card", "--brand", "harbour-lane-uk", "--locale", "es"
    )
    entry = json.loads((out / "manifest.json").read_text())["leaflets"][0]
    assert any("'What to avoid after treatment'" in reason for reason in entry["reasons"])


def test_init_starts_a_catalogue_with_the_verified_plural_header(project: Path) -> None:
    assert run_cli(project, "init", "pt") == 0
    catalog = read_po((project / "locales/pt/LC_MESSAGES/messages.po").open("rb"))
    assert catalog.plural_forms == PLURAL_FORMS["pt"]
    assert "# Reviewed-By:" in catalog.header_comment
    assert run_cli(project, "init", "pt") == 1  # exists already


def test_init_refuses_a_language_without_a_verified_plural_rule(project: Path, capsys) -> None:
    assert run_cli(project, "init", "cy") == 1
    assert "no verified plural rule for 'cy'" in capsys.readouterr().err


def test_stats_reports_each_locale_and_pack(capsys) -> None:
    assert run_cli(REPO, "stats", "--json") == 0
    rows = json.loads(capsys.readouterr().out)["catalogues"]
    spanish = [row for row in rows if row["locale"] == "es"]
    assert {row["pack"] for row in spanish} == {"aftercare-card", "neuromodulators"}
    assert all(
        row["untranslated"] == 0 and row["percent"] == 100.0 and row["reviewed"] is False for row in spanish
    )


def test_stats_lists_reviews_due_in_the_next_60_days_or_overdue(project: Path, capsys) -> None:
    today = date.today()
    soon, overdue, later = today + timedelta(days=59), today - timedelta(days=3), today + timedelta(days=90)
    pack = project / "packs/aftercare-card/pack.toml"
    pack.write_text(
        pack.read_text()
        .replace("published = 2026-11-22", f"published = {today - timedelta(days=300)}")
        .replace("review_due = 2027-11-22", f"review_due = {soon}")
    )
    for locale, lines in [
        (
            "es",
            f"# Reviewed-By: R. Reviewer\n# Reviewed-On: {today - timedelta(days=368)}\n",
        ),  # due 365 days on
        ("fr", f"# Reviewed-By: R. Reviewer\n# Reviewed-On: {today}\n# Review-Due: {later}\n"),
    ]:
        po = project / f"locales/{locale}/LC_MESSAGES/messages.po"
        po.write_text(po.read_text().replace("# Reviewed-By:\n# Reviewed-On:\n", lines))

    assert run_cli(project, "stats", "--json") == 0
    due = json.loads(capsys.readouterr().out)["reviews_due"]
    assert [(row["kind"], row["id"], row["due"], row["days_left"]) for row in due] == [
        ("catalogue", "es", overdue.isoformat(), -3),
        ("pack", "aftercare-card", soon.isoformat(), 59),
    ]
    assert due[0]["path"].endswith("locales/es/LC_MESSAGES/messages.po")

    assert run_cli(project, "stats") == 0
    text = capsys.readouterr().out
    assert f"Reviews due in the next 60 days (by {today + timedelta(days=60)}) or overdue:" in text
    assert re.search(
        rf"{overdue}  3 days OVERDUE +catalogue +es +\S*locales/es/LC_MESSAGES/messages.po", text
    )
    assert re.search(rf"{soon}  in 59 days +pack +aftercare-card +\S*packs/aftercare-card/pack.toml", text)
    assert " fr " not in text.split("or overdue:")[1]


def test_check_reports_placeholder_markup_and_glyph_problems(project: Path, capsys) -> None:
    po = project / "locales/es/LC_MESSAGES/messages.po"
    text = po.read_text()
    text = re.sub(r'(msgid "Phone: %\(phone\)s"\nmsgstr )".*"', r'\1"Teléfono: %(telefono)s"', text)
    text = re.sub(
        r'(msgid "In short"\nmsgstr )".*"',
        lambda match: match[1] + '"<img src=\\"x\\"> En resumen \U00013000"',
        text,
    )
    po.write_text(text)
    assert run_cli(project, "check", "--locale", "es", "--no-layout") == 1
    output = capsys.readouterr().out
    assert re.search(
        r"messages.po:\d+: placeholders differ from the source \(missing %\(phone\)s; unexpected %\(telefono\)s\)",
        output,
    )
    assert re.search(
        r"messages.po:\d+: inline markup differs from the source \(not in the source: <img", output
    )
    assert re.search(r"messages.po:\d+: character '\U00013000' \(U\+13000\) is in no font for es", output)


def test_check_passes_on_the_shipped_spanish_catalogue(capsys) -> None:
    assert run_cli(REPO, "check", "--locale", "es") == 0


def test_every_shipped_catalogue_brand_and_template_passes_the_checks_and_glyph_check(capsys) -> None:
    # Every message, every brand value and every template line has a glyph in
    # the fonts of every locale (page budgets are covered by the build tests).
    assert run_cli(REPO, "check", "--no-layout") == 0, capsys.readouterr().out


def test_pseudo_locale_brackets_every_string(project: Path, tmp_path: Path) -> None:
    assert run_cli(project, "pseudo") == 0
    out = tmp_path / "out"
    run_cli(
        project,
        "--out",
        str(out),
        "--pack",
        "aftercare-card",
        "--brand",
        "harbour-lane-uk",
        "--locale",
        "en_XA",
        "--html",
    )
    html = (out / "harbour-lane-uk/en_XA/aftercare-card.html").read_text()
    assert pseudo_translate("Your treatment record") in html
    assert "Your treatment record" not in html


def test_pseudo_translation_keeps_placeholders_and_tags() -> None:
    source = "Call the clinic on %(phone)s <strong>straight away</strong>"
    text = pseudo_translate(source)
    assert "%(phone)s" in text and "<strong>" in text and "</strong>" in text
    assert text.startswith("[") and text.endswith("]")
    visible = len(re.sub(r"%\(\w+\)s|<[^>]*>", "", source))
    assert len(re.sub(r"%\(\w+\)s|<[^>]*>", "", text)) >= visible * 1.35
