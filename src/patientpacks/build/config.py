"""Read ``packs/<id>/pack.toml`` and ``brands/<id>.toml`` into models.

Every problem is a :class:`ConfigError` naming the file and the key (or the
line, for TOML syntax errors), so a clinic can fix its brand file without
reading Python.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..model import Brand, Colours, Contact, Logo, OutputProfile, Pack, ParameterValue, SignOff
from .contrast import contrast_failures

PAPER_SIZES = ("A4", "Letter")
PAGE_SIZES = ("A4", "A5", "Letter")
LAYOUTS = ("guide", "card")
#: "half": one sheet folded in half, printed as a booklet of 4, 8, ... pages.
FOLDS = ("none", "half")
LOGO_SUFFIXES = (".svg", ".png")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_QR_URL = re.compile(r"https?://[^\s\"<>\\]+")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_TOML_LINE = re.compile(r"at line (\d+)")
_TOML_TABLE = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        line = _TOML_LINE.search(str(error))
        raise ConfigError(
            f"not valid TOML: {error}", path=path, line=int(line[1]) if line else None
        ) from None
    except UnicodeDecodeError:
        raise ConfigError("not UTF-8 text", path=path) from None
    except OSError as error:
        raise ConfigError(f"cannot read: {error.strerror}", path=path) from None


def _key_line(path: Path, table: str, key: str) -> int | None:
    """The line that sets ``key`` in ``[table]`` of a TOML file, for messages
    about a value that is valid TOML but unusable (tomllib keeps no lines)."""
    current = ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if header := _TOML_TABLE.match(line):
            current = header[1]
        elif current == table and re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return None


class _Table:
    """Typed access to one TOML table that reports mistakes with file and key."""

    def __init__(self, data: dict[str, Any], path: Path, prefix: str = "") -> None:
        self.data = data
        self.path = path
        self.prefix = prefix

    def _key(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(message, path=self.path, key=self._key(key))

    def get(self, key: str, kind: type, *, default: Any = ...) -> Any:
        if key not in self.data:
            if default is ...:
                raise self.error(key, "is missing")
            return default
        value = self.data[key]
        # TOML booleans are ints in Python, and its date-times are dates:
        # never accept one for the other.
        wrong_subtype = (kind is int and isinstance(value, bool)) or (
            kind is date and isinstance(value, datetime)
        )
        if not isinstance(value, kind) or wrong_subtype:
            raise self.error(key, f"must be {_KIND_NAMES.get(kind, kind.__name__)}, not {value!r}")
        return value

    def text(self, key: str, *, default: Any = ..., allow_empty: bool = False) -> str:
        value = self.get(key, str, default=default)
        if not allow_empty and not value.strip():
            raise self.error(key, "must not be empty")
        return value.strip()

    def table(self, key: str, *, required: bool = True) -> _Table:
        data = self.get(key, dict, default=... if required else {})
        return _Table(data, self.path, f"{self._key(key)}.")

    def reject_unknown(self, known: set[str]) -> None:
        unknown = sorted(set(self.data) - known)
        if unknown:
            raise self.error(unknown[0], f"unknown key (expected one of: {', '.join(sorted(known))})")


_KIND_NAMES = {
    str: "text",
    int: "a whole number",
    list: "a list",
    dict: "a table",
    date: "a date (YYYY-MM-DD)",
}


def _parameters(table: _Table) -> dict[str, ParameterValue]:
    values: dict[str, ParameterValue] = {}
    for key, value in table.data.items():
        if isinstance(value, bool):
            raise table.error(key, "must be a number, text or a list of text, not true/false")
        if isinstance(value, int):
            if value < 0:
                raise table.error(key, f"must not be negative, not {value}")
            values[key] = value
        elif isinstance(value, str):
            values[key] = value
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            values[key] = tuple(value)
        else:
            raise table.error(key, f"must be a number, text or a list of text, not {value!r}")
    return values


def load_pack(directory: Path) -> Pack:
    path = directory / "pack.toml"
    top = _Table(read_toml(path), path)
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
            "signoff",
            "safety",
            "sources",
            "parameters",
            "print_shop",
            "sections",
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
    if page_size != "brand" and (size not in PAGE_SIZES or orientation not in ("", "landscape", "portrait")):
        raise top.error(
            "page_size",
            f'unknown page size {page_size!r} (use "brand", or one of {", ".join(PAGE_SIZES)}, '
            'optionally followed by "landscape")',
        )
    layout = top.text("layout")
    if layout not in LAYOUTS:
        raise top.error("layout", f"unknown layout {layout!r} (use one of: {', '.join(LAYOUTS)})")
    max_pages = top.get("max_pages", int)
    if max_pages < 1:
        raise top.error("max_pages", "must be at least 1")

    signoff = top.table("signoff")
    signoff.reject_unknown({"by", "on"})
    signed_by = signoff.text("by", default="", allow_empty=True)
    signed_on = signoff.get("on", date, default=None)
    if signed_by and signed_on is None:
        raise signoff.error("on", "is missing: give the date of the clinical sign-off")

    safety = top.table("safety")
    safety.reject_unknown({"label_revision"})

    sources = top.get("sources", list)
    if not sources or not all(isinstance(source, str) and source.strip() for source in sources):
        raise top.error("sources", "must be a non-empty list of text")

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
        title=top.text("title"),
        directory=directory,
        template=template,
        version=top.text("version"),
        published=published,
        review_due=review_due,
        page_size=page_size,
        layout=layout,
        max_pages=max_pages,
        signoff=SignOff(by=signed_by, on=signed_on),
        label_revision=safety.text("label_revision", allow_empty=True),
        sources=tuple(source.strip() for source in sources),
        parameters=_parameters(top.table("parameters", required=False)),
        source_file=path,
        fold=fold,
        sections=tuple(f"{directory.name}/sections/{name}" for name in sections),
    )


def load_brand(path: Path) -> Brand:
    top = _Table(read_toml(path), path)
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
        }
    )
    language = top.text("language", default="en")
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

    colours = top.table("colours")
    colours.reject_unknown({"primary", "accent"})
    for key in ("primary", "accent"):
        if not _COLOUR.fullmatch(colours.text(key)):
            raise colours.error(key, f'must be a colour like "#1F4E79", not {colours.data[key]!r}')
    failures = contrast_failures({key: colours.text(key) for key in ("primary", "accent")})
    if failures:
        fix = failures[0].pair.fix
        raise ConfigError(
            failures[0].describe(), path=path, line=_key_line(path, "colours", fix), key=f"colours.{fix}"
        )

    contact = top.table("contact")
    contact.reject_unknown({"phone", "email", "address", "website", "hours"})

    qr = top.table("qr", required=False)
    qr.reject_unknown({"url"})
    qr_url = qr.text("url", default="", allow_empty=True)
    if qr_url:
        _check_qr_url(qr, qr_url)

    output_profile = None
    if "output_profile" in top.data:
        output_profile = _output_profile(top, path)

    brand_id = path.stem
    if not _ID.fullmatch(brand_id):
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
        ),
        emergency_number=top.text("emergency_number"),
        paper=paper,
        language=language,
        parameters=_parameters(top.table("parameters", required=False)),
        source_file=path,
        qr_url=qr_url,
        output_profile=output_profile,
    )


def _output_profile(top: _Table, path: Path) -> OutputProfile:
    """The print shop's own press profile: an ICC output-device profile
    (class ``prtr``) for CMYK, a file inside the brands folder."""

    def problem(message: str) -> ConfigError:
        return ConfigError(
            message, path=path, line=_key_line(path, "", "output_profile"), key="output_profile"
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


def _check_qr_url(table: _Table, url: str) -> None:
    """A web address, with only the placeholders {pack} and {locale}."""
    if not _QR_URL.fullmatch(url):
        raise table.error(
            "url", f"must be a web address starting with https:// or http://, with no spaces, not {url!r}"
        )
    unknown = set(_PLACEHOLDER.findall(url)) - {"pack", "locale"}
    if unknown or url.count("{") != url.count("}") or url.count("{") != len(_PLACEHOLDER.findall(url)):
        raise table.error("url", "may only use the placeholders {pack} and {locale}")


def _localised_text(table: _Table, key: str, language: str) -> dict[str, str]:
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
