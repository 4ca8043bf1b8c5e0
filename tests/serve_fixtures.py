"""Fixtures for the web server's tests: one warm render pool for the test
run's process, a small build for the index to serve, and the application
over the example project (or a private copy of it)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from patientpacks import api
from patientpacks.serve.app import Settings, create_app

from .conftest import REPO, build_examples

#: The leaflet a small build holds: the index shows its picture.
BUILT = {"packs": ("aftercare-card",), "locales": ("es",), "brands": ("harbour-lane-uk",)}
SNOMED_CT = "2.16.840.1.113883.6.96"
BOTULINUM_TOXIN_INJECTION = "442695005"


@pytest.fixture(scope="session")
def render_pool() -> Iterator[api.RenderPool]:
    """One warm worker for the whole run (starting one takes about 2 s)."""
    pool = api.RenderPool(api.open_project(REPO), workers=1, queue=4)
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def small_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One leaflet built, for the index and the EHR links to serve."""
    return build_examples(tmp_path_factory, "serve-dist", **BUILT)


def client_for(project: Path, out_dir: Path, pool: api.RenderPool, token: str | None = None) -> TestClient:
    settings = Settings(project=api.open_project(project), out_dir=out_dir, token=token)
    return TestClient(create_app(settings, pool=pool), base_url="http://127.0.0.1:8000")


@pytest.fixture
def client(small_dist: Path, render_pool: api.RenderPool) -> Iterator[TestClient]:
    with client_for(REPO, small_dist, render_pool) as client:
        yield client


def csrf_token(client: TestClient) -> str:
    """The print form's token, as the front desk page gives it (and sets its cookie)."""
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/").text)[1]


def print_form(client: TestClient, **fields: str) -> dict[str, str]:
    return {
        "csrf_token": csrf_token(client), "pack": "aftercare-card", "locale": "es", "brand": "harbour-lane-uk",
        "edition": "standard", **fields,
    }  # fmt: skip
