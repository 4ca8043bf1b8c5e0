"""How hard each section of a pack's leaflet is to read, for ``check``.

A section is a ``<section>`` of the leaflet's ``<main>``, as the project's own
Jinja stage renders it (the small print outside ``<main>`` is the leaflet's
colophon: version, sign-off state and citations). Its text is its paragraphs
and list items; headings are labels and are left out, and each paragraph or
list item ends a sentence (a list item is read as one). A section with no
sentence at all (the write-in record box) is a form and is not scored.

English is scored with the Flesch-Kincaid grade, target 8 or lower. Other
languages are scored only with a formula made for that language that textstat
implements: Spanish (Fernández-Huerta) and German (Wiener Sachtextformel). Their
scales are not US grades, so they are reported for translators, not judged.
textstat's Arabic formula (Osman) counts syllables from short-vowel marks,
which ordinary Arabic text (ours included) leaves out, so Arabic is not scored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import jinja2
from textstat.textstat import textstatistics

from ..build.catalogues import SOURCE_LOCALE, load_catalogue, source_catalogue
from ..build.render_html import render_leaflet_html
from ..build.translation_rules import TranslationRules
from ..jobs import Job
from ..model import Brand, Jurisdiction, Pack

#: The highest Flesch-Kincaid grade an English section may read at.
TARGET_GRADE = 8.0
#: How many of a section's longest sentences a warning names.
LONGEST_NAMED = 2


@dataclass(frozen=True)
class Formula:
    name: str
    scale: str
    score: Callable[[textstatistics, str], float]


FORMULAS = {
    SOURCE_LOCALE: Formula(
        "Flesch-Kincaid grade",
        f"US school grade, target {TARGET_GRADE:g} or lower",
        lambda stats, text: stats.flesch_kincaid_grade(text),
    ),
    "es": Formula(
        "Fernández-Huerta",
        "reading ease 0-100, higher is easier",
        lambda stats, text: stats.fernandez_huerta(text),
    ),
    # Variant 1, the one for prose ("Sachtexte").
    "de": Formula(
        "Wiener Sachtextformel",
        "school grade 4-15, lower is easier",
        lambda stats, text: stats.wiener_sachtextformel(text, 1),
    ),
}

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_TEXT_BLOCKS = {"p", "li"}
_BLOCKS = _TEXT_BLOCKS | {"h1", "h2", "h3", "h4", "ul", "ol", "div", "section", "main"}
#: The bidi isolates around brand values (see render_html.isolate) are not text.
_NOT_TEXT = str.maketrans("", "", "\u2068\u2069")


@dataclass(frozen=True)
class Section:
    heading: str
    #: Each paragraph and list item split into sentences, each ending in . ! or ?
    sentences: tuple[str, ...]
    #: Whether any paragraph or list item is a sentence (ends in . ! or ?); a
    #: section of labels only is a form.
    has_prose: bool

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


class _SectionParser(HTMLParser):
    """Collects the paragraphs and list items of each section of ``<main>``."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[tuple[list[str], list[str]]] = []  # (headings, blocks)
        self._in_main = False
        self._block = ""
        self._text: list[str] = []

    def _flush(self) -> None:
        text = " ".join("".join(self._text).translate(_NOT_TEXT).split())
        if text and self._in_main and self.sections:
            headings, blocks = self.sections[-1]
            (blocks if self._block in _TEXT_BLOCKS else headings).append(text)
        self._text = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCKS:
            self._flush()
            self._block = tag
        if tag == "main":
            self._in_main = True
        elif tag == "section" and self._in_main:
            self.sections.append(([], []))

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._flush()
        if tag == "main":
            self._in_main = False

    def handle_data(self, data: str) -> None:
        self._text.append(data)


def leaflet_sections(html: str) -> list[Section]:
    """The sections of a rendered leaflet's ``<main>``, in order."""
    parser = _SectionParser()
    parser.feed(html)
    parser.close()
    sections = []
    for headings, blocks in parser.sections:
        sentences = [
            sentence if sentence[-1] in ".!?" else f"{sentence.rstrip(':;,')}."
            for block in blocks
            for sentence in _SENTENCE_END.split(block)
        ]
        sections.append(
            Section(
                heading=headings[0] if headings else "",
                sentences=tuple(sentences),
                has_prose=any(block[-1] in ".!?" for block in blocks),
            )
        )
    return sections


def _statistics(locale: str) -> textstatistics:
    stats = textstatistics()
    stats.set_lang(locale)
    return stats


def score(section: Section, locale: str) -> float:
    """The section's score in the formula for ``locale`` (see :data:`FORMULAS`)."""
    return FORMULAS[locale].score(_statistics(locale), section.text)


def longest_sentences(section: Section, count: int = LONGEST_NAMED) -> list[tuple[str, int]]:
    """The ``count`` longest sentences, with their number of words, longest first."""
    stats = _statistics(SOURCE_LOCALE)
    counted = [(sentence, stats.lexicon_count(sentence)) for sentence in section.sentences]
    return sorted(counted, key=lambda item: -item[1])[:count]


@dataclass(frozen=True)
class SectionReadability:
    heading: str
    words: int
    #: Locale -> score in that locale's formula; empty when not scored (a form).
    scores: dict[str, float]
    longest: tuple[tuple[str, int], ...]

    @property
    def above_target(self) -> bool:
        return self.scores.get(SOURCE_LOCALE, 0.0) > TARGET_GRADE


def pack_readability(
    environment: jinja2.Environment,
    pack: Pack,
    brand: Brand,
    catalogues: dict[str, Path],
    jurisdiction: Jurisdiction,
    rules: TranslationRules,
) -> list[SectionReadability]:
    """Score each section of ``pack`` in English and in each locale of
    ``catalogues`` (locale -> catalogue path) that has a formula, rendered with
    ``brand``'s values in ``jurisdiction`` (and the translations ``rules`` let
    the build print)."""
    rendered = {
        SOURCE_LOCALE: _render_sections(environment, pack, brand, jurisdiction, SOURCE_LOCALE, None, rules)
    }
    for locale, path in catalogues.items():
        if locale in FORMULAS:
            rendered[locale] = _render_sections(environment, pack, brand, jurisdiction, locale, path, rules)
    results = []
    # Every locale renders the same template, so its sections line up with the English ones.
    for index, english in enumerate(rendered[SOURCE_LOCALE]):
        scores = {locale: score(sections[index], locale) for locale, sections in rendered.items()}
        results.append(
            SectionReadability(
                heading=english.heading,
                words=_statistics(SOURCE_LOCALE).lexicon_count(english.text),
                scores=scores if english.has_prose else {},
                longest=tuple(longest_sentences(english)),
            )
        )
    return results


def _render_sections(
    environment: jinja2.Environment,
    pack: Pack,
    brand: Brand,
    jurisdiction: Jurisdiction,
    locale: str,
    path: Path | None,
    rules: TranslationRules,
) -> list[Section]:
    # Rendered to be read, never built: there are no inputs to trace, and no draft mark.
    job = Job(
        pack=pack,
        brand=brand,
        locale=locale,
        catalogue_path=path,
        inputs_sha256="0" * 64,
        jurisdiction=jurisdiction,
    )
    catalogue = source_catalogue() if path is None else load_catalogue(path, locale, rules=rules)
    html, _ = render_leaflet_html(
        environment, job, catalogue, draft=False, font_stack=(), draft_mark=rules.draft_mark(locale)
    )
    return leaflet_sections(html)
