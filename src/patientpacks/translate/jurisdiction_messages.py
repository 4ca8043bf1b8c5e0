"""A Babel extractor for the jurisdiction files (babel.cfg names it), so
that ``extract`` puts each country's statements and sources into
``messages.pot`` beside the templates' messages, under the country's own
message context: ``jurisdiction-GB``, and ``safety:jurisdiction-GB`` for the
safety box's; and a pack's own sources (pack.toml), under ``source``.

The text is taken as the build prints it (jurisdictions.normalise), so the
catalogue entry is exactly the message a leaflet asks for.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..build.config import key_line
from ..build.jurisdictions import normalise
from ..model import SOURCE_CONTEXT, Project, jurisdiction_context

_SOURCE_COMMENT = (
    "a source in the leaflet's small print: translate what it says; keep the names of organisations, "
    "acronyms and web addresses, and each title in “ ” exactly as written (it prints in its own language)."
)


def extract(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Babel's extractor interface: (line, function, (context, text), comments)."""
    path = Path(fileobj.name)
    data = tomllib.loads(fileobj.read().decode("utf-8"))
    sources = data.get("sources", [])
    context = SOURCE_CONTEXT if path.name == "pack.toml" else jurisdiction_context(path.stem)
    for source in sources if isinstance(sources, list) else []:
        if isinstance(source, str) and source.strip():
            yield key_line(path, "", "sources") or 1, "pgettext", (context, source.strip()), [_SOURCE_COMMENT]
    if path.name == "pack.toml":
        return
    country = path.stem
    for table, safety in (("safety", True), ("statements", False)):
        for key, value in data.get(table, {}).items():
            if isinstance(value, str) and value.strip():
                context = jurisdiction_context(country, safety=safety)
                comment = f"what holds in {country} ({table}.{key}): keep its meaning exact."
                yield key_line(path, table, key) or 1, "pgettext", (context, normalise(value)), [comment]


def source_messages(project: Project) -> set[tuple[str, str]]:
    """The (context, text) of every source the project's packs list, as
    ``extract`` puts them into the catalogues."""
    files = [*project.packs_dir.glob("*/pack.toml"), *project.packs_dir.glob("*/jurisdictions/*.toml")]
    found = set()
    for path in sorted(files):
        try:
            with path.open("rb") as file:
                messages = list(extract(file, None, None, None))
        except (OSError, tomllib.TOMLDecodeError):
            continue  # the build reports a file it cannot read
        found.update(key for _, _, key, comments in messages if comments == [_SOURCE_COMMENT])
    return found
