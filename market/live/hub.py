"""The fan-out of one app instance: every open stream holds a bounded queue here.

On SQLite the hub hears the commits of this process (`events.LOCAL`). On PostgreSQL it keeps one
dedicated asyncpg connection LISTENing on `events.CHANNEL` (reconnecting when it drops, and reading
from the table what it missed meanwhile), so an event committed by any instance reaches the streams
of all. A stream too slow to keep up is closed: its client reconnects and resumes with Last-Event-ID.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from market.live import events

log = logging.getLogger("bourse.live")
QUEUE_SIZE = 200
CLOSED: dict[str, Any] = {}  # put in a subscriber's queue when the hub shuts down


class Hub:
    def __init__(self, database_url: str, engine_url: str) -> None:
        self.database_url = database_url
        self.engine_url = engine_url
        self.subscribers: set[asyncio.Queue[dict[str, Any]]] = set()
        self.closing = asyncio.Event()
        self.last_id = 0
        self._listener: asyncio.Task[None] | None = None
        self._reading = asyncio.Lock()  # one query at a time on the listening connection
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def on_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        if self.on_postgres:
            ready = asyncio.get_running_loop().create_future()
            self._listener = asyncio.create_task(self._listen(ready))
            await asyncio.wait([ready, self._listener], timeout=10, return_when=asyncio.FIRST_COMPLETED)
        else:
            events.LOCAL.setdefault(self.engine_url, set()).add(self.hand_on)

    def subscribe(self) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)
        self.subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        self.subscribers.discard(queue)

    def publish(self, item: dict[str, Any]) -> None:
        self.last_id = max(self.last_id, int(item["id"]))
        for queue in list(self.subscribers):
            try:
                queue.put_nowait(item)
            except asyncio.QueueFull:
                self._drop(queue)

    def hand_on(self, item: dict[str, Any]) -> None:
        """`publish` from a commit of this process, maybe made on another thread or event loop."""
        try:
            same_loop = asyncio.get_running_loop() is self._loop
        except RuntimeError:
            same_loop = False
        if same_loop or self._loop is None:
            self.publish(item)
        elif not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self.publish, item)

    def _drop(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        self.subscribers.discard(queue)
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(CLOSED)

    def close(self) -> None:
        """Ends every stream (each gets CLOSED); new streams are refused from now on."""
        self.closing.set()
        for queue in list(self.subscribers):
            self._drop(queue)

    async def stop(self) -> None:
        self.close()
        events.LOCAL.get(self.engine_url, set()).discard(self.hand_on)
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener

    async def _listen(self, ready: asyncio.Future[None]) -> None:
        import asyncpg  # only on PostgreSQL

        dsn = self.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
        delay = 0.5
        while not self.closing.is_set():
            connection = None
            try:
                connection = await asyncpg.connect(dsn)
                lost = asyncio.Event()
                connection.add_termination_listener(lambda _c, lost=lost: lost.set())
                await connection.add_listener(events.CHANNEL, self._heard)
                if self.last_id:  # what was committed while we were not listening
                    await self._catch_up(connection)
                else:
                    self.last_id = int(await connection.fetchval("SELECT coalesce(max(id), 0) FROM live_events"))
                if not ready.done():
                    ready.set_result(None)
                delay = 0.5
                await lost.wait()
                log.warning("live events: the listening connection was lost, reconnecting")
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("live events: cannot listen (%s), retrying in %.1f s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 15)
            finally:
                if connection is not None and not connection.is_closed():
                    with contextlib.suppress(Exception):
                        await asyncio.shield(connection.close(timeout=2))

    def _heard(self, connection: Any, _pid: int, _channel: str, payload: str) -> None:
        item = json.loads(payload)
        if "kind" in item:
            self.publish(item)
        else:  # too large for NOTIFY: read it from the table
            asyncio.get_running_loop().create_task(self._read(connection, int(item["id"]) - 1, int(item["id"])))

    async def _catch_up(self, connection: Any) -> None:
        await self._read(connection, self.last_id, None)

    async def _read(self, connection: Any, after: int, upto: int | None) -> None:
        async with self._reading:
            rows = await connection.fetch(
                "SELECT id, kind, audience, data, created_at FROM live_events"
                " WHERE id > $1 AND ($2::int IS NULL OR id <= $2) ORDER BY id LIMIT $3", after, upto, events.KEEP)
        for row in rows:
            self.publish({"id": row["id"], "kind": row["kind"], "audience": _json(row["audience"]),
                          "data": _json(row["data"]), "at": row["created_at"].isoformat()})


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value
