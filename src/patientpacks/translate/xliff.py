"""A catalogue to XLIFF (1.2 or 2.0) and back, for translation tools that
take only XLIFF, with every msgctxt, plural form and comment kept.

translate-toolkit reads and writes the XLIFF (its ``xliff`` and ``xliff2``
stores); its converters ``po2xliff``/``xliff2po`` are not used because they
drop every msgctxt, the safety box's included (3.20). So each unit's id is a
digest of the message's key (msgctxt and msgid) and its plural form: the
context never has to survive the tool, since the import finds each message
again in the catalogue itself, and writes back only translations and fuzzy
flags. The msgctxt, the translator comments and the plural rule travel as
notes, for the translator to read.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

import defusedxml.ElementTree as SafeElementTree
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import write_po
from defusedxml import DefusedXmlException
from lxml import etree
from translate.storage import xliff, xliff2

from ..build.catalogues import discover_locales
from ..build.message_checks import forms
from ..build.output import atomic_write_bytes
from ..build.project_files import read_project_file
from ..errors import CatalogueError, UsageError
from ..model import Project
from .catalogues import exactly_read_catalogue, restore_previous_sources

#: The versions a catalogue is exported as (api.XLIFF_VERSIONS).
VERSIONS = ("1.2", "2.0")

#: An XLIFF file of a catalogue is a few hundred kilobytes; more is refused unread.
MAX_XLIFF_BYTES = 8 * 1024 * 1024

_XLIFF_12 = "urn:oasis:names:tc:xliff:document:1.2"


class _Xliff12File(xliff.xlifffile):
    """translate-toolkit's XLIFF store, written as XLIFF 1.2 (it writes 1.1,
    which it and other tools read as the same format)."""

    XMLskeleton = f"""<?xml version="1.0" ?>
