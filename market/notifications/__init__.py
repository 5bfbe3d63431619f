"""Telling people: notifications of their matches (in-app and by email), the outbox the emails wait
in, the daily digest, and the jobs that send them (docs/notifications.md)."""
