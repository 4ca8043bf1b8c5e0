"""A glossary per language: ``locales/<l>/glossary.tbx``, in TBX (the
term-base exchange format Weblate, Poedit's term lists and translate-toolkit
import), says how the key terms are rendered. ``check`` reports a message
whose English source uses a term and whose translation uses none of its
required renderings, or uses a forbidden one.

In each ``termEntry``: the English term (``langSet xml:lang="en"``) and the
language's renderings (``langSet xml:lang="<l>"``), each a ``tig`` with a
``termNote type="administrativeStatus"``: ``preferredTerm-admn-sts`` or
``admittedTerm-admn-sts`` (required: the translation uses one of them;
list the inflected forms as admitted), ``deprecatedTerm-admn-sts`` or
``supersededTerm-admn-sts`` (forbidden for this term). Terms are matched
case-insensitively in the printed text (inline tags left out).

The file comes from translators like the catalogue, so it is parsed with
defusedxml (no entities, no external references).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from ..build.message_checks import forms, printed_text
from ..errors import CatalogueError
from ..model import QUOTED_TITLE

GLOSSARY_FILE = "glossary.tbx"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_REQUIRED = {"preferredTerm-admn-sts", "admittedTerm-admn-sts"}
_FORBIDDEN = {"deprecatedTerm-admn-sts", "supersededTerm-admn-sts"}
#: A glossary is a few dozen terms; a larger file is refused unread.
MAX_GLOSSARY_BYTES = 256 * 1024


@dataclass(frozen=True)
class Term:
    english: str
    required: tuple[str, ...]
    forbidden: tuple[str, ...]


def glossary_path(locales_dir: Path, locale: str) -> Path:
    return locales_dir / locale / GLOSSARY_FILE


def read_glossary(path: Path, locale: str) -> list[Term]:
    """The terms of a TBX glossary for ``locale``; [] when there is none.
    A CatalogueError when the file cannot be read as TBX."""
    if not path.is_file() or path.is_symlink():
        return []
    if path.stat().st_size > MAX_GLOSSARY_BYTES:
        raise CatalogueError(f"larger than {MAX_GLOSSARY_BYTES // 1024} KB: not read", path=path)
    try:
        root = SafeElementTree.parse(path).getroot()
    except (ParseError, DefusedXmlException) as error:
        raise CatalogueError(f"not a TBX file the checks can read: {error}", path=path) from None
    terms = []
    for number, entry in enumerate(root.iter("termEntry"), start=1):
        english = _terms(entry, "en")
        if not english:
            raise CatalogueError(f'termEntry {number} has no English term (langSet xml:lang="en")', path=path)
        renderings = _terms(entry, locale.replace("_", "-")) or _terms(entry, locale)
        terms.append(
            Term(
                english[0][0],
                tuple(term for term, status in renderings if status in _REQUIRED),
                tuple(term for term, status in renderings if status in _FORBIDDEN),
            )
        )
    return terms


def _terms(entry: Element, language: str) -> list[tuple[str, str]]:
    found = []
    for lang_set in entry.iter("langSet"):
        if lang_set.get(_XML_LANG, "").lower() != language.lower():
            continue
        for tig in lang_set.iter("tig"):
            term = (tig.findtext("term") or "").strip()
            status = next(
                (
                    note.text or ""
                    for note in tig.iter("termNote")
                    if note.get("type") == "administrativeStatus"
                ),
                "preferredTerm-admn-sts",
            )
            if term:
                found.append((term, status.strip()))
    return found


def glossary_findings(
    source: str, translation: str | tuple[str, ...], terms: list[Term], *, keeps_titles: bool = False
) -> list[str]:
    """What a translation does against the glossary: each term of the source
    that it renders with a forbidden word or with none of the required ones.
    A source (``keeps_titles``) keeps each title it quotes (“ ”) in its own
    language: no term in one is looked for."""
    english = printed_text(source)
    english = (QUOTED_TITLE.sub("", english) if keeps_titles else english).casefold()
    findings = []
    for term in terms:
        if term.english.casefold() not in english:
            continue
        for form in filter(None, forms(translation)):
            text = printed_text(form).casefold()
            if forbidden := [word for word in term.forbidden if word.casefold() in text]:
                findings.append(f"uses {forbidden[0]!r}, which the glossary forbids for {term.english!r}")
            elif term.required and not any(word.casefold() in text for word in term.required):
                wanted = " or ".join(repr(word) for word in term.required)
                findings.append(f"renders {term.english!r} without the glossary's {wanted}")
            else:
                continue
            break
    return findings


def glossary_notes(source: str, terms: list[Term]) -> tuple[str, ...]:
    """What the glossary says of each of its terms that ``source`` uses, as a
    translator reads it: "clinician: پزشک or کادر درمان, never درمانگر",
    each rendering isolated (U+2068…U+2069) so that a right-to-left one
    cannot reorder the English around it."""
    english = printed_text(source).casefold()
    notes = []
    for term in terms:
        if term.english.casefold() in english:
            said = " or ".join(f"\u2068{word}\u2069" for word in term.required) or "(no required rendering)"
            if term.forbidden:
                said += ", never " + " or ".join(f"\u2068{word}\u2069" for word in term.forbidden)
            notes.append(f"{term.english}: {said}")
    return tuple(notes)
