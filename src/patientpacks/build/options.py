"""What a build is asked to do: which leaflets, where, with how many workers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .. import clock
from ..jobs import STANDARD_EDITION, Edition


@dataclass(frozen=True)
class Limits:
    """Per-leaflet limits: wall-clock seconds, and the worker's address space."""

    seconds: float = 120.0
    memory_mb: int = 2048


@dataclass(frozen=True)
class BuildOptions:
    out_dir: Path
    packs: tuple[str, ...] = ()
    locales: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    jobs: int = 1
    write_html: bool = False
    #: The day review dates are checked against (SOURCE_DATE_EPOCH, else today).
    today: date = field(default_factory=clock.today)
    limits: Limits = field(default_factory=Limits)
    #: Rebuild every leaflet, even those whose inputs and PDF are unchanged.
    force: bool = False
    #: (K, N): build only the K-th of N deterministic shards (1-based).
    shard: tuple[int, int] | None = None
    #: The editions of every leaflet to build (see jobs.Edition).
    editions: tuple[Edition, ...] = (STANDARD_EDITION,)
