"""``review LOCALE --by NAME`` and ``signoff PACK --by NAME``: write a
sign-off bound to what it approves (build/signoffs.py reads it back).

Each approved item is written with its text and its digest, so a later
change is found and listed with the text that was approved; nobody writes a
digest by hand. The file is TOML, kept in the project's repository: who
signed what, when, shows in its history.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import tomli_w

from ..build.catalogues import SOURCE_LOCALE, catalogue_path
from ..build.config import read_toml
from ..build.output import atomic_write_bytes
from ..build.packs import load_pack
from ..build.signoffs import (
    PACK_SIGNOFF_FILE,
    SignedItems,
    catalogue_items,
    item_digest,
    pack_items,
    pack_settings,
    signoff_path_of_catalogue,
)
from ..errors import CatalogueError, UsageError, shown_path
from ..model import Project
from .catalogues import read_project_catalogue, read_template


def review_translation(
    project: Project, locale: str, by: str, on: date, due: date | None
) -> tuple[Path, int]:
    """Record that ``by`` reviewed the catalogue of ``locale`` as it is now.
    Returns the file written and how many messages still print in English
    (their leaflets stay drafts until they are translated and reviewed)."""
    path = catalogue_path(project.locales_dir, locale)
    if locale == SOURCE_LOCALE or not path.is_file():
        raise UsageError(f"no catalogue for {locale!r} ({shown_path(path)}): start one with `init {locale}`")
    reading = read_project_catalogue(project, locale, read_template(project))
    if reading.catalog is None or reading.blocking:
        problem = (reading.blocking or reading.problems)[0]
        raise CatalogueError(
            f"{problem.message}; a catalogue the build cannot read cannot be reviewed",
            path=problem.path,
            line=problem.line,
        )
    items = catalogue_items(reading)
    header = (
        f"# The translation review of {shown_path(path)}: who reviewed it, when, and every\n"
        "# message as they approved it. Written by `patientpacks review`; do not edit by\n"
        "# hand: any change to a message since makes its leaflets drafts again.\n"
    )
    target = signoff_path_of_catalogue(path)
    _write(target, header, _validated(by, on, due), items)
    return target, sum(text is None for text in items.values())


def sign_off_pack(project: Project, pack_id: str, by: str, on: date) -> Path:
    """Record that clinician ``by`` checked the pack's clinical content as it is now."""
    directory = project.packs_dir / pack_id
    if not (directory / "pack.toml").is_file():
        raise UsageError(f"no pack {pack_id!r} ({shown_path(directory / 'pack.toml')} does not exist)")
    load_pack(directory)  # a pack the build refuses cannot be signed off
    items = pack_items(directory, pack_settings(read_toml(directory / "pack.toml")))
    header = (
        f"# The clinical sign-off of the pack {pack_id!r}: who checked it, when, and every\n"
        "# English message and setting as they approved it. Written by `patientpacks\n"
        "# signoff`; do not edit by hand: any change since makes its leaflets drafts again.\n"
    )
    target = directory / PACK_SIGNOFF_FILE
    _write(target, header, _validated(by, on, None), items)
    return target


def _validated(by: str, on: date, due: date | None) -> dict:
    if not by.strip():
        raise UsageError("--by must name who signed off (name and qualification)")
    if due is not None and due <= on:
        raise UsageError(f"--due must be after the review date {on.isoformat()}")
    return {"by": by.strip(), "on": on} | ({"due": due} if due else {})


def _write(path: Path, header: str, head: dict, items: SignedItems) -> None:
    data: dict = dict(head)
    for (kind, context, name), text in items.items():
        entry: dict = {}
        if context is not None:
            entry["context"] = context
        entry["msgid" if kind == "message" else "name"] = name
        if text is not None:
            entry["text"] = list(text) if isinstance(text, tuple) else text
        entry["digest"] = item_digest((kind, context, name), text)
        data.setdefault(kind, []).append(entry)
    atomic_write_bytes(path, (header + tomli_w.dumps(data, multiline_strings=False)).encode())
