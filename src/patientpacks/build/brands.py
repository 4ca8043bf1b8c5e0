"""Read ``brands/<id>.toml`` into a Brand, and check it against the packs."""

from __future__ import annotations

import re
from pathlib import Path

from babel import Locale, UnknownLocaleError

from ..errors import ConfigError, LogoError
from ..model import Brand, Colours, Contact, Logo, OutputProfile, Pack, ParameterValue
from .brand_values import check_characters, check_phone_number
from .config import ID, Table, key_line, parameters, read_toml
from .contrast import contrast_failures
from .jurisdictions import COUNTRY
from .logos import check_logo

PAPER_SIZES = ("A4", "Letter")
LOGO_SUFFIXES = (".svg", ".png")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_QR_URL = re.compile(r"https?://[^\s\"<>\\]+")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def load_brand(path: Path) -> Brand:
    data = read_toml(path)
    check_characters(data, path)
    top = Table(data, path)
    top.reject_unknown(
        {
            "name",
            "language",
            "logo",
            "colours",
            "contact",
            "emergency_number",
            "paper",
            "parameters",
            "qr",
            "output_profile",
            "country",
            "leaflets_after_consultation",
        }
    )
    language = _language(top, path)
    paper = top.text("paper")
    if paper not in PAPER_SIZES:
        raise top.error("paper", f"unknown paper size {paper!r} (use one of: {', '.join(PAPER_SIZES)})")

    logo = top.table("logo")
    logo.reject_unknown({"file", "alt"})
    logo_path = (path.parent / logo.text("file")).resolve()
    if not logo_path.is_relative_to(path.parent.resolve()):
        raise logo.error("file", "must be a file inside the brands folder")
    if logo_path.suffix.lower() not in LOGO_SUFFIXES:
        raise logo.error("file", f"must be an SVG or PNG file, not {logo_path.name!r}")
    if not logo_path.is_file():
        raise logo.error("file", f"logo file not found: {logo_path}")
    try:
        check_logo(logo_path)
    except LogoError as error:
        raise ConfigError(
            f"{logo.text('file')} {error.message}",
            path=path,
            line=key_line(path, "logo", "file"),
            key="logo.file",
        ) from None

    colours = top.table("colours")
    colours.reject_unknown({"primary", "accent"})
    for key in ("primary", "accent"):
        if not _COLOUR.fullmatch(colours.text(key)):
            raise colours.error(key, f'must be a colour like "#1F4E79", not {colours.data[key]!r}')
    failures = contrast_failures({key: colours.text(key) for key in ("primary", "accent")})
    if failures:
        fix = failures[0].pair.fix
        raise ConfigError(
            failures[0].describe(), path=path, line=key_line(path, "colours", fix), key=f"colours.{fix}"
        )

    contact = top.table("contact")
    contact.reject_unknown({"phone", "email", "address", "website", "hours", "out_of_hours_phone"})
    # What a phone can dial, character by character, here; whether the
    # brand's country can dial it is phones.py's (a draft reason, not an error).
    check_phone_number(contact, "phone")
    check_phone_number(contact, "out_of_hours_phone", optional=True)
    check_phone_number(top, "emergency_number", optional=True)
    country = top.text("country")
    if not COUNTRY.fullmatch(country):
        raise top.error("country", f'must be an ISO 3166 country code such as "GB" or "US", not {country!r}')

    qr = top.table("qr", required=False)
    qr.reject_unknown({"url"})
    qr_url = qr.text("url", default="", allow_empty=True)
    if qr_url:
        _check_qr_url(qr, qr_url)

    output_profile = None
    if "output_profile" in top.data:
        output_profile = _output_profile(top, path)

    brand_id = path.stem
    if not ID.fullmatch(brand_id):
        raise ConfigError(
            "brand file names must be lower-case letters, digits and hyphens (they become folder names)",
            path=path,
        )
    return Brand(
        id=brand_id,
        name=top.text("name"),
        logo=Logo(path=logo_path, alt=logo.text("alt")),
        colours=Colours(primary=colours.text("primary"), accent=colours.text("accent")),
        contact=Contact(
            **{key: contact.text(key) for key in ("phone", "email", "address", "website")},
            hours=_localised_text(contact, "hours", language),
            out_of_hours_phone=contact.text("out_of_hours_phone", default="", allow_empty=True),
        ),
        emergency_number=top.text("emergency_number", default="", allow_empty=True),
        paper=paper,
        language=language,
        parameters=parameters(top.table("parameters", required=False)),
        source_file=path,
        qr_url=qr_url,
        output_profile=output_profile,
        country=country,
        leaflets_after_consultation=top.get("leaflets_after_consultation", bool, default=False),
    )


