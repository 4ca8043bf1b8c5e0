"""What a translator is told about a message: where space is tight, its
length budget (templates/translation_rules.toml), checked by `check`."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Message

from patientpacks.build.message_checks import over_length_budget, printed_length
from patientpacks.build.translation_rules import load_translation_rules

from .conftest import REPO, run_cli
from .hostile.conftest import set_translation


def test_check_reports_a_footer_translation_over_its_length_budget(project: Path, capsys) -> None:
    set_translation(project, "Page %(page)s of %(pages)s", "Página número %(page)s de un total de %(pages)s")
    capsys.readouterr()
    assert run_cli(project, "check", "--locale", "es", "--no-layout") == 1
    assert re.search(
        r"(?m)^\S*locales/es/LC_MESSAGES/messages.po:\d+: 30 characters, over the budget of 16 for the running "
        r"footer, on one line with the clinic's name and phone \(templates/translation_rules.toml\)",
        capsys.readouterr().out,
    )


def test_a_wide_character_counts_as_two_and_placeholders_and_tags_not_at_all() -> None:
    assert printed_length("第%(page)s页，共%(pages)s页") == 10
    assert printed_length("<strong>Call</strong> %(number)s") == 5
    rules = load_translation_rules(REPO / "templates")
    card_title = Message("After your anti-wrinkle injections", "x" * 46)
    assert over_length_budget(card_title, rules) and not over_length_budget(
        Message(card_title.id, "x" * 45), rules
    )


def test_every_length_budget_names_a_message_of_messages_pot_and_the_shipped_translations_meet_it() -> None:
    from babel.messages.pofile import read_po

    rules = load_translation_rules(REPO / "templates")
    template = read_po((REPO / "locales/messages.pot").open("rb"))
    assert rules.length_budgets
    for budget in rules.length_budgets:
        assert template.get(budget.key[1], context=budget.key[0]) is not None, budget
    for path in sorted(REPO.glob("locales/*/LC_MESSAGES/messages.po")):
        catalog = read_po(path.open("rb"))
        assert [
            message.id for message in catalog if message.id and over_length_budget(message, rules)
        ] == [], path


def test_every_message_has_a_translator_comment() -> None:
    """Every message of the leaflets' template says what it is, where it
    prints and how much room it has: a "Translators:" comment before its
    {% trans %} block (the jurisdictions' statements are given theirs by
    their extractor)."""
    from babel.messages.pofile import read_po

    template = read_po((REPO / "locales/messages.pot").open("rb"))
    uncommented = [
        "{}:{}: {}".format(
            *message.locations[0], message.id if isinstance(message.id, str) else message.id[0]
        )
        for message in template
        if message.id and not message.auto_comments
    ]
    assert uncommented == [], "messages without a translator comment:\n" + "\n".join(uncommented)
