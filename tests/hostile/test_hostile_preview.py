"""Attacks on the translator's preview (serve/preview.py): a request names
the language whose files are watched and read, so a name that is no
catalogue's is refused before it becomes a path."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient


@pytest.mark.parametrize(
    "locale",
    [
        pytest.param("%2E%2E", id="the-parent-folder-watched-as-a-language"),
        pytest.param("templates", id="a-project-folder-named-as-a-language"),
    ],
)
def test_a_preview_event_stream_is_only_for_a_language_with_a_catalogue(
    client: TestClient, locale: str
) -> None:
    answer = client.get(f"/preview/{locale}/events?since=x")
    assert answer.status_code == 404
    assert "has no catalogue" in answer.text


def test_a_preview_page_is_only_for_a_language_with_a_catalogue(client: TestClient) -> None:
    answer = client.get("/preview/%2E%2E/aftercare-card")
    assert answer.status_code == 404
    assert "has no catalogue" in answer.text
