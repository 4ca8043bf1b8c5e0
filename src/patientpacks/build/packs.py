"""Read ``packs/<id>/pack.toml`` into a Pack."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from ..errors import ConfigError
from ..model import Code, Pack
from .config import Table, parameters, read_toml
from .signoffs import PACK_SIGNOFF_FILE, pack_items, pack_settings, read_signoff

PAGE_SIZES = ("A4", "A5", "Letter")
#: A code system named as HL7 names it, by its OID (digits and dots).
_OID = re.compile(r"[0-2](\.(0|[1-9][0-9]*))+")
#: A code: letters, digits, dots and hyphens (SNOMED CT, RxNorm, ICD-10, LOINC).
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,63}")
LAYOUTS = ("guide", "card")
#: "half": one sheet folded in half, printed as a booklet of 4, 8, ... pages.
FOLDS = ("none", "half")
#: A jurisdiction statement's name, as templates write it (law.under_18).
ID_KEY = re.compile(r"[a-z][a-z0-9_]*")


def load_pack(directory: Path) -> Pack:
    path = directory / "pack.toml"
    data = read_toml(path)
    top = Table(data, path)
    if "signoff" in data:
        raise top.error(
            "signoff",
            f"a clinical sign-off is kept in {PACK_SIGNOFF_FILE}, bound to the text it approved: "
            f"remove [signoff] and have the clinician run `patientpacks signoff {directory.name} --by NAME`",
        )
    top.reject_unknown(
        {
            "id",
            "title",
            "template",
            "version",
            "published",
            "review_due",
            "page_size",
            "layout",
            "max_pages",
            "safety",
            "sources",
            "parameters",
            "print_shop",
            "sections",
            "jurisdiction_statements",
            "codes",
        }
    )
    pack_id = top.text("id")
    if pack_id != directory.name:
        raise top.error("id", f"must match the pack's folder name {directory.name!r}, not {pack_id!r}")
    template = top.text("template")
    if not (directory / template).is_file():
        raise top.error("template", f"template file {template!r} not found in {directory}")
    if not (directory / "title.html").is_file():
        raise ConfigError(f"the pack's title template title.html is missing from {directory}", path=path)
    sections = top.get("sections", list)
    if not sections or not all(
        isinstance(name, str) and (directory / "sections" / name).is_file() for name in sections
    ):
        raise top.error(
            "sections", f"must list the pack's section templates, each a file in {directory / 'sections'}"
        )
    page_size = top.text("page_size")
    size, _, orientation = page_size.partition(" ")
    if page_size not in ("brand", "card") and (
        size not in PAGE_SIZES or orientation not in ("", "landscape", "portrait")
    ):
        raise top.error(
            "page_size",
            f'unknown page size {page_size!r} (use "brand", "card" (half the brand\'s paper), or one of {", ".join(PAGE_SIZES)}, '
            'optionally followed by "landscape")',
        )
    layout = top.text("layout")
    if layout not in LAYOUTS:
        raise top.error("layout", f"unknown layout {layout!r} (use one of: {', '.join(LAYOUTS)})")
    max_pages = top.get("max_pages", int)
    if max_pages < 1:
        raise top.error("max_pages", "must be at least 1")

    safety = top.table("safety")
    safety.reject_unknown({"label_revision"})

    # The sources that hold in every country; a country's own are in the
    # pack's jurisdictions/<country>.toml.
    sources = top.get("sources", list, default=[])
    if not all(isinstance(source, str) and source.strip() for source in sources):
        raise top.error("sources", "must be a list of text")
    statements = top.get("jurisdiction_statements", list, default=[])
    if not all(isinstance(key, str) and ID_KEY.fullmatch(key) for key in statements):
        raise top.error("jurisdiction_statements", 'must be a list of statement names such as "under_18"')

    print_shop = top.table("print_shop", required=False)
    print_shop.reject_unknown({"fold"})
    fold = print_shop.text("fold", default="none")
    if fold not in FOLDS:
        raise print_shop.error("fold", f"unknown fold {fold!r} (use one of: {', '.join(FOLDS)})")

    published = top.get("published", date)
    review_due = top.get("review_due", date)
    if review_due <= published:
        raise top.error("review_due", "must be after the publication date")

    return Pack(
        id=pack_id,
        codes=_codes(top, path),
        title=top.text("title"),
        directory=directory,
        template=template,
        version=top.text("version"),
        published=published,
        review_due=review_due,
        page_size=page_size,
        layout=layout,
        max_pages=max_pages,
        signoff=read_signoff(
            directory / PACK_SIGNOFF_FILE, lambda: pack_items(directory, pack_settings(data))
        ),
        label_revision=safety.text("label_revision", allow_empty=True),
        sources=tuple(source.strip() for source in sources),
        parameters=parameters(top.table("parameters", required=False)),
        source_file=path,
        fold=fold,
        sections=tuple(f"{directory.name}/sections/{name}" for name in sections),
        jurisdiction_statements=tuple(statements),
    )


def _codes(top: Table, path: Path) -> tuple[Code, ...]:
    """``[[codes]]``: each with ``system`` (an OID), ``code`` and ``display``."""
    entries = top.get("codes", list, default=[])
    codes = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise top.error("codes", f"entry {number} must be a table ([[codes]])")
        table = Table(entry, path, f"codes[{number}].")
        table.reject_unknown({"system", "code", "display"})
        system, code = table.text("system"), table.text("code")
        if not _OID.fullmatch(system):
            raise table.error(
                "system", f"must be the code system's OID, e.g. 2.16.840.1.113883.6.96, not {system!r}"
            )
        if not _CODE.fullmatch(code):
            raise table.error("code", f"must be letters, digits, dots and hyphens, not {code!r}")
        codes.append(Code(system=system, code=code, display=table.text("display")))
    return tuple(codes)
