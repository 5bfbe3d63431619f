"""Live activity: the events `GET /api/events` streams (docs/notifications.md, « Live activity »).

`events` records them in the transaction of the change they tell of and hands them on only once it
commits; `hub` fans them out to the open streams of this app instance (in-process on SQLite,
through PostgreSQL LISTEN/NOTIFY on PostgreSQL so that every instance hears every event)."""
