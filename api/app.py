"""create_app(settings): the Litestar application, built fresh for each test."""

from __future__ import annotations

import logging
from pathlib import Path

import anyio
from advanced_alchemy.extensions.litestar import AsyncSessionConfig, SQLAlchemyAsyncConfig, SQLAlchemyPlugin
from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.logging import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router

from api.controllers.health import health
from api.controllers.listings import CONTROLLERS
from api.controllers.matches import ROUTER as MATCHES
from api.controllers.pledges import PLEDGE_HANDLERS, close_payments
from api.controllers.reference import get_vocabulary, search_territories
from api.deps import provide_embedder, provide_settings, provide_territory_index
from api.errors import EXCEPTION_HANDLERS
from market.config import VERSION, Settings
from market.db import create_engine
from matching.semantic import load_embedder

STATIC = Path(__file__).parent / "static"
VENDOR = "/static/vendor/swagger-ui-dist"


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    db_config = SQLAlchemyAsyncConfig(
        engine_instance=create_engine(settings),
        session_config=AsyncSessionConfig(expire_on_commit=False),
        before_send_handler="autocommit",
        set_default_exception_handler=False,
    )

    async def load_model(app: Litestar) -> None:
        app.state.embedder = await anyio.to_thread.run_sync(load_embedder, settings.embedding_model)

    return Litestar(
        route_handlers=[
            health,
            get_vocabulary,
            search_territories,
            *CONTROLLERS,
            MATCHES,
            *PLEDGE_HANDLERS,
            create_static_files_router(path="/static", directories=[STATIC], include_in_schema=False),
        ],
        plugins=[SQLAlchemyPlugin(config=db_config)],
        dependencies={
            "settings": Provide(provide_settings, sync_to_thread=False),
            "territory_index": Provide(provide_territory_index),
            "embedder": Provide(provide_embedder, sync_to_thread=False),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        state=State({"settings": settings, "embedder": None}),
        on_startup=[load_model],
        on_shutdown=[close_payments],
        openapi_config=OpenAPIConfig(
            title="Bourse aux initiatives",
            version=VERSION,
            description="API publique de la bourse aux initiatives de la transition écologique et sociale.",
            path="/schema",
            render_plugins=[
                SwaggerRenderPlugin(
                    path="/",
                    js_url=f"{VENDOR}/swagger-ui-bundle.js",
                    css_url=f"{VENDOR}/swagger-ui.css",
                    standalone_preset_js_url=f"{VENDOR}/swagger-ui-standalone-preset.js",
                    favicon="<link rel='icon' href='data:,'>",
                )
            ],
        ),
        logging_config=LoggingConfig(
            root={"level": settings.log_level, "handlers": ["queue_listener"]},
            log_exceptions="never",
        ),
        debug=False,
    )


logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
