"""Write leaflets and the manifest without ever leaving a half-written file.

Every file is written to a temporary file in the same folder, flushed to disk,
then renamed over the old one (``os.replace`` is atomic on POSIX): a reader,
or a build killed half-way, sees either the old complete file or the new one.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import OutputError
from ..jobs import Job, Leaflet

MANIFEST_NAME = "manifest.json"
#: Every temporary file this tool writes starts so; nothing else is ever removed.
TEMPORARY_PREFIX = ".patientpacks-"
LOCK_NAME = ".patientpacks.lock"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f"{TEMPORARY_PREFIX}{path.name}.", suffix=".tmp"
        )
    except OSError as error:
        raise OutputError(f"cannot write: {error.strerror}", path=path) from None
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"cannot write: {error.strerror}", path=path) from None


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Refuse a second build into the same output folder while one runs."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        lock_file = (out_dir / LOCK_NAME).open("w")
    except OSError as error:
        raise OutputError(f"cannot create the output folder: {error.strerror}", path=out_dir) from None
    with lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                "another build is writing to this folder; wait for it to finish or use --out", path=out_dir
            ) from None
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def remove_stale_temporaries(out_dir: Path) -> None:
    """Temporary files a killed build left behind (never a finished output)."""
    for temporary in out_dir.rglob(f"{TEMPORARY_PREFIX}*.tmp"):
        temporary.unlink(missing_ok=True)


def read_manifest(out_dir: Path) -> list[dict[str, Any]]:
    path = out_dir / MANIFEST_NAME
    return read_manifest_file(path) if path.exists() else []


def read_manifest_file(path: Path) -> list[dict[str, Any]]:
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["leaflets"]
        if not isinstance(entries, list):
            raise TypeError
        return entries
    except (OSError, ValueError, KeyError, TypeError):
        raise OutputError(
            "is not a manifest this tool wrote; move it away to start a fresh one", path=path
        ) from None


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
    """The entries of several shards' manifests; a leaflet built by two shards
    with different results is an error."""
    merged: dict[str, dict[str, Any]] = {}
    for path in paths:
        for entry in read_manifest_file(path):
            key = _entry_key(entry)
            if key in merged and merged[key]["sha256"] != entry["sha256"]:
                raise OutputError(f"{entry['path']} is in two manifests with different PDFs", path=path)
            merged[key] = entry
    return [merged[key] for key in sorted(merged)]


def write_manifest_entries(path: Path, entries: list[dict[str, Any]]) -> None:
    text = json.dumps({"leaflets": entries}, indent=2, ensure_ascii=False) + "\n"
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
    has gone (deleted by hand), which would not match the disk.
    """

    def __init__(self, out_dir: Path, previous: list[dict[str, Any]], rebuilding: list[str]) -> None:
        self.out_dir = out_dir
        self.path = out_dir / MANIFEST_NAME
        current = {_entry_key(entry): entry for entry in previous if (out_dir / entry["path"]).is_file()}
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
            pdf = self.out_dir / entry["path"]
            if pdf.is_file() and sha256_file(pdf) == entry["sha256"]:
                self._texts[key] = _entry_text(entry)
        self._set_aside.clear()
        return self.write()

    def write(self) -> Path:
        body = ",\n".join(self._texts[key] for key in sorted(self._texts))
        text = '{\n  "leaflets": [\n' + body + ("\n" if body else "") + "  ]\n}\n"
        atomic_write_bytes(self.path, text.encode("utf-8"))
        self._written_at = time.monotonic()
        return self.path


def _entry_key(entry: dict[str, Any]) -> str:
    return entry["path"]


def _entry_text(entry: dict[str, Any]) -> str:
    return textwrap.indent(json.dumps(entry, indent=2, ensure_ascii=False), "    ")


def write_leaflet(out_dir: Path, leaflet: Leaflet, *, write_html: bool) -> dict[str, Any]:
    """Write the PDF (and optionally its HTML); return its manifest entry."""
    pdf_path = out_dir / leaflet.job.relative_pdf_path
    atomic_write_bytes(pdf_path, leaflet.pdf)
    if write_html:
        atomic_write_bytes(pdf_path.with_suffix(".html"), leaflet.html.encode("utf-8"))
    return manifest_entry(leaflet, sha256_bytes(leaflet.pdf))
