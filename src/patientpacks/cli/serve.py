"""``patientpacks serve``: the front desk web server over a project folder
(see ``patientpacks.serve``), until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import signal
import sys
from pathlib import Path

from ..errors import UsageError
from .common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    add_project_argument,
    resolve_project,
    seconds,
    whole_number,
)

#: The shortest access token the server takes: 16 characters of a password
#: manager's choosing are beyond guessing over the network.
MIN_TOKEN_LENGTH = 16


def make_parser() -> argparse.ArgumentParser:
    from ..api import Limits

    parser = argparse.ArgumentParser(
        prog="patientpacks serve",
        description="The front desk: print a leaflet filled in for one patient from a browser, "
        "an index of every leaflet, and an HL7 Infobutton endpoint for EHRs (see the README's Front desk).",
    )
    add_project_argument(parser)
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="the build whose leaflets the index and the EHR links serve (default: dist/ in the project)")  # fmt: skip
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address to listen on (default: 127.0.0.1, this machine only; any other needs --token)")  # fmt: skip
    parser.add_argument("--port", type=whole_number(1, 65535), default=8000, help="default: %(default)s")
    parser.add_argument("--token", default=None,
                        help="the access token every request must carry (default: $PATIENTPACKS_TOKEN)")  # fmt: skip
    parser.add_argument("--workers", type=whole_number(1, 64), default=2, metavar="N",
                        help="render worker processes (default: %(default)s)")  # fmt: skip
    parser.add_argument("--queue", type=whole_number(0, 1000), default=8, metavar="N",
                        help="leaflets that may wait for a worker; one more is answered 503 (default: %(default)s)")  # fmt: skip
    parser.add_argument("--time-limit", type=seconds, default=Limits.seconds, metavar="SECONDS",
                        help="stop a leaflet that takes longer (default: %(default)s)")  # fmt: skip
    parser.add_argument("--memory-limit", type=whole_number(256, 1_048_576), default=Limits.memory_mb, metavar="MB",
                        help="stop a leaflet whose worker needs more memory (default: %(default)s)")  # fmt: skip
    return parser


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def access_token(host: str, given: str | None) -> str | None:
    """The token to require, or None on this machine only; a UsageError for
    another address without one, or a token too short to be safe."""
    token = given if given is not None else os.environ.get("PATIENTPACKS_TOKEN") or None
    if token is None and not is_loopback(host):
        raise UsageError(
            f"--host {host}: other machines could reach the server, so it needs an access token: "
            "give --token or set PATIENTPACKS_TOKEN"
        )
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        raise UsageError(f"--token: at least {MIN_TOKEN_LENGTH} characters, not {len(token)}")
    return token


def run(command: str, argv: list[str], project_root: Path | None) -> int:
    arguments = make_parser().parse_args(argv)
    token = access_token(arguments.host, arguments.token)
    project = resolve_project(arguments, project_root)
    try:
        import uvicorn

        from ..serve.app import Settings, create_app
    except ImportError as error:
        raise UsageError(
            f"patientpacks serve needs the web server's libraries ({error.name} is missing): "
            "install them with `pip install 'patientpacks[serve]'` (the set-up does)"
        ) from None
    from ..api import Limits

    settings = Settings(
        project=project, out_dir=(arguments.out or project.root / "dist").resolve(), token=token,
        workers=arguments.workers, queue=arguments.queue,
        limits=Limits(seconds=arguments.time_limit, memory_mb=arguments.memory_limit),
    )  # fmt: skip
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    config = uvicorn.Config(
        create_app(settings), host=arguments.host, port=arguments.port,
        # The server's own access log (security.py) names no query string:
        # uvicorn's would print the Infobutton's, with the patient's age and sex.
        access_log=False, log_config=None, server_header=False, timeout_graceful_shutdown=10,
    )  # fmt: skip
    print(
        f"patientpacks serve: the front desk is at http://{_url_host(arguments.host)}:{arguments.port}/ (Ctrl-C stops it)"
    )
    # uvicorn handles Ctrl-C and SIGTERM itself (it stops taking requests,
    # finishes those in hand, and the application ends its workers), then
    # raises the signal again for the handler it found: this one, which
    # turns it into the exit status every command has for a stop.
    stopped: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda signum, frame: stopped.append(signum))
    try:
        uvicorn.Server(config).run()
    except SystemExit:  # it could not start (the port in use, say): uvicorn said why
        return EXIT_FAILED
    if stopped:
        print("patientpacks serve: stopped", file=sys.stderr)
    return EXIT_INTERRUPTED


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
