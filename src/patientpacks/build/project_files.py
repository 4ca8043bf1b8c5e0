"""Reading a project's own files (its TOML files, logos): only a regular
file inside the folder it is named in, never more than a limit.

``open()`` on a named pipe waits for a writer, for good (a ``mkfifo
brands/fifo.toml`` hung every build); on a device it reads what the device
gives (``/dev/zero`` never ends); a link out of the project reads any file on
the machine (``brands/evil.toml -> /etc/passwd``). So the path is resolved
and must stay inside its folder, the file is opened without blocking and
without following a link, and what was opened is checked with ``fstat``
before a byte is read: a name swapped between the check and the read is
caught too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import PatientPacksError


def file_kind(mode: int) -> str:
    """What a file that is not a regular one is, for a message."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def read_project_file(
    path: Path, limit: int, error: type[PatientPacksError], *, only_inside_its_folder: bool = True
) -> bytes:
    """At most ``limit`` + 1 bytes of ``path`` (the caller tells a file too
    large by its length), if it is a regular file inside its own folder
    (anywhere, without ``only_inside_its_folder``: a template, which is code
    and may be a link); else ``error``, naming ``path`` and what it is."""
    folder = path.parent.resolve()
    real = path.resolve()
    if only_inside_its_folder and not real.is_relative_to(folder):
        raise error(
            f"is a link to {real}, outside {folder}: the build reads only the project's own files; "
            "put the file itself in place of the link",
            path=path,
        )
    try:
        descriptor = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as problem:
        raise error(f"cannot be read: {problem.strerror}", path=path) from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):  # before fdopen, which refuses a folder with IsADirectoryError
        os.close(descriptor)
        raise error(f"is {file_kind(mode)}, not a file: replace it with the file itself", path=path)
    with os.fdopen(descriptor, "rb") as file:
        return file.read(limit + 1)
