"""Helpers for the hostile-input tests: put a translation into a catalogue,
build one leaflet, and look inside the PDF."""

from __future__ import annotations

import io
import json
from pathlib import Path

from babel.messages.pofile import read_po, write_po
from pypdf import PdfReader

PO = "locales/es/LC_MESSAGES/messages.po"
LEAFLET = "maple-street-us/es/aftercare-card"


def set_translation(
    project: Path, msgid: str, msgstr: str, context: str | None = None, locale: str = "es"
) -> None:
    """Write ``msgstr`` as the translation of ``msgid`` (Spanish unless
    ``locale`` says otherwise), as a translator's tool would."""
    path = project / f"locales/{locale}/LC_MESSAGES/messages.po"
    catalog = read_po(path.open("rb"))
    message = catalog.get(msgid, context=context)
    assert message is not None, msgid
    message.string = msgstr
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76)
    path.write_bytes(buffer.getvalue())


def manifest_entry(out: Path, leaflet: str = LEAFLET) -> dict | None:
    manifest = out / "manifest.json"
    if not manifest.exists():
        return None
    entries = {entry["path"]: entry for entry in json.loads(manifest.read_text())["leaflets"]}
    return entries.get(f"{leaflet}.pdf")


def pdf_facts(pdf: Path | bytes) -> dict:
    """What a PDF (a file, or its bytes) carries besides its text: files, images, links."""
    reader = PdfReader(pdf if isinstance(pdf, Path) else io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    names = root.get("/Names", {})
    images, uris = 0, []
    for page in reader.pages:
        images += len(page.images)
        for annotation in page.get("/Annots", []) or []:
            action = annotation.get_object().get("/A", {})
            if "/URI" in action:
                uris.append(str(action["/URI"]))
            if "/JS" in action:
                uris.append("javascript")
    text = "\n".join(page.extract_text() for page in reader.pages)
    return {
        "embedded_files": "/EmbeddedFiles" in names,
        "attachments": dict(reader.attachments),
        "images": images,
        "uris": uris,
        "text": text,
        "javascript": "/JavaScript" in names or "/OpenAction" in root,
    }
