"""The command line: ``patientpacks [COMMAND] [OPTIONS]``.

The same program runs as ``patientpacks`` (the console script),
``python -m patientpacks`` and ``python build_pdfs.py``. With no command, or
with options only, it builds. Each command is parsed in its own module and
calls the package; this module only picks the command and the project, and
turns a problem into one line and an exit status (see EXIT_CODES).
"""

from __future__ import annotations

import difflib
import os
import sys
from pathlib import Path

from ..errors import PatientPacksError, UsageError
from .common import EXIT_CODES, EXIT_INTERRUPTED, EXIT_OK, fail

#: Each command and its module (imported only to run it: a build does not
#: load Babel's catalogue front end or textstat, 0.07 s of start-up).
COMMANDS = {
    "build": "build",
    "extract": "translate",
    "update": "translate",
    "init": "translate",
    "stats": "translate",
    "check": "translate",
    "review": "translate",
    "signoff": "translate",
    "pseudo": "translate",
    "export-xliff": "translate",
    "import-xliff": "translate",
    "merge-manifests": "manifests",
    "serve": "serve",
    "preview": "preview",
}

__all__ = ["COMMANDS", "EXIT_CODES", "main"]


def main(argv: list[str] | None = None, project_root: Path | None = None) -> int:
    """Run one command; return its exit status. ``project_root`` is the
    project folder when the caller already knows it (the tests do); else
    ``--project``, else the current folder when it holds ``packs/``, else the
    examples of a source checkout."""
    argv = sys.argv[1:] if argv is None else list(argv)
    # `--project DIR` may come before the command too.
    leading: list[str] = []
    while argv and (argv[0] == "--project" or argv[0].startswith("--project=")):
        taken = 1 if "=" in argv[0] else 2
        leading, argv = leading + argv[:taken], argv[taken:]
    command = argv[0] if argv and not argv[0].startswith("-") else "build"
    argv = [*leading, *(argv[1:] if argv and argv[0] == command else argv)]
    if command not in COMMANDS:
        suggestion = difflib.get_close_matches(command, COMMANDS, n=1)
        hint = f"; did you mean {suggestion[0]!r}?" if suggestion else f" (commands: {', '.join(COMMANDS)})"
        return fail(UsageError(f"unknown command {command!r}{hint}"))
    try:
        module = __import__(f"{__name__}.{COMMANDS[command]}", fromlist=["run"])
        return module.run(command, argv, project_root)
    except PatientPacksError as error:
        return fail(error)
    except KeyboardInterrupt:  # a command without its own stop handling (extract, update...)
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `patientpacks stats | head`: the reader has what it wanted. Point
        # stdout at nothing so that Python's exit does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
