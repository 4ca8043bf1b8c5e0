"""Read a country's jurisdiction: ``jurisdictions/<country>.toml`` (what holds
for every pack: emergency and out-of-hours numbers, whether products may be
named, each language's variety) and ``packs/<pack>/jurisdictions/<country>.toml``
(what is treatment-specific: the age rule, the prescribing rule, the sources).

The statements are English source text: ``extract`` puts them into the
catalogues under the message context ``jurisdiction-<country>`` (the safety
box's under ``safety:jurisdiction-<country>``, which never falls back to
another language), so that a leaflet prints one country's law in the
leaflet's language. Adding a country is adding these files (README: Adding a
country), not code.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import ConfigError, shown_path
from ..model import Brand, Jurisdiction, Pack, Project
from .config import Table, read_toml

#: ISO 3166-1 alpha-2, as a brand's ``country`` is written.
COUNTRY = re.compile(r"[A-Z]{2}")
PRODUCT_NAMES = ("public", "after-consultation")
#: The safety box's statements every country must have (templates/safety_notes.html).
SAFETY_STATEMENTS = ("out_of_hours",)
_SHORT_CODE = re.compile(r"[0-9]{3,6}")
_E164_PREFIX = re.compile(r"\+[1-9][0-9]{1,14}")
_VARIETY = re.compile(r"[a-z]{2,3}_[A-Z][A-Za-z]{1,3}")


def jurisdiction_file(project: Project, country: str) -> Path:
    return project.jurisdictions_dir / f"{country}.toml"


def pack_jurisdiction_file(pack: Pack, country: str) -> Path:
    return pack.directory / "jurisdictions" / f"{country}.toml"


def known_countries(project: Project) -> list[str]:
    return sorted(path.stem for path in project.jurisdictions_dir.glob("*.toml"))


def check_country(project: Project, brand: Brand) -> None:
    """A brand's country must have jurisdiction data: the leaflet cannot
    guess a country's law."""
    if not jurisdiction_file(project, brand.country).is_file():
        found = ", ".join(known_countries(project)) or "none"
        raise ConfigError(
            f"no jurisdiction data for {brand.country!r}: "
            f"{shown_path(jurisdiction_file(project, brand.country))} does not exist (found: {found}); "
            "add it, and each pack's jurisdictions/ file for that country (README: Adding a country)",
            path=brand.source_file,
            key="country",
        )


def load_jurisdiction(project: Project, country: str, pack: Pack) -> Jurisdiction:
    """The jurisdiction ``pack``'s leaflets print for ``country``: the
    project's file and the pack's, each checked for what the templates need."""
    path = jurisdiction_file(project, country)
    top = Table(read_toml(path), path)
    top.reject_unknown(
        {
            "name",
            "emergency_number",
            "short_codes",
            "fictional_numbers",
            "product_names",
            "varieties",
            "safety",
            "statements",
        }
    )
    emergency = top.text("emergency_number")
    short_codes = top.get("short_codes", list)
    if not all(isinstance(code, str) and _SHORT_CODE.fullmatch(code) for code in short_codes):
        raise top.error("short_codes", 'must be a list of numbers written as text, such as ["999", "111"]')
    if emergency not in short_codes:
        raise top.error("emergency_number", f"must be one of short_codes ({', '.join(short_codes)})")
    fictional = top.get("fictional_numbers", list, default=[])
    if not all(isinstance(prefix, str) and _E164_PREFIX.fullmatch(prefix) for prefix in fictional):
        raise top.error("fictional_numbers", 'must be a list of E.164 prefixes such as "+442079460"')
    product_names = top.text("product_names")
    if product_names not in PRODUCT_NAMES:
        raise top.error("product_names", f"must be one of: {', '.join(PRODUCT_NAMES)}")
    varieties = _texts(top.table("varieties", required=False))
    for language, variety in varieties.items():
        if not _VARIETY.fullmatch(variety) or variety.split("_")[0] != language:
            raise top.error(
                f"varieties.{language}", f"must be a variety of {language!r} such as {language}_{country}"
            )
    safety = _texts(top.table("safety"), allow_empty=False)
    for key in SAFETY_STATEMENTS:
        if key not in safety:
            raise top.error(f"safety.{key}", "is missing: the safety box prints it on every leaflet")
    statements = _texts(top.table("statements", required=False))

    files = [path]
    sources: tuple[str, ...] = ()
    pack_path = pack_jurisdiction_file(pack, country)
    if pack.jurisdiction_statements or pack_path.is_file():
        if not pack_path.is_file():
            raise ConfigError(
                f"no jurisdiction data for {country!r} in this pack: add {shown_path(pack_path)} with its "
                f"sources and statements ({', '.join(pack.jurisdiction_statements)})",
                path=pack.source_file,
                key="jurisdiction_statements",
            )
        files.append(pack_path)
        own = Table(read_toml(pack_path), pack_path)
        own.reject_unknown({"sources", "statements"})
        listed = own.get("sources", list)
        if not listed or not all(isinstance(source, str) and source.strip() for source in listed):
            raise own.error("sources", "must be a non-empty list of text")
        sources = tuple(source.strip() for source in listed)
        for key, text in _texts(own.table("statements", required=False)).items():
            if key in statements:
                raise own.error(f"statements.{key}", f"is set in {shown_path(path)} already")
            statements[key] = text
    for key in pack.jurisdiction_statements:
        if key not in statements:
            raise ConfigError(
                f"is missing: {pack.id} prints it (pack.toml: jurisdiction_statements); "
                'give its text, or "" where the country has no such rule',
                path=pack_path,
                key=f"statements.{key}",
            )
    return Jurisdiction(
        country=country,
        name=top.text("name"),
        emergency_number=emergency,
        short_codes=tuple(short_codes),
        product_names=product_names,
        varieties=varieties,
        statements=statements,
        safety_statements=safety,
        sources=sources,
        source_files=tuple(files),
        fictional_numbers=tuple(fictional),
    )


def _texts(table: Table, *, allow_empty: bool = True) -> dict[str, str]:
    """A table of plain-text statements: no markup (they are printed as
    text), "" for a rule the country does not have."""
    texts = {}
    for key in table.data:
        text = table.text(key, allow_empty=allow_empty)
        if "<" in text or "%" in text:
            raise table.error(key, "must be plain text: no markup (<) and no placeholders (%)")
        texts[key] = normalise(text)
    return texts


def normalise(text: str) -> str:
    """A statement as it is printed and extracted: its whitespace folded (a
    TOML multi-line string reads as one paragraph)."""
    return " ".join(text.split())
