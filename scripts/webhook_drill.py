"""R12 as a recorded run: Stripe webhooks, bad, duplicated and reordered, over HTTP.

Serves the app (threaded, on a free loopback port) on its own freshly migrated
PostgreSQL database (``tm_webhook_drill`` by default, never a test lane's) and
delivers, as Stripe would:

1. deliveries with a missing, wrong-secret, expired, tampered or garbage signature;
2. distinct events, each delivered 5 times at the same moment;
3. whole subscription lives (created, updated, past due, active again, deleted) per
   organization, delivered all at once in a random order.

Prints what was sent, applied, recorded as duplicate or older, and refused, and
checks: refused deliveries changed nothing, each event applied once, and every
organization ends on its subscription's latest state. Exits 1 on any mismatch.

    python scripts/webhook_drill.py --events 20 --lives 20
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func  # noqa: E402
from sqlalchemy import select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from taskmanager import create_app  # noqa: E402
from taskmanager.accounts import services as accounts  # noqa: E402
from taskmanager.billing import fake_events  # noqa: E402
from taskmanager.billing.models import ProcessedWebhookEvent  # noqa: E402
from taskmanager.extensions import db  # noqa: E402
from taskmanager.orgs import services as orgs  # noqa: E402
from taskmanager.orgs.models import Organization  # noqa: E402
from taskmanager.orgs.schemas import OrgCreate  # noqa: E402

PG_ADMIN_DSN = os.environ.get(
    "TASKMANAGER_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
SECRET = "whsec_drill"  # noqa: S105 - a throwaway test secret
LIFE = [
    ("created", "incomplete"),
    ("updated", "active"),
    ("updated", "past_due"),
    ("updated", "active"),
    ("deleted", "canceled"),
]


def fresh_database(name: str) -> str:
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def post(url: str, body: bytes, header: str | None) -> tuple[int, str]:
    headers = {"Content-Type": "application/json"}
    if header:
        headers["Stripe-Signature"] = header
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - loopback
            return answer.status, json.load(answer)["outcome"]
    except urllib.error.HTTPError as error:
        return error.code, "refused"


def at_once(url: str, deliveries: list[tuple[bytes, str | None]]) -> list[tuple[int, str]]:
    barrier = threading.Barrier(len(deliveries))
    results: list[tuple[int, str]] = []

    def run(body: bytes, header: str | None) -> None:
        barrier.wait()
        results.append(post(url, body, header))

    threads = [threading.Thread(target=run, args=d) for d in deliveries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="tm_webhook_drill")
    parser.add_argument("--events", type=int, default=20, help="distinct events sent 5x at once")
    parser.add_argument("--lives", type=int, default=20, help="subscription lives, reordered")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    random.seed(args.seed)

    app = create_app(
        {
            "DATABASE_URL": fresh_database(args.database),
            "BROKER_URL": "memory://",
            "RATELIMIT_STORAGE_URI": "memory://",
            "STRIPE_SECRET_KEY": "sk_test_drill",
            "STRIPE_WEBHOOK_SECRET": SECRET,
            "STRIPE_PRICE_PRO": "price_drill",
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 20, "max_overflow": 10},
        }
    )
    with app.app_context():
        upgrade()
        owner = accounts.create_user(email="drill@example.com", password="a drill passphrase 1")  # noqa: S106
        org_ids = [
            orgs.create_organization(owner=owner, data=OrgCreate(name=f"Drill {n}")).id
            for n in range(1 + args.events + args.lives)
        ]
    import taskmanager.jobs as jobs

    jobs.publish = lambda task, kwargs: None  # no worker: the drill is about the ledger
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.port}/billing/stripe/webhook"
    tally: collections.Counter[str] = collections.Counter()
    failures: list[str] = []

    def sub(org_id: int, status: str, sub_id: str) -> dict:
        return fake_events.subscription(
            customer=f"cus_{org_id}",
            status=status,
            organization_id=org_id,
            price="price_drill",
            sub_id=sub_id,
        )

    def count(results: list[tuple[int, str]]) -> None:
        for status, outcome in results:
            tally["sent"] += 1
            kind = "refused (400)" if status == 400 else outcome.split(":")[0]
            kind = {"applied": "applied", "duplicate": "duplicate"}.get(kind, kind)
            if status == 200 and outcome.startswith("ignored"):
                kind = "recorded, older state ignored"
            tally[kind] += 1

    # 1. Bad signatures, against organization 0.
    victim = org_ids[0]
    evt = fake_events.event("customer.subscription.created", sub(victim, "active", "sub_victim"))
    body, good = fake_events.signed(evt, SECRET)
    bad = [
        (body, None),
        fake_events.signed(evt, "whsec_wrong"),
        fake_events.signed(evt, SECRET, timestamp=int(time.time()) - 600),
        (body.replace(b'"active"', b'"trialing"'), good),
        (body, "t=1,v1=deadbeef"),
    ]
    count([post(url, b, h) for b, h in bad * 4])

    # 2. Distinct events, each 5 times at once.
    for org_id in org_ids[1 : 1 + args.events]:
        evt = fake_events.event(
            "customer.subscription.created", sub(org_id, "active", f"sub_{org_id}")
        )
        results = at_once(url, [fake_events.signed(evt, SECRET)] * 5)
        count(results)
        if sorted(o for _, o in results) != ["applied: active"] + ["duplicate"] * 4:
            failures.append(f"event for org {org_id}: {results}")

    # 3. Whole lives, shuffled and delivered at once.
    for org_id in org_ids[1 + args.events :]:
        t0 = 1_700_000_000
        events = [
            fake_events.event(
                f"customer.subscription.{kind}",
                sub(org_id, status, f"sub_{org_id}"),
                created=t0 + 10 * i,
            )
            for i, (kind, status) in enumerate(LIFE)
        ]
        random.shuffle(events)
        count(at_once(url, [fake_events.signed(e, SECRET) for e in events]))

    with app.app_context():
        victim_row = db.session.get(Organization, victim)
        if (victim_row.plan, victim_row.subscription_status) != ("free", None):
            failures.append("a refused delivery changed organization 0")
        for org_id in org_ids[1 + args.events :]:
            row = db.session.get(Organization, org_id)
            if (row.plan, row.subscription_status) != ("free", "canceled"):
                failures.append(f"life of org {org_id} ended {row.plan}/{row.subscription_status}")
        ledger = db.session.scalar(select(func.count()).select_from(ProcessedWebhookEvent))
    server.shutdown()
    expected_ledger = args.events + 5 * args.lives
    if ledger != expected_ledger:
        failures.append(f"ledger holds {ledger} events, expected {expected_ledger}")
    print(f"webhook drill on PostgreSQL ({args.database}), seed {args.seed}:")
    for key in ("sent", "applied", "duplicate", "recorded, older state ignored", "refused (400)"):
        print(f"  {key:32} {tally[key]}")
    print(f"  {'events in the ledger':32} {ledger}")
    print(f"  {'mismatches':32} {len(failures)}")
    for failure in failures:
        print("   -", failure)
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
