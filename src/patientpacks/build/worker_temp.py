"""Each worker's temporary files, in a folder its build (or server) removes.

WeasyPrint copies every ``@font-face`` font of a document into a folder it
makes with ``tempfile.mkdtemp`` (``FontConfiguration``) and removes it only
in ``__del__``, which never runs in a worker that is stopped at its time
limit, killed, or retired after its share of leaflets: each such worker left
a ``weasyprint-*`` folder of about 4 MB in /tmp, tens of gigabytes after a
day of builds and tests on this project's CI machine. So a build or a server
makes one folder, every worker it starts makes its temporary files in a
subfolder named by its process id, the folder of a worker that has ended is
removed as soon as it is seen (``sweep``), and the whole folder when the
build or server ends (``close``). The folder is named by the build's own
process id too: one left by a build that was killed outright (SIGKILL
leaves it no time to clean up) is removed by the next build.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

_PREFIX = "patientpacks-workers-"


class WorkerTemp:
    """The temporary folder of one build's or one server's workers."""

    def __init__(self) -> None:
        for left in Path(tempfile.gettempdir()).glob(f"{_PREFIX}*-*"):
            owner = left.name.removeprefix(_PREFIX).split("-", 1)[0]
            if owner.isdigit() and not _alive(int(owner)):
                shutil.rmtree(left, ignore_errors=True)
        self.root = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-"))

    def sweep(self) -> None:
        """Remove the folders of the workers that have ended."""
        for folder in self.root.iterdir():
            if folder.name.isdigit() and not _alive(int(folder.name)):
                shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def use_worker_temp(root: Path) -> None:
    """In a worker, as it starts: its temporary files (WeasyPrint's fonts
    among them) go in a folder of its own under ``root``."""
    folder = root / str(os.getpid())
    folder.mkdir(mode=0o700, exist_ok=True)
    tempfile.tempdir = str(folder)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process now has that number: not ours to judge
    return True
