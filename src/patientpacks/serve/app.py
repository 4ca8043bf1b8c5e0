"""The application: its settings, what it keeps while it runs, its parts.

What it keeps: the project's plan (until an input file changes), each blank
leaflet's status, pictures of built leaflets' first pages, a secret for its
cookies. What it never keeps: anything of a patient's. The print form's
values are read from the request body, given to a render worker with the
leaflet's choice, printed into the PDF bytes returned, and dropped with the
response: not written to disk, not logged (security.py's access log names
no query string or field), not cached (``Cache-Control: no-store``).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import api
from ..errors import PatientPacksError
from . import preview, routes
from .pages import choose_language, make_pages
from .security import GuardMiddleware, Secrets
from .views import Views

#: The largest request body (the print form is under 12 kB when every field
#: is full of four-byte characters, percent-encoded); more gets 413.
MAX_BODY_BYTES = 32 * 1024


@dataclass(frozen=True)
class Settings:
    project: api.Project
    #: The build the index and the Infobutton's links serve (its manifest).
    out_dir: Path
    #: The access token (None: no token; only on 127.0.0.1, see cli/serve.py).
    token: str | None = None
    workers: int = 2
    #: Leaflets that may wait for a worker; one more is answered 503.
    queue: int = 8
    limits: api.Limits = field(default_factory=api.Limits)
    #: The names a request may give in its Host header (None: any, for a server
    #: that an access token guards). Without a token the server answers only to
    #: this machine's own names: a page of another site whose name was made to
    #: point at 127.0.0.1 (DNS rebinding) would otherwise be same-origin with it
    #: and could print, and the Infobutton's links would be built on its name.
    allowed_hosts: tuple[str, ...] | None = ("127.0.0.1", "localhost")


def create_app(settings: Settings, pool: api.RenderPool | None = None) -> Starlette:
    """The server's ASGI application. It starts ``settings.workers`` render
    workers at start-up and stops them at shutdown (or uses ``pool``, which
    the caller then owns: the tests share one)."""
    secrets_ = Secrets(settings.token)
    views = Views(settings.project, settings.out_dir)
    pages = make_pages()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        own = pool is None
        views.pool = pool or api.RenderPool(
            settings.project, workers=settings.workers, limits=settings.limits, queue=settings.queue
        )
        try:
            yield
        finally:
            if own:
                views.pool.close()

    app = Starlette(
        routes=[
            Route("/", routes.front_desk),
            Route("/status", routes.status),
            Route("/print", routes.print_leaflet, methods=["POST"]),
            Route("/leaflets", routes.index),
            Route("/leaflets/{path:path}", routes.leaflet_pdf),
            Route("/thumbnails/{sha256}.png", routes.thumbnail),
            Route("/infobutton", routes.infobutton),
            Route("/sign-in", routes.sign_in, methods=["GET", "POST"]),
            *preview.ROUTES,
            Route("/interface-language", choose_language),
            Mount("/static", StaticFiles(packages=[("patientpacks.serve", "static")]), name="static"),
            # The project's fonts (OFL), for pages in scripts the system may lack.
            Mount("/fonts", StaticFiles(directory=settings.project.fonts_dir, check_dir=False), name="fonts"),
        ],
        middleware=[
            *(
                [Middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))]
                if settings.allowed_hosts is not None
                else []
            ),
            Middleware(GuardMiddleware, secrets_=secrets_),
        ],
        lifespan=lifespan,
        exception_handlers={PatientPacksError: routes.project_problem},
        max_body_size=MAX_BODY_BYTES,
    )
    app.state.views = views
    app.state.secrets = secrets_
    app.state.pages = pages
    app.state.settings = settings
    return app
