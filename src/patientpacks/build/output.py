"""Write leaflets and the manifest without ever leaving a half-written file,
and never through a symbolic link.

Every file is written to a temporary file in the same folder, flushed to disk,
then renamed over the old one (``os.replace`` is atomic on POSIX): a reader,
or a build killed half-way, sees either the old complete file or the new one.

Below the output folder, a path is walked one folder at a time, each opened
relative to the one above it and without following a link (``openat`` with
O_NOFOLLOW): a folder that is a link (``dist/harbour-lane-uk -> /srv/www``)
is refused, by name, and no link can be swapped in between the check and the
write. The output folder itself is the user's choice, and may be reached
through links.
"""

from __future__ import annotations

import errno
import hashlib
import os
import posixpath
import re
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath

from ..errors import OutputError
from ..jobs import Leaflet

MANIFEST_NAME = "manifest.json"
#: Every temporary file this tool writes starts so.
TEMPORARY_PREFIX = ".patientpacks-"
#: The names of the temporary files a build writes: the name of the file
#: each becomes (the manifest, a PDF, an HTML file) and 8 random characters,
#: as tempfile's. The sweep (output_folder.py) removes nothing else.
TEMPORARY_NAME = re.compile(r"\.patientpacks-(?:manifest\.json|.+\.(?:pdf|html))\.[a-z0-9_]{8}\.tmp")
_RANDOM_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"
_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextmanager
def open_folder(out_dir: Path, relative: str, *, create: bool = False) -> Iterator[int]:
    """A descriptor of the folder ``out_dir/relative`` ("" is ``out_dir``),
    reached without following a link below ``out_dir``, and created with
    ``create``. An OutputError names the first folder on the way that is a
    link or no folder; FileNotFoundError when one is missing."""
    if create:
        out_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        reached = out_dir
        for name in PurePosixPath(relative).parts:
            reached = reached / name
            if name in ("/", ".", ".."):
                raise OutputError("is not a path inside the output folder", path=reached)
            if create:
                with suppress(FileExistsError):
                    os.mkdir(name, dir_fd=descriptor)
            try:
                inner = os.open(name, _FOLDER_FLAGS, dir_fd=descriptor)
            except OSError as error:
                if error.errno not in (errno.ELOOP, errno.ENOTDIR):
                    raise
                raise OutputError(_why_no_folder(descriptor, name), path=reached) from None
            os.close(descriptor)
            descriptor = inner
        yield descriptor
    finally:
        os.close(descriptor)


def _why_no_folder(parent: int, name: str) -> str:
    try:
        target = os.readlink(name, dir_fd=parent)
    except OSError:
        return "is not a folder: the leaflets go into folders here; move it away"
    return (
        f"is a symbolic link (to {target}), and the build never writes through one: the file would "
        "land outside the output folder; replace the link with a real folder"
    )


def write_inside(out_dir: Path, relative: str, data: bytes) -> None:
    """Write ``out_dir/relative`` atomically, never through a link below ``out_dir``."""
    folder, name = posixpath.split(relative)
    try:
        with open_folder(out_dir, folder, create=True) as descriptor:
            _replace(descriptor, name, data)
    except OSError as error:
        raise OutputError(f"cannot write: {error.strerror}", path=out_dir / relative) from None


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``path`` atomically (its folder is created if needed)."""
    write_inside(path.parent, path.name, data)


def _replace(folder: int, name: str, data: bytes) -> None:
    """Write a new temporary file in ``folder`` and rename it to ``name``."""
    while True:
        random = "".join(secrets.choice(_RANDOM_CHARACTERS) for _ in range(8))
        temporary = f"{TEMPORARY_PREFIX}{name}.{random}.tmp"
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
            descriptor = os.open(temporary, flags, 0o600, dir_fd=folder)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
            os.fchmod(file.fileno(), 0o644)
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary, dir_fd=folder)
        raise


def _open_file_inside(out_dir: Path, relative: str) -> int | None:
    """A descriptor of the regular file ``out_dir/relative``, reached without
    following a link; None when there is none (missing, a link, a folder)."""
    folder, name = posixpath.split(relative)
    try:
        with open_folder(out_dir, folder) as parent:
            # O_NONBLOCK: a FIFO put in a PDF's place must not hang the build.
            flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
            descriptor = os.open(name, flags, dir_fd=parent)
    except (OSError, OutputError):
        return None
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        return None
    return descriptor


def is_file_inside(out_dir: Path, relative: str) -> bool:
    descriptor = _open_file_inside(out_dir, relative)
    if descriptor is None:
        return False
    os.close(descriptor)
    return True


def sha256_inside(out_dir: Path, relative: str) -> str | None:
    """The SHA-256 of ``out_dir/relative`` when it is a regular file reached
    without following a link, else None."""
    descriptor = _open_file_inside(out_dir, relative)
    if descriptor is None:
        return None
    with os.fdopen(descriptor, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def write_leaflet(out_dir: Path, leaflet: Leaflet, *, write_html: bool) -> str:
    """Write the PDF (and optionally its HTML); return the PDF's SHA-256."""
    relative = leaflet.job.relative_pdf_path
    write_inside(out_dir, relative, leaflet.pdf)
    if write_html:
        write_inside(out_dir, str(PurePosixPath(relative).with_suffix(".html")), leaflet.html.encode("utf-8"))
    return sha256_bytes(leaflet.pdf)
