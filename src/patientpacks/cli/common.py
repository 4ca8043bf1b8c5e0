"""What every command shares: exit statuses, the project folder, argument types."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from .. import api
from ..errors import PatientPacksError, UsageError
from ..model import Project

EXIT_OK = 0
#: A leaflet failed to build (or, with --strict, is a draft); check found problems.
EXIT_FAILED = 1
#: The command line is wrong: an unknown command, option, pack, brand or locale, a bad value.
EXIT_USAGE = 2
#: A project file or a manifest is invalid, or the output folder cannot be used: the command did not run.
EXIT_PROJECT = 3
#: Stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130

#: The table the README and ``--help`` print.
EXIT_CODES = {
    EXIT_OK: "done: every leaflet was built (drafts included, unless --strict)",
    EXIT_FAILED: "a leaflet failed to build, or --strict and a leaflet is a draft; check found a problem",
    EXIT_USAGE: "the command line is wrong (unknown command, option, pack, brand or locale; a bad value)",
    EXIT_PROJECT: "a project file or a manifest is invalid, or the output folder cannot be used; nothing was built",
    EXIT_INTERRUPTED: "stopped by Ctrl-C or SIGTERM; what was written is complete and in the manifest",
}

EXIT_STATUS_HELP = "exit status:\n" + "\n".join(
    f"  {code:<4} {meaning}" for code, meaning in EXIT_CODES.items()
)


def fail(error: PatientPacksError) -> int:
    """Print ``error`` as one line; return the exit status it calls for."""
    print(f"error: {error}", file=sys.stderr)
    return EXIT_USAGE if isinstance(error, UsageError) else EXIT_PROJECT


# --- The project ---------------------------------------------------------------

#: The example project of a source checkout (the repository's own packs/).
_EXAMPLES = Path(__file__).resolve().parents[3]


def add_project_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project",
        type=Path,
        metavar="DIR",
        help="the project folder (packs/, brands/, locales/...); default: the current folder when it has "
        "packs/, else the examples of this checkout",
    )


def resolve_project(arguments: argparse.Namespace, project_root: Path | None) -> Project:
    folder = project_root or arguments.project
    if folder is None:
        folder = Path.cwd() if (Path.cwd() / "packs").is_dir() else _EXAMPLES
        if not (folder / "packs").is_dir():
            raise UsageError("no project here: run in a folder that has packs/, or give --project DIR")
    return api.open_project(folder)


# --- Argument types: each says what it wants ---------------------------------
# The text is read here; what values are allowed, the build's options decide
# (api.check_*), so that the API refuses the same values the command line does.


def _allowed(check: Callable[..., object], *arguments: object) -> None:
    try:
        check(*arguments)
    except UsageError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def whole_number(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be a whole number from {low} to {high}, not {text!r}"
            ) from None
        _allowed(api.check_whole_number, value, low, high)
        return value

    return parse


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, not {text!r}") from None
    _allowed(api.check_seconds, value)
    return value


def shard(text: str) -> tuple[int, int]:
    try:
        number, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"use K/N, e.g. 2/4, not {text!r}") from None
    _allowed(api.check_shard, (number, count))
    return number, count


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
