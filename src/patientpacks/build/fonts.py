"""The fonts each locale is drawn with, and whether they cover its text.

Everything comes from ``assets/fonts/fonts.toml``: the @font-face rules the
leaflets use are rendered from it (``templates/fonts.css``), and the glyph
check reads the same files' character maps, so the check proves what the PDF
will actually draw.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import string
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import CatalogueError, ConfigError
from .catalogue_reader import catalogue_bytes
from .config import read_toml

FACES = ("regular", "bold", "italic", "bold-italic")
#: Characters no font needs to draw: spaces, controls and format characters
#: (bidi isolates, soft hyphens, joiners).
_INVISIBLE_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf"}


@dataclass(frozen=True)
class FontFace:
    family: str
    face: str  # one of FACES
    path: Path
    index: int = 0  # the face's number inside a font collection (.ttc)

    @property
    def weight(self) -> str:
        return "bold" if self.face.startswith("bold") else "normal"

    @property
    def style(self) -> str:
        return "italic" if self.face.endswith("italic") else "normal"


@dataclass(frozen=True)
class FontSetup:
    faces: tuple[FontFace, ...]
    #: Faces that come from the system (fontconfig), not from assets/fonts.
    system_families: tuple[str, ...]
    stacks: dict[str, tuple[str, ...]]
    source_file: Path

    def stack_for(self, locale: str) -> tuple[str, ...]:
        for key in (locale, locale.split("_")[0]):
            if key in self.stacks:
                return self.stacks[key]
        return self.stacks["default"]

    @property
    def file_faces(self) -> tuple[FontFace, ...]:
        return tuple(face for face in self.faces if face.family not in self.system_families)

    def missing_characters(self, text: str, locale: str) -> list[str]:
        """Characters of ``text`` that no font of the locale's stack can draw."""
        stack = self.stack_for(locale)
        covered = [self._coverage(family) for family in stack]
        missing = []
        for character in dict.fromkeys(text):
            if unicodedata.category(character) in _INVISIBLE_CATEGORIES:
                continue
            if not any(ord(character) in codepoints for codepoints in covered):
                missing.append(character)
        return missing

    def _coverage(self, family: str) -> frozenset[int]:
        regular = next(face for face in self.faces if face.family == family and face.face == "regular")
        return _codepoints(regular.path, regular.index)