def _language(top: Table, path: Path) -> str:
    """The brand's language, a locale CLDR knows, spelt as Babel spells it
    (``pt_BR``): it becomes the logo's ``lang``, which the PDF carries as
    ``/Lang`` for screen readers, and picks the opening hours."""
    language = top.text("language", default="en")
    try:
        spelt = str(Locale.parse(language))
    except (ValueError, UnknownLocaleError):
        spelt = None
    if spelt != language:
        fix = f"write it as {spelt!r}" if spelt else "use a locale such as 'en', 'en_GB' or 'pt_BR'"
        raise ConfigError(
            f"{language!r} is not a locale as Babel spells it (language_REGION): {fix}",
            path=path,
            line=key_line(path, "", "language"),
            key="language",
        )
    return language


def _output_profile(top: Table, path: Path) -> OutputProfile:
    """The print shop's own press profile: an ICC output-device profile
    (class ``prtr``) for CMYK, a file inside the brands folder."""

    def problem(message: str) -> ConfigError:
        return ConfigError(
            message, path=path, line=key_line(path, "", "output_profile"), key="output_profile"
        )

    profile_path = (path.parent / top.text("output_profile")).resolve()
    if not profile_path.is_relative_to(path.parent.resolve()):
        raise problem("must be a file inside the brands folder")
    if not profile_path.is_file():
        raise problem(f"profile file not found: {profile_path}")
    # Pillow (LittleCMS) reads the whole profile, not only its header: a
    # profile it cannot read, WeasyPrint cannot embed or convert through.
    # Imported here: the main process of a build imports no imaging library
    # unless a brand names a profile (a no-op rebuild stays quick).
    from PIL import ImageCms

    try:
        profile = ImageCms.getOpenProfile(str(profile_path)).profile
    except (OSError, ImageCms.PyCMSError) as error:
        raise problem(f"{profile_path.name} is not a readable ICC profile ({error})") from None
    press = "ask the print shop for the ICC profile of its press (an output profile, for CMYK)"
    if profile.device_class != "prtr":
        kind = _ICC_CLASSES.get(profile.device_class, f"class {profile.device_class!r}")
        raise problem(f"{profile_path.name} is {kind}, not an output (printer) profile: {press}")
    if profile.xcolor_space.strip() != "CMYK":
        raise problem(
            f"{profile_path.name} is a profile for {profile.xcolor_space.strip()}, not CMYK: {press}"
        )
    return OutputProfile(
        path=profile_path,
        condition_identifier="Custom",
        condition=profile.profile_description or profile_path.name,
    )


#: ICC device classes (ICC.1:2022, 7.2.5), as a brand's mistake would name them.
_ICC_CLASSES = {
    "scnr": "an input (scanner or camera) profile",
    "mntr": "a display profile",
    "link": "a device link",
    "spac": "a colour space conversion profile",
    "abst": "an abstract profile",
    "nmcl": "a named colour profile",
}


def _check_qr_url(table: Table, url: str) -> None:
    """A web address, with only the placeholders {pack} and {locale}."""
    if not _QR_URL.fullmatch(url):
        raise table.error(
            "url", f"must be a web address starting with https:// or http://, with no spaces, not {url!r}"
        )
    unknown = set(_PLACEHOLDER.findall(url)) - {"pack", "locale"}
    if unknown or url.count("{") != url.count("}") or url.count("{") != len(_PLACEHOLDER.findall(url)):
        raise table.error("url", "may only use the placeholders {pack} and {locale}")


def _localised_text(table: Table, key: str, language: str) -> dict[str, str]:
    """Text in the brand's language, or a table of locale -> text that
    includes the brand's language."""
    if isinstance(table.data.get(key), dict):
        versions = table.table(key)
        texts = {locale: versions.text(locale) for locale in versions.data}
        if language not in texts:
            raise table.error(key, f"needs a version in the brand's language {language!r}")
        return texts
    return {language: table.text(key)}


def check_brand_parameters(brand: Brand, packs: list[Pack]) -> None:
    """A brand may only override parameters some pack defines, with the same type."""
    defaults: dict[str, ParameterValue] = {}
    for pack in packs:
        defaults.update(pack.parameters)
    for key, value in brand.parameters.items():
        where = {"path": brand.source_file, "key": f"parameters.{key}"}
        if key not in defaults:
            raise ConfigError(f"no pack has this parameter (known: {', '.join(sorted(defaults))})", **where)
        if type(value) is not type(defaults[key]):
            raise ConfigError(f"must be of the same kind as the pack's default {defaults[key]!r}", **where)
