"""Sign-offs bound to what was signed.

A translation review (``locales/<l>/LC_MESSAGES/review.toml``) and a pack's
clinical sign-off (``packs/<id>/signoff.toml``) record who approved, when,
and every item they approved: its text and a SHA-256 digest of it. The build
compares them with what it would print now: any message or setting that
differs, or that the sign-off never saw, is a change, and a leaflet with
changes is a draft that lists them. ``patientpacks review`` and
``patientpacks signoff`` write these files (translate/signoffs.py); nobody
computes a digest by hand.

The catalogue's own header is not a sign-off: anyone who edits the catalogue
can edit its header, and a header says nothing about which words were read.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from ..errors import ConfigError, PatientPacksError
from ..model import Change, SignedKey, SignedText, SignOff, template_files
from .catalogue_reader import CatalogueReading, catalogue_bytes, message_key
from .config import read_toml

#: Beside the catalogue it covers.
REVIEW_FILE = "review.toml"
#: Beside the pack's pack.toml.
PACK_SIGNOFF_FILE = "signoff.toml"

#: The language the templates are written in (catalogues.SOURCE_LOCALE,
#: which imports this module): its varieties are source text.
SOURCE_LANGUAGE = "en"

#: How long a translation review lasts when its file has no ``due`` date.
REVIEW_LASTS = timedelta(days=365)

SignedItems = dict[SignedKey, SignedText]


def review_due(signoff: SignOff) -> date | None:
    """When a translation review lapses: its ``due`` date, else a year after ``on``."""
    if not signoff.signed_off:
        return None
    return signoff.due or signoff.on + REVIEW_LASTS


def lapsed(signoff: SignOff, today: date) -> bool:
    due = review_due(signoff)
    return due is not None and today > due


def item_digest(key: SignedKey, text: SignedText) -> str:
    """The digest a sign-off keeps of one item: of its key and its text."""
    value = list(text) if isinstance(text, tuple) else text
    return hashlib.sha256(json.dumps([*key, value], ensure_ascii=False).encode()).hexdigest()


def catalogue_items(reading: CatalogueReading) -> SignedItems:
    """What a catalogue prints, message by message: the translation when the
    build uses it, else None (the English source prints)."""
    items: SignedItems = {}
    for message in reading.catalog or ():
        if not message.id:
            continue
        context, msgid = message_key(message)
        text = None
        if (context, msgid) in reading.usable:
            text = tuple(message.string) if isinstance(message.string, list | tuple) else message.string
        items[("message", context, msgid)] = text
    return items


def template_messages(paths: list[Path]) -> SignedItems:
    """The English messages of these templates, as Babel extracts them (the
    same extractor as ``extract``, so a source the clinician approved is the
    source the translators see)."""
    items: SignedItems = {}
    for path in paths:
        for _, message, _, context in extract_from_file(
            "jinja2", str(path), options={"extensions": "jinja2.ext.i18n", "silent": "false"}
        ):
            forms = (message,) if isinstance(message, str) else tuple(message)
            items[("message", context, forms[0])] = forms if len(forms) > 1 else forms[0]
    return items


def pack_items(directory: Path, settings: dict[str, Any]) -> SignedItems:
    """What a pack's clinical sign-off covers: the English text of the pack's
    templates and of the shared templates (the safety notes), each country's
    statements (the project's and the pack's jurisdiction files), the English
    varieties' wording (en_GB, en_US: source text, which no translation
    review covers), and the pack's settings that change what a patient reads."""
    # A project's shared templates, jurisdictions and locales are beside
    # packs/ (the layout is fixed).
    root = directory.parent.parent
    paths = sorted([*template_files(directory), *template_files(root / "templates")])
    items = template_messages(paths)
    countries = sorted(
        [*(root / "jurisdictions").glob("*.toml"), *(directory / "jurisdictions").glob("*.toml")]
    )
    for path in countries:
        items |= _jurisdiction_items(root, path)
    for path in sorted((root / "locales").glob(f"{SOURCE_LANGUAGE}_*/LC_MESSAGES/*.po")):
        items |= _english_variety_items(root, path)
    for name, value in sorted(settings.items()):
        items[("setting", None, name)] = _setting_text(value)
    return items


def _jurisdiction_items(root: Path, path: Path) -> SignedItems:
    """A jurisdiction file's values, each a setting named by file and key. A
    file that cannot be read is left out: the build refuses it, by name."""
    try:
        data = read_toml(path)
    except ConfigError:
        return {}
    name = path.relative_to(root).as_posix()
    items: SignedItems = {}
    for key, value in sorted(data.items()):
        values = value if isinstance(value, dict) else {"": value}
        for inner, text in sorted(values.items()):
            setting = f"{name}: {key}.{inner}" if inner else f"{name}: {key}"
            items[("setting", None, setting)] = _setting_text(text)
    return items


