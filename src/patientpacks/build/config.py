"""Reading a project's TOML files (``pack.toml``, ``brands/<id>.toml``,
``fonts.toml``): every problem is a :class:`ConfigError` naming the file and
the key (or the line, for TOML syntax errors), so a clinic can fix its brand
file without reading Python.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..model import ParameterValue
from .project_files import read_project_file

#: Pack and brand ids: lower case letters, digits and hyphens.
ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_TOML_LINE = re.compile(r"at line (\d+)")
_TOML_TABLE = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")

#: The largest project TOML file read (the example brand files are under
#: 2 KB, the packs' under 3 KB): a bigger one is refused before it is read.
MAX_TOML_BYTES = 64 * 1024
#: How deep arrays and inline tables may nest (the project's files use 2).
#: tomllib parses nesting by recursion, with no limit of its own: 3,000
#: nested inline tables raise RecursionError, which is no ConfigError and
#: stopped every brand's leaflets. The bytes are scanned before parsing.
MAX_TOML_NESTING = 10


def toml_bytes(path: Path) -> bytes:
    """The bytes of a project TOML file: a regular file in its own folder (a
    named pipe, a device or a link out of the folder is refused, unread)."""
    return read_project_file(path, MAX_TOML_BYTES, ConfigError)


def read_toml(path: Path) -> dict[str, Any]:
    data = toml_bytes(path)
    if len(data) > MAX_TOML_BYTES:
        raise ConfigError(
            f"is larger than {MAX_TOML_BYTES // 1024} KB, the most a project TOML file may be: "
            "is it the file you meant?",
            path=path,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError("not UTF-8 text", path=path) from None
    if too_deep := _too_deep_line(text):
        raise ConfigError(
            f"arrays or inline tables nested more than {MAX_TOML_NESTING} deep: "
            "write the values out flat, or as [tables]",
            path=path,
            line=too_deep,
        )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = _TOML_LINE.search(str(error))
        raise ConfigError(
            f"not valid TOML: {error}", path=path, line=int(line[1]) if line else None
        ) from None


#: A string or comment, matched from just after what opens it to just after
#: what ends it (TOML's four kinds of string: a basic one's backslash escapes
#: the next character; up to two quotes of a multi-line string's content may
#: touch its closing three).
_TOML_REST = {
    '"""': re.compile(r'(?:[^"\\]|\\.|"(?!""))*"""(?:"{0,2})', re.DOTALL),
    "'''": re.compile(r"(?:[^']|'(?!''))*'''(?:'{0,2})"),
    '"': re.compile(r'(?:[^"\\\n]|\\.)*"'),
    "'": re.compile(r"[^'\n]*'"),
    "#": re.compile(r"[^\n]*"),
}
_TOML_OPENERS = re.compile(r"""\"\"\"|'''|["'#\[\]{}]""")


def _too_deep_line(text: str) -> int | None:
    """The line where ``[`` and ``{`` first nest deeper than MAX_TOML_NESTING,
    outside strings and comments; None when they never do. A string left
    open ends the scan: tomllib then reports the syntax error."""
    depth = position = 0
    while opener := _TOML_OPENERS.search(text, position):
        token, position = opener[0], opener.end()
        if token in "[{":
            depth += 1
            if depth > MAX_TOML_NESTING:
                return text.count("\n", 0, opener.start()) + 1
        elif token in "]}":
            depth = max(depth - 1, 0)
        elif rest := _TOML_REST[token].match(text, position):
            position = rest.end()
        else:
            return None
    return None


def key_line(path: Path, table: str, key: str) -> int | None:
    """The line that sets ``key`` in ``[table]`` of a TOML file, for messages
    about a value that is valid TOML but unusable (tomllib keeps no lines)."""
    current = ""
    try:  # read again, as read_toml read it: the file may have been swapped since
        text = toml_bytes(path).decode("utf-8")
    except (ConfigError, UnicodeDecodeError):
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        if header := _TOML_TABLE.match(line):
            current = header[1]
        elif current == table and re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return None


class Table:
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

    def table(self, key: str, *, required: bool = True) -> Table:
        data = self.get(key, dict, default=... if required else {})
        return Table(data, self.path, f"{self._key(key)}.")

    def reject_unknown(self, known: set[str]) -> None:
        unknown = sorted(set(self.data) - known)
        if unknown:
            raise self.error(unknown[0], f"unknown key (expected one of: {', '.join(sorted(known))})")


_KIND_NAMES = {
    str: "text",
    bool: "true or false",
    int: "a whole number",
    list: "a list",
    dict: "a table",
    date: "a date (YYYY-MM-DD)",
}


def parameters(table: Table) -> dict[str, ParameterValue]:
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
