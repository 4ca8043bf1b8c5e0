"""The manifest: one entry per PDF, saying what it was built from; checked
whenever it is read back.

A manifest is read by the next build into the same folder (to skip the
leaflets that are up to date, and to keep the entries of the others) and by
``merge-manifests``. Neither trusts it: every entry must have each field this
tool writes, of the type it writes it, and a path to a PDF inside the output
folder, ``brand/locale/file.pdf`` (no ``..``, no absolute path; the file is
then reached without following a link, see output.py). The schema is small
and fixed, so a few typed checks here do the work (no schema library is a
dependency).

A build whose own manifest fails the check trusts none of it: it rebuilds
every leaflet it was asked for and writes a new manifest, and warns which
entry was wrong. ``merge-manifests`` stops, naming the file and the entry.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import textwrap
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import ManifestError, shown_path
from ..jobs import Job, Leaflet
from .output import MANIFEST_NAME, atomic_write_bytes, is_file_inside, sha256_inside, write_inside
from .project_files import file_kind

#: A manifest of 960 leaflets is about 2 MB; anything far larger is not one.
_MAX_BYTES = 64 * 1024 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _text(value: object) -> str | None:
    return None if isinstance(value, str) and value else "must be text"


def _texts(value: object) -> str | None:
    ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
    return None if ok else "must be a list of texts"


def _sha256(value: object) -> str | None:
    ok = isinstance(value, str) and _SHA256.fullmatch(value)
    return None if ok else "must be a SHA-256 (64 hexadecimal digits)"


def _pages(value: object) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
    return None if ok else "must be a whole number of pages, 1 or more"


def _status(value: object) -> str | None:
    return None if value in ("publishable", "draft") else "must be 'publishable' or 'draft'"


def _inputs(value: object) -> str | None:
    return None if isinstance(value, dict) else "must be an object"


def _pdf_path(value: object) -> str | None:
    """The path of a PDF this tool writes: brand/locale/file.pdf, relative,
    normalised, printable (it is shown in messages)."""
    if isinstance(value, str) and value.isprintable():
        parts = value.split("/")
        if len(parts) == 3 and not any(part in ("", ".", "..") for part in parts) and value.endswith(".pdf"):
            return None
    return "must be brand/locale/file.pdf, inside the output folder"


#: Every field a manifest entry has, as manifest_entry writes it.
#: The path first: every other problem is then shown with it.
_FIELDS: dict[str, Callable[[object], str | None]] = {
    "path": _pdf_path,
    "pack": _text,
    "locale": _text,
    "brand": _text,
    "edition": _text,
    "sha256": _sha256,
    "pages": _pages,
    "page_size": _text,
    "country": _text,
    "variety": _text,
    "catalogue_chain": _texts,
    "status": _status,
    "reasons": _texts,
    "edition_code": _text,
    "inputs": _inputs,
    "inputs_sha256": _sha256,
}


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= 60 else text[:57] + "..."


def checked_entries(data: object, path: Path) -> list[dict[str, Any]]:
    """The entries of a manifest read from ``path``, each checked against
    the fields this tool writes; a ManifestError names the first wrong one."""
    if not isinstance(data, dict) or not isinstance(data.get("leaflets"), list):
        raise ManifestError('is not a manifest this tool wrote: it must be {"leaflets": [...]}', path=path)
    entries, seen = data["leaflets"], set()
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise ManifestError(f"must be an object, not {_shown(entry)}", path=path, key=f"entry {number}")
        where = f"entry {number}" + (f" ({entry['path']})" if not _pdf_path(entry.get("path")) else "")
        for field, check in _FIELDS.items():
            if field not in entry:
                raise ManifestError(f"{field}: missing", path=path, key=where)
            if problem := check(entry[field]):
                raise ManifestError(f"{field}: {problem}, not {_shown(entry[field])}", path=path, key=where)
        if entry["path"] in seen:
            raise ManifestError("is listed twice", path=path, key=where)
        seen.add(entry["path"])
    return entries


def _load(path: Path, *, follow_link: bool) -> object:
    # O_NONBLOCK: a FIFO in the manifest's place must not hang the build;
    # then fstat on what was opened: only a regular file is read (a FIFO
    # read returned None, a folder raised IsADirectoryError).
    flags = os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | (0 if follow_link else os.O_NOFOLLOW)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if isinstance(error, FileNotFoundError):
            raise
        if error.errno == errno.ELOOP:
            raise ManifestError(
                "is a symbolic link; a manifest is never read through one", path=path
            ) from None
        with suppress(OSError):  # a socket cannot be opened at all
            if not stat.S_ISREG(mode := os.lstat(path).st_mode):
                raise ManifestError(
                    f"is {file_kind(mode)}, not a manifest this tool wrote", path=path
                ) from None
        raise ManifestError(f"cannot be read: {error.strerror}", path=path) from None
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):  # before fdopen, which refuses a folder with IsADirectoryError
        os.close(descriptor)
        raise ManifestError(f"is {file_kind(status.st_mode)}, not a manifest this tool wrote", path=path)
    with os.fdopen(descriptor, "rb") as file:
        if status.st_size > _MAX_BYTES:
            raise ManifestError("is far larger than any manifest this tool writes", path=path)
        data = file.read(_MAX_BYTES + 1)
    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=_no_key_twice, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise ManifestError("is not UTF-8 text, as every manifest this tool writes is", path=path) from None
    except json.JSONDecodeError as error:
        raise ManifestError(f"is not JSON: {error.msg}", path=path, line=error.lineno) from None
    except _NotWritten as error:
        raise ManifestError(f"is not a manifest this tool wrote: {error}", path=path) from None
    except RecursionError:
        raise ManifestError("is not a manifest this tool wrote: nested too deeply", path=path) from None


class _NotWritten(ValueError):
    """Valid to Python's JSON reader, but never written by this tool."""