def _english_variety_items(root: Path, path: Path) -> SignedItems:
    """An English variety's wording, message by message (its catalogue holds
    only what differs from the source). One that cannot be read is left
    out: the build refuses it, by name."""
    try:
        catalog = read_po(io.BytesIO(catalogue_bytes(path)))
    except (PatientPacksError, ValueError, SyntaxError):
        return {}
    name = path.relative_to(root).parent.parent.as_posix()
    items: SignedItems = {}
    for message in catalog:
        strings = message.string if isinstance(message.string, list | tuple) else (message.string,)
        if message.id and all(strings) and not message.fuzzy:
            context, msgid = message_key(message)
            shown = f"{context}|{msgid}" if context else msgid
            items[("setting", None, f"{name}: {shown}")] = _setting_text(
                list(strings) if len(strings) > 1 else strings[0]
            )
    return items


def _setting_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def pack_settings(data: dict[str, Any]) -> dict[str, Any]:
    """The settings of a pack.toml a clinical sign-off covers, by name."""
    settings = {name: data.get(name) for name in ("title", "sources", "sections", "jurisdiction_statements")}
    settings |= {f"parameters.{name}": value for name, value in data.get("parameters", {}).items()}
    settings |= {f"safety.{name}": value for name, value in data.get("safety", {}).items()}
    return settings


def read_signoff(path: Path, current: Callable[[], SignedItems]) -> SignOff:
    """The sign-off in ``path`` and what changed since, compared with
    ``current()`` (called only when the file exists). Never raises for a
    mistake in the file: a sign-off that cannot be read is no sign-off, with
    the reason in ``problem``, so it drafts only what it covers."""
    if not path.exists():
        return SignOff(path=path)
    try:
        signed, by, on, due = _read(path)
    except ConfigError as error:
        return SignOff(path=path, problem=f"{error} — run the command that writes it again")
    now = current()
    changes = [
        Change(key, signed[key], text) if key in signed else Change(key, None, text, kind="new")
        for key, text in now.items()
        if key not in signed or signed[key] != text
    ]
    changes += [Change(key, text, None, kind="removed") for key, text in signed.items() if key not in now]
    return SignOff(by=by, on=on, due=due, path=path, changes=tuple(changes))


def _read(path: Path) -> tuple[SignedItems, str, date, date | None]:
    data = read_toml(path)
    unknown = sorted(set(data) - {"by", "on", "due", "message", "setting"})
    if unknown:
        raise ConfigError(f"unknown key(s): {', '.join(unknown)}", path=path)
    by = data.get("by")
    if not isinstance(by, str) or not by.strip():
        raise ConfigError("by: must name who signed off", path=path)
    on, due = data.get("on"), data.get("due")
    if type(on) is not date:
        raise ConfigError(f"on: must be a date like 2026-12-01, not {on!r}", path=path)
    if due is not None and (type(due) is not date or due <= on):
        raise ConfigError(f"due: must be a date after {on.isoformat()}, not {due!r}", path=path)
    signed: SignedItems = {}
    for kind in ("message", "setting"):
        for number, item in enumerate(data.get(kind, []), start=1):
            key, text = _item(path, kind, number, item)
            signed[key] = text
    return signed, by.strip(), on, due


def _item(path: Path, kind: str, number: int, item: Any) -> tuple[SignedKey, SignedText]:
    where = f"{kind} {number}"
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: must be a table", path=path)
    name = item.get("msgid" if kind == "message" else "name")
    context = item.get("context") if kind == "message" else None
    text = item.get("text")
    if isinstance(text, list):
        text = tuple(text)
    valid = (
        isinstance(name, str)
        and (context is None or isinstance(context, str))
        and (text is None or isinstance(text, str) or all(isinstance(form, str) for form in text))
    )
    if not valid:
        raise ConfigError(f"{where}: needs a text msgid/name, and text as text or a list of text", path=path)
    key: SignedKey = (kind, context, name)
    if item.get("digest") != item_digest(key, text):
        raise ConfigError(
            f"{where} ({name[:60]!r}): its text does not match its digest, so the file was edited by hand",
            path=path,
        )
    return key, text


def signoff_path_of_catalogue(catalogue: Path) -> Path:
    return catalogue.parent / REVIEW_FILE


def translation_review(reading: CatalogueReading) -> SignOff:
    """A catalogue's translation review, compared with the catalogue as the build reads it."""
    return read_signoff(signoff_path_of_catalogue(reading.path), lambda: catalogue_items(reading))
