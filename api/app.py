"""create_app(settings): the Litestar application, built fresh for each test."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import anyio
from advanced_alchemy.extensions.litestar import AsyncSessionConfig, SQLAlchemyAsyncConfig, SQLAlchemyPlugin
from advanced_alchemy.extensions.litestar.store import SQLAlchemyStore
from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.logging import LoggingConfig
from litestar.middleware import DefineMiddleware
from litestar.middleware.session import SessionMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.static_files import create_static_files_router

from admin.routes import ROUTES as ADMIN_ROUTES
from admin.routes import TEMPLATES as ADMIN_TEMPLATES
from api.bodies import guard_request
from api.controllers.accounts import (
    AuthController,
    InvitationController,
    MeController,
    OrganisationController,
    PlatformRoleController,
)
from api.controllers.events import live_events, start_live, stop_live
from api.controllers.health import health
from api.controllers.listings import CONTROLLERS
from api.controllers.matches import ROUTER as MATCHES
from api.controllers.moderation import ModerationController
from api.controllers.notifications import (
    NotificationController,
    confirm_fresh,
    confirm_search,
    save_search,
    unsubscribe,
)
from api.controllers.pledges import PLEDGE_HANDLERS
from api.controllers.reference import get_vocabulary, search_territories
from api.deps import provide_embedder, provide_payments, provide_pools, provide_settings, provide_territory_index
from api.errors import database_unavailable
from api.guards import credentials_first
from api.identity import provide_identity
from api.openapi import HonestJsonRenderPlugin, HonestSwaggerRenderPlugin
from api.pages import PAGES, template_config
from api.pages.accounts import account_pages
from api.pages.errors import handle as handle_error
from api.security import auth_rate_limit, csrf_middleware, mask_tokens_in_access_logs, security_headers
from api.sessions import DatabaseSessionBackend, session_config
from api.transaction import commit_before_send
from market.accounts.session_models import StoreItem, WebSession
from market.config import VERSION, Settings
from market.db import create_engine
from market.matches import ranking
from market.matches.pools import CandidatePools
from market.matches.vectors import model_id
from market.notifications import scheduler
from market.pledges.payments import StripeGateway
from matching.semantic import load_embedder

log = logging.getLogger("bourse.app")
STATIC = Path(__file__).parent / "static"
VENDOR = "/static/vendor/swagger-ui-dist"


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    mask_tokens_in_access_logs()
    engine = create_engine(settings)
    db_config = SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        set_default_exception_handler=False,
    )
    # the config makes its scope key unique per instance (several apps in one process, as in the tests)
    db_config.before_send_handler = commit_before_send(handle_error, db_config.session_scope_key)

    sessions = DatabaseSessionBackend(
        config=session_config(secure=not settings.is_development, max_age=settings.session_max_age),
        alchemy_config=db_config, model=WebSession,
    )

    async def load_model(app: Litestar) -> None:
        app.state.embedder = await anyio.to_thread.run_sync(load_embedder, settings.embedding_model)

    async def forget_expired_sessions(app: Litestar) -> None:
        try:
            await sessions.delete_expired()
        except Exception as exc:  # the database may be down at start: serve 503s, not a crash loop
            if not database_unavailable(exc):
                raise
            log.warning("database unavailable at start-up (%s): expired sessions kept", type(exc).__name__)

    async def warm_pools(app: Litestar) -> None:
        """The first matches request after a start would build the candidate pools: build them now."""
        try:
            async with db_config.get_session() as session:
                await ranking.warm(session, app.state.pools, model_id(app.state.embedder))
        except Exception as exc:  # the database may be down or not migrated yet: the first request builds them
            log.warning("candidate pools not built at start-up (%s)", type(exc).__name__)

    async def territory_lock(app: Litestar) -> None:
        app.state.territory_lock = asyncio.Lock()  # of this event loop (a test may start the app again)

    async def close_payments(app: Litestar) -> None:
        await app.state.payments.close()

    async def start_jobs(app: Litestar) -> None:
        if settings.runs_jobs_in_process:  # SQLite: the outbox and digest jobs run inside the app
            app.state.jobs = asyncio.create_task(scheduler.run_forever(db_config.get_engine(), settings))

    async def stop_jobs(app: Litestar) -> None:
        task = app.state.get("jobs")
        if task is not None:
            task.cancel()

    return Litestar(
        route_handlers=[
            health,
            live_events,
            get_vocabulary,
            search_territories,
            *CONTROLLERS,
            MATCHES,
            *PLEDGE_HANDLERS,
            Router(path="/", route_handlers=[AuthController], middleware=[auth_rate_limit(settings)]),
            MeController,
            InvitationController,
            OrganisationController,
            PlatformRoleController,
            ModerationController,
            NotificationController,
            unsubscribe,
            save_search,
            confirm_search,
            confirm_fresh,
            create_static_files_router(path="/static", directories=[STATIC], include_in_schema=False),
            *PAGES,
            account_pages(settings),
            *ADMIN_ROUTES,
        ],
        template_config=template_config(settings, ADMIN_TEMPLATES),
        plugins=[SQLAlchemyPlugin(config=db_config)],
        middleware=[csrf_middleware(settings), DefineMiddleware(SessionMiddleware, backend=sessions)],
        before_request=guard_request,
        guards=[credentials_first(db_config)],
        before_send=[security_headers(settings)],
        stores={
            "rate_limit": SQLAlchemyStore(db_config, model=StoreItem, namespace="rate_limit"),
        },
        dependencies={
            "settings": Provide(provide_settings, sync_to_thread=False),
            "territory_index": Provide(provide_territory_index),
            "embedder": Provide(provide_embedder, sync_to_thread=False),
            "identity": Provide(provide_identity),
            "pools": Provide(provide_pools, sync_to_thread=False),
            "payments": Provide(provide_payments, sync_to_thread=False),
        },
        exception_handlers={Exception: handle_error},
        # App-wide state: the model (loaded at start-up), the territory index (built by the
        # first search, one build at a time), the candidate pools of the matching engine, the
        # Stripe gateway, the live events' hub (made at start-up, api/controllers/events.py) and the
        # engine URL its in-process fan-out keys on.
        state=State({"settings": settings, "embedder": None, "territory_index": None, "pools": CandidatePools(),
                     "payments": StripeGateway(settings), "live_engine_url": str(engine.url)}),
        on_startup=[load_model, forget_expired_sessions, warm_pools, territory_lock, start_jobs, start_live],
        on_shutdown=[stop_live, stop_jobs, close_payments],
        openapi_config=OpenAPIConfig(
            title="Bourse aux initiatives",
            version=VERSION,
            description="API publique de la bourse aux initiatives de la transition écologique et sociale.",
            path="/schema",
            render_plugins=[
                HonestJsonRenderPlugin(),
                HonestSwaggerRenderPlugin(
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
            # SQL statements (parameters hidden) only with SQL_ECHO; aiosqlite logs every statement with
            # its parameters at DEBUG, which SQLAlchemy's hide_parameters does not reach: never below WARNING.
            loggers={"sqlalchemy.engine": {"level": "INFO" if settings.sql_echo else "WARNING"},
                     "aiosqlite": {"level": "WARNING"}},
            log_exceptions="never",
        ),
        debug=False,
    )