def _no_key_twice(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object with no key twice: JSON readers differ on which of two
    keys wins ("status": "draft", "status": "publishable"), so none is read."""
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        twice = next(key for key in keys if keys.count(key) > 1)
        raise _NotWritten(f"the key {json.dumps(twice)} appears twice in one object")
    return dict(pairs)


def _no_constant(name: str) -> object:
    """NaN and Infinity are no JSON (other readers refuse them); Python's
    reader takes them unless told not to."""
    raise _NotWritten(f"{name} is not a JSON number")


def read_manifest(out_dir: Path) -> list[dict[str, Any]]:
    """The checked entries of the manifest in a build's output folder ([] when
    there is none); the manifest itself is never read through a link."""
    try:
        return checked_entries(_load(out_dir / MANIFEST_NAME, follow_link=False), out_dir / MANIFEST_NAME)
    except FileNotFoundError:
        return []


def looks_like_a_manifest(path: Path) -> bool:
    """Whether ``path`` is a file of this tool's shape, ``{"leaflets": [...]}``,
    its entries right or wrong."""
    try:
        data = _load(path, follow_link=False)
    except (OSError, ManifestError):
        return False
    return isinstance(data, dict) and isinstance(data.get("leaflets"), list)


def manifest_entry(leaflet: Leaflet, pdf_sha256: str) -> dict[str, Any]:
    job = leaflet.job
    return {
        "pack": job.pack.id,
        "locale": job.locale,
        "brand": job.brand.id,
        "edition": job.edition.id,
        "path": job.relative_pdf_path,
        "sha256": pdf_sha256,
        "pages": leaflet.pages,
        "page_size": job.page_size,
        # The brand's country, the variety the text is in (en_GB for "en" at
        # a UK clinic), and where its messages came from, first to last.
        "country": job.brand.country,
        "variety": job.text_locale,
        "catalogue_chain": list(job.catalogue_chain),
        "status": leaflet.status,
        "reasons": list(leaflet.reasons),
        # The code printed in the leaflet's small print, and what it was built
        # from: a clinic holding a printed copy can tell its exact inputs.
        "edition_code": job.edition_code,
        "inputs": _inputs_of(job),
        "inputs_sha256": job.inputs_sha256,
    }


def _inputs_of(job: Job) -> dict[str, Any]:
    files = {role: {"file": file, "sha256": digest} for role, file, digest in job.source_files}
    return {
        "tool_version": __version__,
        "pack_version": job.pack.version,
        "pack_published": job.pack.published.isoformat(),
        **{role: files.get(role) for role in ("pack", "brand", "catalogue", "second_catalogue")},
        **{
            role: files[role]
            for role in ("override", "second_override", "jurisdiction", "pack_jurisdiction")
            if role in files
        },
    }


def merge_manifests(paths: list[Path]) -> list[dict[str, Any]]:
    """The entries of several shards' manifests, each checked; a leaflet built
    by two shards with different results is an error."""
    merged: dict[str, tuple[dict[str, Any], Path]] = {}
    for path in paths:
        try:
            entries = checked_entries(_load(path, follow_link=True), path)
        except FileNotFoundError:
            raise ManifestError(
                "not found: give the manifest.json of each shard's output folder", path=path
            ) from None
        except ManifestError as error:
            raise ManifestError(
                f"{error.message}; build that shard again for a manifest this tool wrote",
                path=error.path, line=error.line, key=error.key,
            ) from None  # fmt: skip
        for entry in entries:
            key = _entry_key(entry)
            # Shards never share a leaflet; the same entry twice (a shard's
            # manifest given twice) is harmless. Two different entries for
            # one PDF are not: which one's status is true cannot be told.
            if key in merged and merged[key][0] != entry:
                differ = "a different PDF" if merged[key][0]["sha256"] != entry["sha256"] else (
                    "the same PDF but a different entry ("
                    + ", ".join(field for field in _FIELDS if merged[key][0][field] != entry[field]) + ")"
                )  # fmt: skip
                raise ManifestError(
                    f"{key} is also in {shown_path(merged[key][1])}, with {differ}: build both "
                    "shards again from the same inputs",
                    path=path,
                )
            merged[key] = (entry, path)
    return [merged[key][0] for key in sorted(merged)]


def write_manifest_entries(path: Path, entries: list[dict[str, Any]]) -> None:
    """Write a merged manifest to ``path``, replacing only a manifest (a
    mistyped --out must not replace a template or a catalogue)."""
    if os.path.islink(path):
        raise ManifestError(
            "is a symbolic link; a manifest is never written through one or in its place: give --out "
            "a new file, or the manifest itself",
            path=path,
        )
    if os.path.lexists(path) and not looks_like_a_manifest(path):
        raise ManifestError(
            "exists and is not a manifest this tool wrote; give --out a new file or a manifest.json",
            path=path,
        )
    text = json.dumps({"leaflets": entries}, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    atomic_write_bytes(path, text.encode("utf-8"))


#: Seconds between two rewrites of the manifest while leaflets are written.
MANIFEST_REWRITE_INTERVAL = 1.0


class ManifestWriter:
    """The manifest, true to the files on disk at every moment of a build.

    Rewriting the whole manifest after every PDF costs time that grows with
    the square of the leaflets (3.7 s of CPU at 960, measured), so it is
    rewritten at most once a second, and at the end. What keeps it true in
    between: the entries of the leaflets about to be rebuilt are set aside
    (their PDFs are about to be replaced) and the manifest is written once,
    before any PDF is; after that, entries are only added, each after its PDF
    is safely on disk. A build killed at any moment leaves a manifest whose
    every entry matches its PDF; leaflets without an entry are rebuilt by the
    next build.

    Entries of leaflets this build does not touch are kept, unless their PDF
    has gone (deleted by hand, or replaced by a link), which would not match
    the disk.
    """

    def __init__(self, out_dir: Path, previous: list[dict[str, Any]], rebuilding: list[str]) -> None:
        self.out_dir = out_dir
        current = {_entry_key(entry): entry for entry in previous if is_file_inside(out_dir, entry["path"])}
        self._set_aside = {key: current.pop(key) for key in rebuilding if key in current}
        self._texts = {key: _entry_text(entry) for key, entry in current.items()}
        self.write()

    def record(self, entry: dict[str, Any]) -> None:
        """Add the entry of a PDF now on disk."""
        key = _entry_key(entry)
        self._set_aside.pop(key, None)
        self._texts[key] = _entry_text(entry)
        if time.monotonic() - self._written_at >= MANIFEST_REWRITE_INTERVAL:
            self.write()

    def finish(self) -> Path:
        """The last rewrite. A leaflet whose rebuild failed keeps its entry,
        if its last good PDF is still the one that entry records."""
        for key, entry in self._set_aside.items():
            if sha256_inside(self.out_dir, entry["path"]) == entry["sha256"]:
                self._texts[key] = _entry_text(entry)
        self._set_aside.clear()
        return self.write()

    def write(self) -> Path:
        body = ",\n".join(self._texts[key] for key in sorted(self._texts))
        text = '{\n  "leaflets": [\n' + body + ("\n" if body else "") + "  ]\n}\n"
        write_inside(self.out_dir, MANIFEST_NAME, text.encode("utf-8"))
        self._written_at = time.monotonic()
        return self.out_dir / MANIFEST_NAME


def _entry_key(entry: dict[str, Any]) -> str:
    return entry["path"]


def _entry_text(entry: dict[str, Any]) -> str:
    return textwrap.indent(json.dumps(entry, indent=2, ensure_ascii=False, allow_nan=False), "    ")
