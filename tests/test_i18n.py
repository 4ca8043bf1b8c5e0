"""Catalogues and the translator's commands: plural rules, extract/update/init,
stats and check, the pseudo-locale, and edits that show up without a compile step."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from patientpacks.build.plurals import PLURAL_OVERRIDES, cldr_rule, expected_plural_rule, parse_plural_rule
from patientpacks.build.typography import locale_typography
from patientpacks.translate.pseudo import pseudo_translate

from .conftest import REPO, TODAY, run_cli


def cldr_index(locale: str, n: int) -> int:
    return cldr_rule(locale).forms[n]


#: The shipped languages, and others with every kind of plural rule CLDR has
#: (Welsh six forms, Irish five, Czech and Lithuanian "many" for fractions,
#: Hebrew "two", Japanese none).
LANGUAGES = ("ar", "de", "en", "es", "fa", "fr", "hi", "pl", "pt_BR", "ru", "vi", "zh_Hans", "it", "cy", "ga",
             "cs", "lt", "he", "uk", "ja", "sv", "sl", "pt_PT", "ca")  # fmt: skip


@pytest.mark.parametrize("locale", LANGUAGES)
def test_each_languages_plural_rule_is_cldrs_or_an_override_that_says_why(locale: str) -> None:
    rule, why = expected_plural_rule(locale)
    if why is None:
        assert rule.agrees_with(cldr_rule(locale))
    else:
        # An override exists only where gettext practice differs from CLDR.
        assert not rule.agrees_with(cldr_rule(locale))
        assert len(why) > 40


@pytest.mark.parametrize("language", sorted(PLURAL_OVERRIDES))
def test_overrides_keep_cldrs_forms_for_every_number_a_leaflet_prints(language: str) -> None:
    # Dropping CLDR's "many" for exact millions (or Vietnamese's "one") must
    # not change the form of any other number.
    rule = parse_plural_rule(PLURAL_OVERRIDES[language].header)
    cldr = cldr_rule(language)
    merged = [min(form, rule.nplurals - 1) for form in cldr.forms]
    assert list(rule.forms) == merged or rule.nplurals == 1


def shipped_catalogues() -> list[Path]:
    return sorted(REPO.glob("locales/*/LC_MESSAGES/messages.po"))


@pytest.mark.parametrize("path", shipped_catalogues(), ids=lambda path: path.parts[-3])
def test_shipped_catalogue_is_complete_with_a_verified_plural_header(path: Path) -> None:
    locale = path.parts[-3]
    catalog = read_po(path.open("rb"), abort_invalid=True)
    assert parse_plural_rule(catalog.plural_forms).agrees_with(expected_plural_rule(locale)[0])
    # English varieties (en_GB, en_US) are source text, signed off with the
    # packs; every other catalogue tells how a translation is signed off.
    assert "patientpacks review" in catalog.header_comment or locale.startswith("en_")
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
    assert (
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
        == 0
    )
    catalog = read_po((project / f"locales/{locale}/LC_MESSAGES/messages.po").open("rb"))
    message = next(m for m in catalog if isinstance(m.id, tuple) and m.id[0].startswith("Stay upright for"))
    # As it prints: set by the language's typography (the number kept with its unit).
    expected = locale_typography(project / "templates", locale).apply(
        message.string[cldr_index(locale, n)] % {"hours": n}
    )
    html = (out / f"harbour-lane-uk/{locale}/aftercare-card.html").read_text()
    assert expected in html


def test_edited_catalogue_shows_up_in_the_next_build_without_compiling(project: Path, tmp_path: Path) -> None:
    po = project / "locales/es/LC_MESSAGES/messages.po"
    text = po.read_text()
    old = re.search(r'msgid "Your treatment record"\nmsgstr "(.*)"', text).group(1)
    po.write_text(text.replace(f'msgstr "{old}"', 'msgstr "Registro editado por la traductora"', 1))
    out = tmp_path / "out"
    assert (
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
        == 0
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


def test_extract_and_update_leave_an_unchanged_tree_byte_identical(project: Path, capsys) -> None:
    (project / "babel.cfg").write_text((REPO / "babel.cfg").read_text())
    before = {path: path.read_bytes() for path in (project / "locales").rglob("*.po*")}
    assert run_cli(project, "extract") == 0
    assert run_cli(project, "update") == 0
    assert "no catalogue changed" in capsys.readouterr().out
    assert {path: path.read_bytes() for path in (project / "locales").rglob("*.po*")} == before


@pytest.mark.parametrize("command", [["update"], ["pseudo"], ["init", "it"]])
def test_commands_that_need_messages_pot_say_so_when_it_is_missing(
    project: Path, command: list[str], capsys
) -> None:
    (project / "locales/messages.pot").unlink()
    assert run_cli(project, *command) == 2
    assert "messages.pot does not exist yet: run `extract` first" in capsys.readouterr().err


def test_extract_fails_loudly_on_a_template_syntax_error(project: Path, capsys) -> None:
    (project / "babel.cfg").write_text((REPO / "babel.cfg").read_text())
    template = project / "packs/aftercare-card/sections/what-to-do.html"
    template.write_text(template.read_text().replace("{% endtrans %}", "{% endtrns %}", 1))
    assert run_cli(project, "extract") == 3  # a project file is invalid
    assert "packs/aftercare-card/sections/what-to-do.html:" in capsys.readouterr().err


def test_changed_source_string_becomes_fuzzy_and_makes_a_draft(project: Path, tmp_path: Path, capsys) -> None:
    (project / "babel.cfg").write_text((REPO / "babel.cfg").read_text())
    template = project / "packs/aftercare-card/sections/what-to-avoid.html"
    template.write_text(template.read_text().replace("What to avoid", "What to avoid after treatment"))
    assert run_cli(project, "extract") == 0
    assert run_cli(project, "update") == 0
    catalog = read_po((project / "locales/es/LC_MESSAGES/messages.po").open("rb"))
    assert catalog.get("What to avoid after treatment").fuzzy
    # The translator sees what the source said before.
    assert (
        '#| msgid "What to avoid"\nmsgid "What to avoid after treatment"'
        in (project / "locales/es/LC_MESSAGES/messages.po").read_text()
    )
    # ...and still sees it after the next update, which changes nothing
    # (Babel reads a "#|" line back as a comment of its own).
    before = (project / "locales/es/LC_MESSAGES/messages.po").read_bytes()
    assert run_cli(project, "update") == 0
    assert "no catalogue changed" in capsys.readouterr().out
    assert (project / "locales/es/LC_MESSAGES/messages.po").read_bytes() == before
    assert run_cli(project, "check", "--locale", "es", "--no-layout") == 1
    assert re.search(
        r"locales/es/LC_MESSAGES/messages.po:\d+: fuzzy .*'What to avoid after treatment'",
        capsys.readouterr().out,
    )
    out = tmp_path / "out"
    assert (
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
        )
        == 0
    )
    entry = json.loads((out / "manifest.json").read_text())["leaflets"][0]
    assert any("'What to avoid after treatment'" in reason for reason in entry["reasons"])


@pytest.mark.parametrize(("locale", "nplurals"), [("it", 2), ("cy", 6), ("uk", 3), ("ja", 1)])
def test_init_starts_any_cldr_language_with_its_plural_rule(
    project: Path, locale: str, nplurals: int
) -> None:
    assert run_cli(project, "init", locale) == 0
    catalog = read_po((project / f"locales/{locale}/LC_MESSAGES/messages.po").open("rb"))
    assert parse_plural_rule(catalog.plural_forms).nplurals == nplurals
    assert "patientpacks review LOCALE" in catalog.header_comment
    assert run_cli(project, "init", locale) == 2  # exists already
    assert (
        run_cli(project, "check", "--locale", locale, "--no-layout") == 1
    )  # all untranslated, nothing broken


def test_init_refuses_a_code_cldr_does_not_know(project: Path, capsys) -> None:
    assert run_cli(project, "init", "xx_YY") == 2
    assert "'xx_YY' is not a locale CLDR knows" in capsys.readouterr().err


def test_stats_reports_each_locale_and_pack(capsys) -> None:
    assert run_cli(REPO, "stats", "--json") == 0
    rows = json.loads(capsys.readouterr().out)["catalogues"]
    spanish = [row for row in rows if row["locale"] == "es"]
    assert {row["pack"] for row in spanish} == {"aftercare-card", "neuromodulators"}
    assert all(
        row["untranslated"] == 0 and row["percent"] == 100.0 and row["reviewed"] is False for row in spanish
    )


def test_stats_lists_reviews_due_in_the_next_60_days_or_overdue(project: Path, capsys) -> None:
    today = TODAY
    soon, overdue, later = today + timedelta(days=59), today - timedelta(days=3), today + timedelta(days=90)
    pack = project / "packs/aftercare-card/pack.toml"
    pack.write_text(
        pack.read_text()
        .replace("published = 2026-11-22", f"published = {today - timedelta(days=300)}")
        .replace("review_due = 2027-11-22", f"review_due = {soon}")
    )
    reviewed_on = (today - timedelta(days=368)).isoformat()  # due 365 days on
    assert run_cli(project, "review", "es", "--by", "R. Reviewer", "--on", reviewed_on) == 0
    assert (
        run_cli(project, "review", "fr", "--by", "R. Reviewer", "--on", str(today), "--due", str(later)) == 0
    )
    capsys.readouterr()

    assert run_cli(project, "stats", "--json") == 0
    due = json.loads(capsys.readouterr().out)["reviews_due"]
    assert [(row["kind"], row["id"], row["due"], row["days_left"]) for row in due] == [
        ("catalogue", "es", overdue.isoformat(), -3),
        ("pack", "aftercare-card", soon.isoformat(), 59),
    ]
    assert due[0]["path"].endswith("locales/es/LC_MESSAGES/review.toml")

    assert run_cli(project, "stats") == 0
    text = capsys.readouterr().out
    assert f"Reviews due in the next 60 days (by {today + timedelta(days=60)}) or overdue:" in text
    assert re.search(
        rf"{overdue}  3 days OVERDUE +catalogue +es +\S*locales/es/LC_MESSAGES/review.toml", text
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
        r"messages.po:\d+: translation not used: placeholders differ from the source \(missing %\(phone\)s; unexpected %\(telefono\)s\)",
        output,
    )
    assert re.search(
        r"messages.po:\d+: translation not used: inline markup differs from the source \(not in the source: <img",
        output,
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
    assert (
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
        == 0
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
