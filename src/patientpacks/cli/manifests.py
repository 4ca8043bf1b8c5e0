"""``patientpacks merge-manifests``: one manifest from the shards' manifests."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import api
from ..errors import shown_path
from .common import EXIT_OK


def run(command: str, argv: list[str], project_root: Path | None) -> int:
    parser = argparse.ArgumentParser(
        prog="patientpacks merge-manifests",
        description="Merge the manifests of shards (built with --shard K/N) into one.",
    )
    parser.add_argument(
        "manifests", nargs="+", type=Path, metavar="MANIFEST", help="the shards' manifest.json files"
    )
    parser.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="where to write the merged manifest"
    )
    arguments = parser.parse_args(argv)
    count = api.merge_manifests(arguments.manifests, arguments.out)
    print(f"{count} leaflet(s) from {len(arguments.manifests)} manifest(s) -> {shown_path(arguments.out)}")
    return EXIT_OK
