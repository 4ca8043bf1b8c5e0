"""``patientpacks preview LOCALE``: the translator's preview of a language,
in the browser (the front desk server on this machine, at
``/preview/LOCALE``), following saves to its catalogue; with ``--out DIR``,
the preview PDFs written to a folder instead. A preview is never a leaflet:
it is marked so on every page and never written to a build's folder."""

from __future__ import annotations

import argparse
import webbrowser
from pathlib import Path

from .common import EXIT_OK, add_project_argument, resolve_project, whole_number


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="patientpacks preview",
        description="See a language's leaflets as laid out now, however little is translated, with every "
        "message not printed as translated highlighted (see the README's Translator preview).",
    )
    add_project_argument(parser)
    parser.add_argument("locale", metavar="LOCALE", help="the language to preview (it, es, pt_BR...)")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="write the preview PDFs (PACK.LOCALE.preview.pdf) to DIR instead of opening the browser")  # fmt: skip
    parser.add_argument(
        "--brand", default=None, help="the clinic whose leaflets to preview (default: the first)"
    )
    parser.add_argument("--port", type=whole_number(1, 65535), default=8001, help="default: %(default)s")
    parser.add_argument("--no-browser", action="store_true", help="print the page's address, do not open it")
    return parser


def run(command: str, argv: list[str], project_root: Path | None) -> int:
    arguments = make_parser().parse_args(argv)
    project = resolve_project(arguments, project_root)
    from .. import api

    if arguments.out is not None:
        for path in api.write_previews(project, arguments.locale, arguments.out, brand=arguments.brand):
            print(f"preview written: {path} (PREVIEW — not for patients)")
        return EXIT_OK
    api.preview_version(
        project, arguments.locale
    )  # a locale with no catalogue: said before the server starts
    from .serve import run_server, server_modules

    settings_type, create_app = server_modules(command)
    settings = settings_type(project=project, out_dir=(project.root / "dist").resolve(), workers=1, queue=2)
    brand = f"?brand={arguments.brand}" if arguments.brand else ""
    url = f"http://127.0.0.1:{arguments.port}/preview/{arguments.locale}{brand}"
    return run_server(
        create_app(settings), "127.0.0.1", arguments.port,
        f"patientpacks preview: {url} (it follows saves to the catalogue; Ctrl-C stops it)",
        on_started=(lambda: None) if arguments.no_browser else (lambda: webbrowser.open(url)),
    )  # fmt: skip
