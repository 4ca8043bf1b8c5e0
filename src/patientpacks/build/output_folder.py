"""Which folder a build may write into, the lock that keeps a second build
out of it, and what the build may remove there.

A build writes only into a folder of its own: a new or empty one, or one an
earlier build of this tool wrote (its lock file or its manifest is there).
It refuses the root of the file system, the user's home folder and any folder
that holds it, and the project itself: its folder, any folder holding it, and
its packs/, templates/, locales/, brands/ and assets/ and anything inside
them. Writing there would mix leaflets with files this tool did not write,
or change the build's own inputs (a build into templates/ rebuilt every
leaflet every time).

Under the lock, the build removes the temporary files a killed build left,
and only those: regular files with the names this tool gives its temporary
files (output.TEMPORARY_NAME), in the folders this build writes into or its
manifest lists, never through a link. No other build can be writing into
those folders while the lock is held.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ..errors import OutputError, shown_path
from ..model import Project
from .manifest import looks_like_a_manifest
from .output import MANIFEST_NAME, TEMPORARY_NAME, open_folder

LOCK_NAME = ".patientpacks.lock"
_CHOOSE = "choose an empty or new folder for the leaflets (--out DIR)"


def refuse_unusable_output_folder(out_dir: Path, project: Project) -> None:
    """An OutputError, before anything is written, when ``out_dir`` is not a
    folder this build may write into (see above)."""
    problem = _why_not_usable(out_dir.resolve(), project)
    if problem:
        raise OutputError(problem, path=out_dir)


def _why_not_usable(folder: Path, project: Project) -> str | None:
    if folder == folder.parent:
        return f"is the root of the file system; {_CHOOSE}"
    home = Path(os.path.expanduser("~"))
    if home.is_absolute():
        home = home.resolve()
        if folder == home:
            return f"is your home folder; {_CHOOSE}, such as {home / 'leaflets'}"
        if folder in home.parents:
            return f"holds your home folder ({home}); {_CHOOSE}"
    root = project.root.resolve()
    if folder == root:
        return f"is the project folder itself; {_CHOOSE}, such as {root / 'dist'} (the default)"
    if folder in root.parents:
        return f"holds the project folder ({root}); {_CHOOSE}, such as {root / 'dist'} (the default)"
    for source in (project.packs_dir, project.templates_dir, project.locales_dir, project.brands_dir,
                   project.assets_dir):  # fmt: skip
        source = source.resolve()
        if folder == source or source in folder.parents or folder in source.parents:
            where = "is" if folder == source else "is inside" if source in folder.parents else "holds"
            return (
                f"{where} the project's {source.name}/ folder, which the build reads its inputs from; "
                f"{_CHOOSE}, such as {root / 'dist'} (the default)"
            )
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return None  # a new folder
    except NotADirectoryError:
        return f"is not a folder; {_CHOOSE}"
    except OSError as error:
        return f"cannot be read: {error.strerror}"
    if names and not _written_by_this_tool(folder):
        return (
            f"holds files this tool did not write (it has no {MANIFEST_NAME} of patientpacks); "
            f"{_CHOOSE}, or move those files away"
        )
    return None


def _written_by_this_tool(folder: Path) -> bool:
    """Whether a build of this tool wrote here: its lock file (every build
    makes one) or its manifest (a folder put together from shards' builds
    may have only that)."""
    lock = folder / LOCK_NAME
    return (lock.is_file() and not lock.is_symlink()) or looks_like_a_manifest(folder / MANIFEST_NAME)


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Refuse a second build into the same output folder while one runs.

    The lock file is opened read-only, without following a link and without
    truncating it: a lock file replaced by a link is refused, and what the
    link points to is left untouched (it was truncated by ``open("w")``)."""
    path = out_dir / LOCK_NAME
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot create the output folder: {error.strerror}", path=out_dir) from None
    try:
        # O_NONBLOCK: a FIFO put in the lock file's place must not hang the build.
        flags = os.O_RDONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        descriptor = os.open(path, flags, 0o644)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise OutputError(
                "is a symbolic link, not this tool's lock file; the build never opens it, so what it "
                "points to is untouched: remove the link",
                path=path,
            ) from None
        raise OutputError(f"cannot create the lock file: {error.strerror}", path=path) from None
    with os.fdopen(descriptor, "rb") as lock_file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OutputError("is not a file, so it cannot be this tool's lock file: move it away", path=path)
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                "another build is writing to this folder; wait for it to finish or use --out", path=out_dir
            ) from None
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def remove_stale_temporaries(out_dir: Path, folders: Iterable[str]) -> list[str]:
    """Remove the temporary files a killed build left in ``folders`` (each
    relative to ``out_dir``; "" is ``out_dir``); call it with the lock held.
    Returns a warning for each thing named like a temporary file that is not
    one (a folder, a link), which is left where it is."""
    warnings = []
    for relative in sorted(set(folders)):
        try:
            with open_folder(out_dir, relative) as folder:
                warnings += _remove_temporaries_in(folder, out_dir / relative)
        except (FileNotFoundError, OutputError):
            continue  # nothing written there yet; or a link, which writing into refuses, and says so
        except OSError as error:
            warnings.append(
                f"{shown_path(out_dir / relative)}: temporary files not removed: {error.strerror}"
            )
    return warnings


def _remove_temporaries_in(folder: int, shown: Path) -> list[str]:
    warnings = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if not TEMPORARY_NAME.fullmatch(entry.name):
                continue
            if entry.is_file(follow_symlinks=False):
                with suppress(FileNotFoundError):  # gone meanwhile
                    os.unlink(entry.name, dir_fd=folder)
            else:
                warnings.append(
                    f"{shown_path(shown / entry.name)}: left in place: it is named like this tool's "
                    f"temporary files, but it is {_kind(entry)}, which this tool never makes"
                )
    return warnings


def _kind(entry: os.DirEntry) -> str:
    if entry.is_symlink():
        return "a symbolic link"
    return "a folder" if entry.is_dir(follow_symlinks=False) else "no regular file"