def _codepoints(path: Path, index: int) -> frozenset[int]:
    stat = path.stat()
    return _codepoints_of_version(path, index, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _codepoints_of_version(path: Path, index: int, size: int, mtime_ns: int) -> frozenset[int]:
    """Keyed by the file's size and time too: a font replaced while a
    long-running process (the server) lives is read again."""
    from fontTools.ttLib import TTCollection, TTFont  # only the glyph check needs fontTools

    if path.suffix.lower() in (".ttc", ".otc"):
        font = TTCollection(str(path), lazy=True).fonts[index]
    else:
        font = TTFont(str(path), lazy=True)
    return frozenset(font.getBestCmap())


def _system_face(family: str, face: str, package: str, source_file: Path) -> FontFace:
    pattern = (
        family + {"regular": "", "bold": ":bold", "italic": ":italic", "bold-italic": ":bold:italic"}[face]
    )
    try:
        found = subprocess.run(
            ["fc-match", "--format=%{family}\n%{file}\n%{index}", pattern],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.splitlines()
    except (OSError, subprocess.SubprocessError) as error:
        raise ConfigError(f"cannot ask fontconfig for {family!r}: {error}", path=source_file) from None
    if len(found) < 3 or family not in found[0].split(","):
        raise ConfigError(
            f"the font {family!r} is not installed; install Debian's {package} package "
            "(scripts/setup.sh does) and build again",
            path=source_file,
        )
    return FontFace(family=family, face=face, path=Path(found[1]), index=int(found[2]))


def load_font_setup(fonts_dir: Path) -> FontSetup:
    """The fonts of ``fonts_dir/fonts.toml``, read again when its content
    changes (a long-running process sees an edit on its next leaflet)."""
    source_file = fonts_dir / "fonts.toml"
    try:
        content = source_file.read_bytes()
    except OSError as error:
        raise ConfigError(f"cannot be read: {error.strerror}", path=source_file) from None
    return _font_setup(source_file, hashlib.sha256(content).hexdigest())


@functools.lru_cache(maxsize=4)
def _font_setup(source_file: Path, content_sha256: str) -> FontSetup:
    fonts_dir = source_file.parent
    data = read_toml(source_file)
    faces, system_families = [], []
    for family, spec in data.get("families", {}).items():
        if "system" in spec:
            system_families.append(family)
            faces += [_system_face(family, face, spec["system"], source_file) for face in ("regular", "bold")]
            continue
        unknown = set(spec) - set(FACES)
        if unknown or "regular" not in spec:
            raise ConfigError(
                f"a family needs a regular face and only these keys: {', '.join(FACES)}",
                path=source_file,
                key=f"families.{family}",
            )
        for face, file_name in spec.items():
            path = fonts_dir / file_name
            if not path.is_file():
                raise ConfigError(
                    f"font file not found: {path}", path=source_file, key=f"families.{family}.{face}"
                )
            faces.append(FontFace(family=family, face=face, path=path))
    families = {face.family for face in faces}
    stacks = {}
    for locale, stack in data.get("stacks", {}).items():
        unknown = [family for family in stack if family not in families]
        if unknown:
            raise ConfigError(f"unknown font family {unknown[0]!r}", path=source_file, key=f"stacks.{locale}")
        stacks[locale] = tuple(stack)
    if "default" not in stacks:
        raise ConfigError("a default stack is required", path=source_file, key="stacks.default")
    return FontSetup(
        faces=tuple(faces), system_families=tuple(system_families), stacks=stacks, source_file=source_file
    )


# --- Font work done once ---------------------------------------------------------


def subset_system_faces(setup: FontSetup, text: str, cache_dir: Path) -> tuple[FontFace, ...]:
    """Each system face (the 19 MB CJK collection) cut down to the characters
    ``text`` uses, cached on disk by content, so that WeasyPrint loads and
    subsets a few hundred kilobytes per leaflet instead of the whole font.

    ``text`` must hold every character a leaflet can print (all catalogues,
    templates, packs and brands: see ``project_text``); the glyph check still
    reads the full font, so it proves the subset covers the inputs.
    """
    characters = "".join(sorted(set(text) | set(string.printable)))
    faces = []
    for face in setup.faces:
        if face.family not in setup.system_families:
            continue
        stat = face.path.stat()
        key = hashlib.sha256(
            f"{face.path}|{face.index}|{stat.st_size}|{stat.st_mtime_ns}|{_subsetter_version()}|{characters}".encode()
        ).hexdigest()[:20]
        path = cache_dir / f"{face.family.replace(' ', '')}-{face.face}-{key}.otf"
        if not path.exists():
            _write_subset(face, characters, path)
        faces.append(FontFace(family=subset_family(face.family), face=face.face, path=path))
    return tuple(faces)


#: Bumped whenever the way subsets are made changes, so that no cached subset
#: made the old way is used again (2: CIDs numbered as glyphs).
_SUBSET_FORMAT = 2


def _subsetter_version() -> str:
    import fontTools
    import uharfbuzz

    return f"{_SUBSET_FORMAT}|{uharfbuzz.__version__}|{fontTools.version}"


def system_font_codepoints(setup: FontSetup) -> frozenset[int]:
    """Every character the system fonts (the CJK collection's faces) can
    draw: the characters a subset of them could ever need (read with
    HarfBuzz, about 10 ms)."""
    import uharfbuzz as hb

    codepoints: set[int] = set()
    for face in setup.faces:
        if face.family in setup.system_families:
            codepoints |= set(hb.Face(hb.Blob.from_file_path(str(face.path)), face.index).unicodes)
    return frozenset(codepoints)


def subset_family(family: str) -> str:
    """The CSS family name of a system family's subset. A name of its own: with
    the system's name, fontconfig would keep drawing with the full font."""
    return f"{family} Subset"


def _write_subset(face: FontFace, characters: str, path: Path) -> None:
    # HarfBuzz's subsetter (uharfbuzz), the one WeasyPrint itself uses when
    # writing PDFs: it cuts the 19 MB CJK collection in about 20 ms, where
    # fontTools took 2.5-3 s per face, and every cold build paid that.
    import uharfbuzz as hb

    request = hb.SubsetInput()
    request.unicode_set.update(ord(character) for character in characters)
    for kept_whole in (request.layout_feature_tag_set, request.name_id_set):
        # Every shaping feature (kerning too) and every name: an inverted
        # empty set is HarfBuzz's "all".
        kept_whole.clear()
        kept_whole.invert()
    request.flags = hb.SubsetFlags.NOTDEF_OUTLINE | hb.SubsetFlags.NO_HINTING  # WeasyPrint does not hint
    try:
        subset = hb.subset(hb.Face(hb.Blob.from_file_path(str(face.path)), face.index), request)
    except RuntimeError as error:
        raise ConfigError(
            f"HarfBuzz could not subset face {face.index} of this font: {error}", path=face.path
        ) from None
    data = cids_numbered_as_glyphs(subset.blob.data)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside its final name and renamed: two workers may race here.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def cids_numbered_as_glyphs(font_data: bytes) -> bytes:
    """A CID-keyed OpenType font whose glyph number ``n`` has CID ``n``.

    HarfBuzz renumbers the glyphs of a subset but keeps each glyph's CID from
    the full font (Noto Sans CJK: CID = glyph number there, up to 65,534).
    WeasyPrint writes glyph numbers into the page as CIDs, with the font as a
    CIDFontType0 program; the PDF standard (ISO 32000, 9.7.4.2) looks a CID
    up in the font's charset, and MuPDF and Ghostscript (CUPS, print-shop
    RIPs) do so, drawing ``.notdef`` for every Chinese character, while
    poppler and PDFium take the code as a glyph number. With CID = glyph
    number both readings select the same glyph. No subsetter offers this
    (HarfBuzz's RETAIN_GIDS keeps all 65,535 glyph slots, which every PDF
    would then carry), so the charset is rewritten with fontTools: a few
    hundred milliseconds, once per cached subset. Fonts that are not
    CID-keyed CFF (TrueType outlines, name-keyed CFF) come back unchanged.
    """
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(font_data), lazy=True)
    if "CFF " not in font:
        return font_data
    top_dict = font["CFF "].cff.topDictIndex[0]
    if not hasattr(top_dict, "ROS"):
        return font_data
    old_names = list(top_dict.charset)
    new_names = [".notdef", *(f"cid{number:05d}" for number in range(1, len(old_names)))]
    if old_names == new_names:
        return font_data
    renamed = dict(zip(old_names, new_names, strict=True))
    # Only the CFF table names glyphs; every other table refers to them by
    # number and is copied as it is (the font was opened lazily).
    char_strings = top_dict.CharStrings
    char_strings.charStrings = {renamed[name]: index for name, index in char_strings.charStrings.items()}
    top_dict.charset = new_names
    font.setGlyphOrder(new_names)
    output = io.BytesIO()
    font.save(output, reorderTables=False)
    return output.getvalue()


def project_text(paths: list[Path]) -> str:
    """Every character of the given input files (catalogues, templates, pack
    and brand files): a superset of what any leaflet can print."""
    return "".join(map(_input_text, paths))


def _input_text(path: Path) -> str:
    if path.suffix != ".po":
        return path.read_text(encoding="utf-8", errors="ignore")
    try:  # a catalogue is read only if it is one (a file of the project, of a sensible size)
        return catalogue_bytes(path).decode("utf-8", errors="ignore")
    except CatalogueError:
        return ""  # its leaflets are not built, and the build says why


def prepare_subsets(project_root: Path) -> None:
    """Make (or find) the subsets of the system fonts before the workers start,
    so that they do it once, not once each."""
    from ..model import Project

    project = Project(project_root)
    setup = load_font_setup(project.fonts_dir)
    subset_system_faces(setup, project_text(project.text_input_files()), project.font_cache_dir)
