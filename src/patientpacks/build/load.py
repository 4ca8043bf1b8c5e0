"""Stage 1 of the build: read every pack, brand and catalogue the build
selects, and note what cannot be read (it fails only its own leaflets)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError, PatientPacksError, UsageError
from ..model import Brand, Jurisdiction, Pack, Project
from .brands import check_brand_parameters, load_brand
from .catalogue_reader import catalogue_bytes
from .catalogues import (
    SOURCE_LOCALE,
    catalogue_path,
    discover_locales,
    parse_locale,
)
from .jurisdictions import check_country, load_jurisdiction
from .options import BuildOptions
from .packs import load_pack


@dataclass
class LoadedInputs:
    """Everything read from disk, and what could not be read (by item id)."""

    packs: dict[str, Pack] = field(default_factory=dict)
    brands: dict[str, Brand] = field(default_factory=dict)
    #: Each pack's jurisdiction for each brand's country, by (pack id, country).
    jurisdictions: dict[tuple[str, str], Jurisdiction] = field(default_factory=dict)
    #: The catalogue file of each locale (None for the source locale). Workers
    #: read and check them: a broken one fails only that locale's leaflets.
    catalogues: dict[str, Path | None] = field(default_factory=dict)
    #: The locales to build (the catalogues may hold more: bilingual editions' second languages).
    locales: list[str] = field(default_factory=list)
    errors: dict[tuple[str, str], PatientPacksError] = field(default_factory=dict)


def _select(kind: str, found: list[str], wanted: tuple[str, ...]) -> list[str]:
    unknown = [item for item in wanted if item not in found]
    if unknown:
        raise UsageError(
            f"unknown {kind} {', '.join(map(repr, unknown))} (found: {', '.join(found) or 'none'})"
        )
    return [item for item in found if not wanted or item in wanted]


def load_inputs(project: Project, options: BuildOptions) -> LoadedInputs:
    inputs = LoadedInputs()
    found_packs = sorted(path.parent.name for path in project.packs_dir.glob("*/pack.toml"))
    pack_ids = _select("pack", found_packs, options.packs)
    brand_ids = _select(
        "brand", sorted(path.stem for path in project.brands_dir.glob("*.toml")), options.brands
    )
    available = discover_locales(project.locales_dir)
    catalogue_locale = {locale: locale for locale in available}
    second_locales = [edition.second_locale for edition in options.editions if edition.second_locale]
    for locale in [*options.locales, *second_locales]:
        parse_locale(locale)
        language = locale.split("_")[0]
        if locale not in catalogue_locale and language in catalogue_locale:
            # A regional locale falls back to its language's catalogue, never
            # further (and never silently to English): pt_PT -> pt.
            catalogue_locale[locale] = language
    available += [
        locale for locale in options.locales if locale in catalogue_locale and locale not in available
    ]
    locales = _select("locale", available, options.locales)
    for locale in second_locales:
        if locale not in catalogue_locale:
            raise UsageError(
                f"no catalogue for the bilingual edition's language {locale!r} (found: {', '.join(sorted(catalogue_locale))})"
            )

    # Every pack is read, selected or not: a brand's parameters are checked
    # against all the parameters the packs define.
    all_packs, pack_errors = {}, {}
    for pack_id in found_packs:
        try:
            all_packs[pack_id] = load_pack(project.packs_dir / pack_id)
        except PatientPacksError as error:
            pack_errors[pack_id] = error
    for pack_id in pack_ids:
        if pack_id in pack_errors:
            inputs.errors[("pack", pack_id)] = pack_errors[pack_id]
        else:
            inputs.packs[pack_id] = all_packs[pack_id]
    for brand_id in brand_ids:
        try:
            brand = load_brand(project.brands_dir / f"{brand_id}.toml")
            if not pack_errors:  # else a parameter may belong to the unreadable pack
                check_brand_parameters(brand, list(all_packs.values()))
            check_country(project, brand)
            inputs.brands[brand_id] = brand
        except PatientPacksError as error:
            inputs.errors[("brand", brand_id)] = error
    _load_jurisdictions(project, inputs)
    for locale in [*locales, *second_locales]:
        path = (
            None
            if catalogue_locale[locale] == SOURCE_LOCALE
            else catalogue_path(project.locales_dir, catalogue_locale[locale])
        )
        inputs.catalogues[locale] = path
        try:  # a file that is no catalogue is not read, not even to hash it
            if path is not None:
                catalogue_bytes(path)
        except PatientPacksError as error:
            inputs.errors[("locale", locale)] = error
    inputs.locales = locales
    return inputs


def _load_jurisdictions(project: Project, inputs: LoadedInputs) -> None:
    """Each selected pack's jurisdiction for each brand's country; one that
    cannot be read fails that pack's leaflets for that country's brands."""
    for pack in inputs.packs.values():
        for country in sorted({brand.country for brand in inputs.brands.values()}):
            try:
                inputs.jurisdictions[(pack.id, country)] = load_jurisdiction(project, country, pack)
            except PatientPacksError as error:
                inputs.errors[("jurisdiction", f"{pack.id}/{country}")] = error
    for brand_id, brand in list(inputs.brands.items()):
        found = [item for (_, country), item in inputs.jurisdictions.items() if country == brand.country]
        if brand.emergency_number and found and brand.emergency_number not in found[0].short_codes:
            inputs.errors[("brand", brand_id)] = ConfigError(
                f"{brand.emergency_number!r} is not an emergency number of {found[0].name} "
                f"(use one of: {', '.join(found[0].short_codes)}, or leave it out for "
                f"{found[0].emergency_number})",
                path=brand.source_file,
                key="emergency_number",
            )
            del inputs.brands[brand_id]
