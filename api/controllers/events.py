"""GET /api/events: live activity as server-sent events (docs/notifications.md, « Live activity »).

Everyone receives the public events; a signed-in person also those of their own listings and
matches, as decided when the stream opens. `Last-Event-ID` (sent again by EventSource when it
reconnects), or `?after=` on a first connection, first replays what followed that event from the
recent ones kept in the database. A
comment goes out every `live_heartbeat` seconds (15 by default) so proxies keep the line open. When
the server is asked to stop, every stream ends at once and its client reconnects elsewhere.
"""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import AsyncIterator
from typing import Annotated, Any

from litestar import Litestar, Request, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from litestar.response import ServerSentEvent
from litestar.response.sse import ServerSentEventMessage
from sqlalchemy.ext.asyncio import AsyncSession

from api.identity import IdentityDep
from market.access import Identity
from market.errors import InvalidField, ServiceUnavailable
from market.live import events
from market.live.hub import CLOSED, Hub

HEARTBEAT_SECONDS = 15.0
RETRY_MS = 3000
REPLAY = 200  # at most this many missed events are replayed on reconnection
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@get("/api/events", tags=["activity"], summary="Activité en direct (server-sent events)",
     media_type="text/event-stream",
     description="Flux `text/event-stream` : chaque événement a un `id`, un type (`event:` : listing_published, "
                 "partnership, pledge_settled pour tous ; listing_moderated, match_moved pour les membres des "
                 "annonces concernées) et un objet JSON en `data:`. L'en-tête `Last-Event-ID` reprend après cet "
                 "événement. Un commentaire est envoyé toutes les 15 s.",
     responses={200: ResponseSpec(data_container=str, media_type="text/event-stream",
                                  description="Flux d'événements (text/event-stream)", generate_examples=False)})
async def live_events(request: Request[Any, Any, Any], state: State, db_session: AsyncSession, identity: IdentityDep,
                      last_event_id: Annotated[str | None, Parameter(header="Last-Event-ID", required=False,
                                                                     description="reprendre après cet événement")]
                      = None,
                      after: Annotated[str | None, Parameter(query="after", required=False,
                                                             description="comme Last-Event-ID, pour une première "
                                                                         "connexion (EventSource n'envoie pas "
                                                                         "d'en-tête) ; l'en-tête l'emporte")]
                      = None) -> ServerSentEvent:
    hub: Hub = state.live
    if hub.closing.is_set():
        raise ServiceUnavailable("le serveur s'arrête : reconnectez-vous dans un instant")
    since = _event_id(last_event_id, "Last-Event-ID", "header")
    if since is None:
        since = _event_id(after, "after", "query")
    queue = hub.subscribe()  # before reading the backlog, so nothing falls between the two
    try:
        backlog = await events.recent(db_session, identity, after=since, limit=REPLAY) if since is not None else []
    except BaseException:
        hub.unsubscribe(queue)
        raise
    heartbeat = float(state.get("live_heartbeat", HEARTBEAT_SECONDS))
    return ServerSentEvent(_stream(hub, queue, backlog, identity, heartbeat),
                           headers={"X-Accel-Buffering": "no", "Cache-Control": "no-cache"})


def _event_id(value: str | None, field: str, source: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise InvalidField(f"{field} : l'identifiant d'un événement reçu (un entier) est attendu",
                           field=field, source=source)
    return int(value)


async def _stream(hub: Hub, queue: asyncio.Queue[dict[str, Any]], backlog: list[dict[str, Any]],
                  identity: Identity | None, heartbeat: float) -> AsyncIterator[ServerSentEventMessage]:
    try:
        yield ServerSentEventMessage(data=None, comment="activité de la bourse", retry=RETRY_MS)
        replayed = {item["id"] for item in backlog}
        for item in backlog:
            yield _message(item)
        while True:
            try:
                item = await asyncio.wait_for(queue.get(), timeout=heartbeat)
            except TimeoutError:
                yield ServerSentEventMessage(data=None, comment="ping")
                continue
            if item is CLOSED:
                return
            if item["id"] not in replayed and events.visible(item, identity):
                yield _message(item)
    finally:
        hub.unsubscribe(queue)


def _message(item: dict[str, Any]) -> ServerSentEventMessage:
    return ServerSentEventMessage(data=json.dumps(events.public(item), ensure_ascii=False, separators=(",", ":")),
                                  event=item["kind"], id=item["id"])


async def start_live(app: Litestar) -> None:
    settings = app.state.settings
    engine = app.state.get("live_engine_url") or ""
    app.state.live = hub = Hub(settings.database_url, engine)
    await hub.start()
    _end_streams_on_stop_signal(app, hub)


async def stop_live(app: Litestar) -> None:
    for sig, previous in app.state.pop("live_signals", {}).items():
        signal.signal(sig, previous)
    await app.state.live.stop()


def _end_streams_on_stop_signal(app: Litestar, hub: Hub) -> None:
    """uvicorn waits for open responses to finish before it shuts the app down, and a stream never
    finishes by itself: its stop signals end the streams first, then go on to uvicorn's own handler."""
    loop = asyncio.get_running_loop()
    kept: dict[int, Any] = {}
    for sig in STOP_SIGNALS:
        previous = signal.getsignal(sig)
        if not callable(previous):
            continue

        def handler(number: int, frame: Any, previous: Any = previous) -> None:
            loop.call_soon_threadsafe(hub.close)
            previous(number, frame)

        try:
            signal.signal(sig, handler)
        except ValueError:  # not the main thread (a test client): the lifespan shutdown closes the hub
            return
        kept[sig] = previous
    app.state.live_signals = kept
