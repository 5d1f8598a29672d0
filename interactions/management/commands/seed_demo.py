"""python manage.py seed_demo [--contacts N] [--interactions M] [--seed S] [--anchor ISO] [--if-empty]"""

import sys
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from interactions.demo.generator import (
    DEFAULT_CONTACTS,
    DEFAULT_INTERACTIONS,
    DEFAULT_SEED,
    WINDOW_DAYS,
    DemoData,
    default_anchor,
)
from interactions.demo.loader import existing_data, write_demo
from interactions.maintenance import analyze_changed


def _count(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise ValueError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise ValueError("must not be negative")
    return value


def _anchor(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


class Command(BaseCommand):
    help = (
        "Fill an empty database with realistic demo data: contacts with their profile attributes, their accounts, "
        "customer journeys, emails, forms, pages, "
        f"websites, events, surveys, subscription lists and interactions over the {WINDOW_DAYS} days before the "
        "anchor. The same --seed and --anchor always give the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--contacts", type=_count, default=DEFAULT_CONTACTS,
                            help=f"number of contacts (default {DEFAULT_CONTACTS:,})")
        parser.add_argument("--interactions", type=_count, default=DEFAULT_INTERACTIONS,
                            help=f"exact number of interaction rows (default {DEFAULT_INTERACTIONS:,})")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help=f"random seed; the data depend only on it and the anchor (default {DEFAULT_SEED})")
        parser.add_argument("--anchor", type=_anchor, default=None,
                            help="the end of the data's time window, ISO 8601, UTC unless it says otherwise "
                                 "(default: now, truncated to the hour)")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing (successfully) when the database already has contacts or records")
        parser.add_argument("--database", default="default", help="the database alias (default: default)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar, even on a terminal")

    def handle(self, *args, contacts, interactions, seed, anchor, if_empty, database, no_progress, **options):
        existing = existing_data(database)
        if existing:
            if if_empty:
                self.stdout.write(f"The database already has data ({existing:,} contacts, accounts and records); "
                                  "nothing seeded (--if-empty).")
                return
            raise CommandError(
                f"The database already has data ({existing:,} contacts, accounts and records); seed_demo only fills "
                "an empty database and wrote nothing. Use --if-empty to skip seeding when data exist, or empty the "
                "database first (manage.py flush).",
                returncode=2,
            )
        if interactions and not contacts:
            raise CommandError("--interactions needs at least one contact (--contacts)", returncode=2)
        anchor = anchor or default_anchor()
        self.stdout.write(f"Seeding {contacts:,} contacts and {interactions:,} interactions "
                          f"(seed {seed}, window {WINDOW_DAYS} days up to {anchor:%Y-%m-%d %H:%M} UTC)...")
        data = DemoData(contacts=contacts, interactions=interactions, seed=seed, anchor=anchor)
        bar = tqdm(total=interactions, unit=" rows", unit_scale=True, desc="seed", file=sys.stderr,
                   disable=no_progress or not sys.stderr.isatty())
        try:
            result = write_demo(data, using=database, progress=bar.update)
        finally:
            bar.close()
        if database == "default":
            analyze_changed(parallel=2)  # the planner should know the new sizes at once, autovacuum or not
        width = max((len(name) for name in result.inserted), default=0)
        for name, n in sorted(result.inserted.items(), key=lambda item: -item[1]):
            self.stdout.write(f"  {name:<{width}}  {n:>12,}")
        rate = result.interactions / result.seconds if result.seconds else 0.0
        self.stdout.write(self.style.SUCCESS(
            f"Seeded {result.contacts:,} contacts, {result.accounts:,} accounts, {result.records:,} records and "
            f"{result.interactions:,} interactions in {result.seconds:.1f} s ({rate:,.0f} interactions/s)."
        ))
