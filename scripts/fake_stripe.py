"""localstripe, the fake Stripe server, on loopback only and in memory.

`python -m localstripe` listens on every interface and pickles its store to /tmp/localstripe.pickle,
shared by every instance on the machine; this launcher binds 127.0.0.1 and keeps the store in memory,
so `make stripe-dev` and the test fixtures never see each other's data.

    python scripts/fake_stripe.py --port 8420 [--webhook-url http://127.0.0.1:8000/api/stripe/webhook]

With --webhook-url, localstripe posts the events it emits (payment_intent.succeeded and
payment_intent.payment_failed) there, signed with --webhook-secret (STRIPE_WEBHOOK_SECRET's
development default).
"""

from __future__ import annotations

import argparse
import asyncio
import logging

from aiohttp import web
from localstripe import resources, webhooks
from localstripe.server import app

DEVELOPMENT_WEBHOOK_SECRET = "whsec_dev_localstripe"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--webhook-url", default="")
    parser.add_argument("--webhook-secret", default=DEVELOPMENT_WEBHOOK_SECRET)
    args = parser.parse_args()
    resources.store.dump_to_disk = lambda: None  # in memory only
    if args.webhook_url:
        webhooks.register_webhook("bourse", args.webhook_url, args.webhook_secret, None)
    logging.basicConfig(level=logging.WARNING)
    asyncio.set_event_loop(asyncio.new_event_loop())
    web.run_app(app, host=args.host, port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