<xliff version='1.2' xmlns='{_XLIFF_12}'>
<file original='NoName' source-language='en' datatype='plaintext'>
<body>
</body>
</file>
</xliff>"""
    namespace = _XLIFF_12


def unit_id(message: Message, form: int) -> str:
    """A stable id for one plural form of a message, from its key: a token
    both XLIFF versions accept (2.0's ids are NMTOKENs)."""
    key = f"{message.context or ''}\x04{forms(message.id)[0]}".encode()
    return f"m{hashlib.sha256(key).hexdigest()[:20]}-{form}"


def _read_catalogue(project: Project, locale: str) -> tuple[Path, bytes, Catalog]:
    if locale not in discover_locales(project.locales_dir):
        raise UsageError(
            f"{locale[:40]!r} has no catalogue in locales/: start one with `patientpacks init LOCALE`"
        )
    return exactly_read_catalogue(project, locale)


def export_xliff(project: Project, locale: str, version: str) -> bytes:
    """The locale's catalogue as XLIFF ``version`` ("1.2" or "2.0")."""
    if version not in VERSIONS:
        raise UsageError(f"XLIFF version {version!r}: choose {' or '.join(VERSIONS)}")
    _, _, catalog = _read_catalogue(project, locale)
    store = (_Xliff12File if version == "1.2" else xliff2.Xliff2File)(
        sourcelanguage="en", targetlanguage=locale
    )
    plural_rule = f"plural forms of this language: {catalog.plural_forms}"
    for message in catalog:
        if not message.id:
            continue
        sources, targets = forms(message.id), forms(message.string)
        count = len(targets) if message.pluralizable else 1
        for form in range(count):
            unit = store.addsourceunit(sources[min(form, len(sources) - 1)])
            unit.setid(unit_id(message, form))
            if targets[form]:
                unit.target = targets[form]
                unit.markfuzzy(message.fuzzy)
            notes = [f"msgctxt: {message.context}"] if message.context else []
            notes += [*message.auto_comments, *message.user_comments]
            if message.pluralizable:
                notes.append(
                    f"plural form {form} ({plural_rule}); singular: {sources[0]}; plural: {sources[-1]}"
                )
            _add_notes(unit, notes, version)
    return bytes(store)


def _add_notes(unit: xliff.xliffunit | xliff2.Xliff2Unit, notes: list[str], version: str) -> None:
    """The message's notes for the translator. XLIFF 2.0 keeps them in the
    unit, before its segment: translate-toolkit's ``addnote`` (3.20) puts them
    inside the <segment>, which the 2.0 schema does not allow."""
    if version == "1.2":
        for note in notes:
            unit.addnote(note, origin="developer")
        return
    if not notes:
        return
    container = etree.Element(unit.namespaced("notes"))
    for note in notes:
        element = etree.SubElement(container, unit.namespaced("note"), category="developer")
        element.text = note
    unit.getunitelement().insert(0, container)


@dataclass(frozen=True)
class XliffImport:
    """What importing an XLIFF file did to a catalogue."""

    path: Path
    changed: int  # messages whose translation or fuzzy flag changed
    unknown: tuple[str, ...]  # unit ids the catalogue has no message for


def import_xliff(project: Project, locale: str, xliff_file: Path) -> XliffImport:
    """Write the translations of an XLIFF file exported by ``export_xliff``
    (and translated in any tool) back into the locale's catalogue: each
    message's msgstr and fuzzy flag, nothing else (its msgctxt, comments and
    plural rule stay as the catalogue has them). Units the catalogue has no
    message for are listed, not added. ``check`` then reads the result as it
    reads any catalogue."""
    data = _xliff_bytes(xliff_file)
    try:
        SafeElementTree.fromstring(data)  # no DTD, no entities, well-formed
    except (SafeElementTree.ParseError, DefusedXmlException) as error:
        raise CatalogueError(f"not an XLIFF file that can be read safely: {error}", path=xliff_file) from None
    store_class = xliff2.Xliff2File if b"urn:oasis:names:tc:xliff:document:2." in data else xliff.xlifffile
    try:
        store = store_class.parsestring(data)
        units = list(store.units)
    except Exception as error:  # translate-toolkit raises what it meets: StopIteration for no <file>
        raise CatalogueError(
            f"not an XLIFF file: {type(error).__name__} {error}".rstrip(), path=xliff_file
        ) from None
    path, original, catalog = _read_catalogue(project, locale)
    messages = {
        unit_id(message, form): (message, form)
        for message in catalog
        if message.id
        for form in range(len(forms(message.string)) if message.pluralizable else 1)
    }
    # Each message's forms and whether the tool left any of them fuzzy:
    # the XLIFF's state is the translator's word on it.
    translated: dict[int, tuple[Message, list[str], bool]] = {}
    unknown, seen = [], set()
    for unit in units:
        # translate-toolkit reads a 1.2 unit's id as "file\x04id".
        given = (unit.getid() or "").rsplit("\x04", 1)[-1]
        if given in seen:
            raise CatalogueError(
                f"unit {given!r} is in the file twice: which translation is meant cannot be told, "
                "so nothing was imported",
                path=xliff_file,
            )
        seen.add(given)
        found = messages.get(given)
        if found is None:
            unknown.append(given or "(no id)")
            continue
        message, form = found
        _, strings, fuzzy = translated.get(id(message), (message, list(forms(message.string)), False))
        strings[form] = str(unit.target or "")
        translated[id(message)] = (message, strings, fuzzy or bool(unit.target and unit.isfuzzy()))
    changed = 0
    for message, strings, fuzzy in translated.values():
        string = tuple(strings) if message.pluralizable else strings[0]
        if message.string != string or fuzzy != message.fuzzy:
            changed += 1
            message.string = string
            if fuzzy:
                message.flags.add("fuzzy")
            else:
                message.flags.discard("fuzzy")
    if changed:
        buffer = io.BytesIO()
        write_po(buffer, catalog, width=76, include_previous=True)
        with tempfile.TemporaryDirectory() as folder:
            written = Path(folder) / path.name
            written.write_bytes(buffer.getvalue())
            restore_previous_sources(written, locale)
            atomic_write_bytes(path, _with_header_of(original, written.read_bytes()))
    return XliffImport(path=path, changed=changed, unknown=tuple(unknown))


def _xliff_bytes(path: Path) -> bytes:
    """The file, if it is a regular file (a named pipe would block the
    command for ever) and not over the limit."""
    data = read_project_file(path, MAX_XLIFF_BYTES, CatalogueError, only_inside_its_folder=False)
    if len(data) > MAX_XLIFF_BYTES:
        raise CatalogueError(
            f"larger than {MAX_XLIFF_BYTES // (1024 * 1024)} MB: not a catalogue's XLIFF", path=path
        )
    return data


def _with_header_of(original: bytes, written: bytes) -> bytes:
    """``written`` with the header entry of ``original``, byte for byte:
    Babel writes back only the header fields it knows (a tool's X-Generator,
    Poedit's bookmarks and the like would be lost)."""
    return original[: _header_end(original)] + written[_header_end(written) :]


def _header_end(po: bytes) -> int:
    start = po.find(b'msgid ""\n')
    end = po.find(b"\n\n", start)
    return len(po) if start < 0 or end < 0 else end
