"""python manage.py benchmark: figures for import, queries and segment evaluation, each beside a baseline
measured in the same run (plain COPY, hand-written SQL). It prints; it asserts nothing.

Run it on PostgreSQL with a seeded database, e.g.
    DATABASE_URL=postgres://127.0.0.1/bench python manage.py seed_demo --contacts 1000000 --interactions 10000000
    DATABASE_URL=postgres://127.0.0.1/bench python manage.py benchmark
It cleans up what it adds (benchmark segments, imported and refresh rows) so it can run again.
"""

import io
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta

import psycopg
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from designer.management import limits_benchmark as limits
from designer.management.designer_benchmark import benchmark_round_trip
from designer.management.feedback_benchmark import benchmark_feedback, issue_shapes
from designer.management.import_benchmark import benchmark_import
from designer.management.measure import (
    best_of,
    count_of,
    delete_ingested_since,
    ms,
    refresh_and_check,
    scalar,
    shown,
    stored,
)
from designer.management.profile_benchmark import benchmark_profiles
from designer.management.scales_benchmark import benchmark_scales, write_results
from designer.management.workers_benchmark import benchmark_workers
from interactions import maintenance
from interactions.catalog import INTERACTION_TYPES, interaction_type
from interactions.ingest import ingest
from interactions.models import RECORD_MODELS, Account, Contact
from interactions.signals import interactions_stored
from segments.evaluation import segment_evaluate
from segments.models import Segment
from segments.query import compile_query, parse
from segments.services import segment_create, segment_sources

PREFIX = "benchmark: "


class Command(BaseCommand):
    help = "Measure import, query and segment evaluation speed against baselines measured in the same run."

    def add_arguments(self, parser):
        parser.add_argument("--sections", default="import,query,segments,designer",
                            help="comma-separated: import, seed, query, segments, profile, designer, feedback, "
                                 "workers, scales")
        parser.add_argument("--import-rows", type=int, default=200_000)
        parser.add_argument("--seed-rows", type=int, default=1_000_000)
        parser.add_argument("--refresh-rows", type=int, default=100_000)
        parser.add_argument("--profile-edits", type=int, default=10_000,
                            help="profile: contacts edited before the profile segments' refresh")
        parser.add_argument("--repeat", type=int, default=3, help="baselines and queries: best of this many runs")
        parser.add_argument("--broker-url", default=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"),
                            help="workers: the Redis the worker processes take their tasks from")
        parser.add_argument("--worker-segments", type=int, default=200, help="workers: live segments to refresh")
        parser.add_argument("--worker-processes", default="1,2,4", help="workers: the rounds' process counts")
        parser.add_argument("--results-json", help="segments: also write each shape's figures (seconds) to this file")
        parser.add_argument("--scale-databases", default="",
                            help="scales: comma-separated database names on DATABASE_URL's server (or postgres:// "
                                 "URLs), each seeded at another size; the segments section runs on each")

    def handle(self, *args, sections, import_rows, seed_rows, refresh_rows, profile_edits, repeat, broker_url,
               worker_segments, worker_processes, results_json, scale_databases, **options):
        wanted = [s.strip() for s in sections.split(",") if s.strip()]
        if "scales" in wanted and wanted != ["scales"]:
            raise CommandError("the scales section runs alone: it runs the segments section on each database",
                               returncode=2)
        if wanted == ["scales"]:
            # Each scale's own run checks and tidies its database; this one need not be seeded at all.
            return benchmark_scales([d.strip() for d in scale_databases.split(",") if d.strip()], repeat=repeat,
                                    refresh_rows=refresh_rows, out=self.stdout)
        if connection.vendor != "postgresql":
            raise CommandError("the benchmark measures the production path: set DATABASE_URL to PostgreSQL",
                               returncode=2)
        contacts = scalar("SELECT COUNT(*) FROM interactions_contact")
        if contacts == 0:
            raise CommandError("the database is empty: run seed_demo first (see --help)", returncode=2)
        if settings.DEBUG:
            self.stderr.write("DEBUG is on: Django records and logs every query, which slows what runs many small "
                              "statements (evaluations, the designer); production runs with DEBUG off.")
        self.repeat = repeat
        self.contacts = contacts
        self.results_json = results_json
        self.profile_edits = profile_edits
        self.workers = {"broker_url": broker_url, "segments": worker_segments,
                        "process_counts": [int(n) for n in worker_processes.split(",")]}
        self.rng = random.Random(7)
        self.now = timezone.now()
        total = sum(scalar(f"SELECT COUNT(*) FROM {t.table}") for t in map(interaction_type, _TYPES_IN_USE))
        self.stdout.write(f"Database: {connection.settings_dict['NAME']}, {contacts:,} contacts, "
                          f"{total:,} interactions in the benchmarked types; best of {repeat}.\n")
        # A database left by earlier runs may carry dead rows, stale statistics and BRIN ranges widened by
        # the rows those runs added and deleted (BRIN summaries never shrink): start from a clean state.
        maintenance.vacuum_needed()
        maintenance.analyze_changed()
        self.rebuild_brin()
        for section in wanted:
            getattr(self, f"section_{section}")(import_rows=import_rows, seed_rows=seed_rows,
                                                refresh_rows=refresh_rows)

    def rebuild_brin(self):
        tables = [interaction_type(t).table for t in _TYPES_IN_USE]
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) AND indexdef LIKE %s",
                           [tables, "%USING brin%"])
            for (name,) in cursor.fetchall():
                cursor.execute(f'REINDEX INDEX "{name}"')

    # -- sample data --------------------------------------------------------------------------------------

    def sample_contacts(self, n=20_000):
        with connection.cursor() as cursor:
            cursor.execute("SELECT contact_id FROM interactions_contact TABLESAMPLE SYSTEM (5) LIMIT %s", [n])
            rows = cursor.fetchall()
            if not rows:  # a table of a few pages often has none in a 5% page sample
                cursor.execute("SELECT contact_id FROM interactions_contact LIMIT %s", [n])
                rows = cursor.fetchall()
            return [row[0] for row in rows]

    def busiest(self, table, column):
        return scalar(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL GROUP BY {column} "
                      f"ORDER BY COUNT(*) DESC LIMIT 1")

    def opened_rows(self, n, people, days_back=30):
        for _ in range(n):
            yield {"type": "EmailOpened", "InteractionId": str(uuid.uuid4()),
                   "ContactId": str(self.rng.choice(people)),
                   "Timestamp": (self.now - timedelta(seconds=self.rng.randrange(days_back * 86400))).isoformat(),
                   "City": self.rng.choice(["Oslo", "Rome", "Lisbon", None])}

    # -- import -------------------------------------------------------------------------------------------

    def section_import(self, *, import_rows, **_):
        rows = list(self.opened_rows(import_rows, self.sample_contacts()))
        benchmark_import(rows, repeat=self.repeat, prefix=PREFIX.replace(": ", "-"), write=self.stdout.write,
                         tidy=self.tidy)

    def tidy(self):
        """After rows are deleted: vacuumed where needed and BRIN summaries rebuilt (they never shrink)."""
        maintenance.vacuum_needed()
        self.rebuild_brin()

    def section_seed(self, *, seed_rows, **_):
        self.stdout.write(f"== seed_demo: {seed_rows:,} interactions into a scratch database, beside a plain COPY "
                          "of the same rows (interactions, contacts, accounts, records)")
        name = f"{connection.settings_dict['NAME']}_seed"
        db = connection.settings_dict
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        env = {**os.environ, "DATABASE_URL": url}
        try:
            subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, check=True)
            started = time.perf_counter()
            subprocess.run([sys.executable, "manage.py", "seed_demo", "--contacts", str(max(seed_rows // 10, 1)),
                            "--interactions", str(seed_rows), "--no-progress"], env=env, check=True,
                           stdout=subprocess.DEVNULL)
            seeded = time.perf_counter() - started
            copied = {label: _copy_again(url, like) for label, like in (
                ("bare tables", "INCLUDING DEFAULTS"), ("same indexes", "INCLUDING DEFAULTS INCLUDING INDEXES"))}
        finally:
            connection.close()
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        self.stdout.write(f"  seed_demo (whole command)    {seed_rows / seeded:>10,.0f} interactions/s  ({ms(seeded)})")
        for label, seconds in copied.items():
            self.stdout.write(f"  plain COPY, {label:<16} {seed_rows / seconds:>10,.0f} interactions/s  "
                              f"({ms(seconds)}); seed_demo takes {seeded / seconds:.2f}x, {seconds / seeded:.0%} "
                              "of its speed")
        self.stdout.write("")

    # -- one query: the spec's example --------------------------------------------------------------------

    def section_query(self, **_):
        journey = self.busiest("interactions_emailclicked", "customer_journey_id")
        text = ("INTERACTION(EmailClicked, EmailClicked_ContactLink)"
                f".FILTER(CustomerJourneyId == '{journey}').HAVING(COUNT() >= 1, UTCDAYS(45))")
        self.stdout.write("== evaluate_query on the spec's example (clicked in a journey in the last 45 days)")
        at = self.now.isoformat()
        out = io.StringIO()

        def command():
            out.seek(0)
            out.truncate()
            with _stdin(text):
                call_command("evaluate_query", "--at", at, stdout=out)

        hand = ("SELECT DISTINCT contact_id FROM interactions_emailclicked WHERE customer_journey_id = %s "
                "AND timestamp >= %s AND timestamp <= %s")
        params = [journey, self.now - timedelta(days=45), self.now]

        def by_hand():
            with connection.cursor() as cursor:
                cursor.execute(hand, params)
                return sorted(str(r[0]) for r in cursor.fetchall())

        t_command, t_hand = best_of(self.repeat, command), best_of(self.repeat, by_hand)
        members = len(out.getvalue().split())
        assert members == len(by_hand()), "evaluate_query and the hand-written SQL disagree"
        self.stdout.write(f"  evaluate_query (whole command) {ms(t_command):>10}  {members:,} members")
        self.stdout.write(f"  the same by hand in SQL        {ms(t_hand):>10}  ratio {t_command / t_hand:.2f}\n")

    # -- segments -----------------------------------------------------------------------------------------

    def segment_shapes(self):
        journey = self.busiest("interactions_emailclicked", "customer_journey_id")
        form = self.busiest("interactions_formsubmitted", "form_id")
        y1 = self.now - timedelta(days=365)
        d45, d90 = self.now - timedelta(days=45), self.now - timedelta(days=90)
        now = self.now
        return [
            ("spec example",
             f"INTERACTION(EmailClicked, EmailClicked_ContactLink).FILTER(CustomerJourneyId == '{journey}')"
             ".HAVING(COUNT() >= 1, UTCDAYS(45))",
             "SELECT DISTINCT contact_id FROM interactions_emailclicked WHERE customer_journey_id = %s "
             "AND timestamp >= %s AND timestamp <= %s", [journey, d45, now]),
            ("lifetime count",
             "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 3)",
             "SELECT contact_id FROM interactions_emailopened WHERE timestamp <= %s GROUP BY contact_id "
             "HAVING COUNT(*) >= 3", [now]),
            ("lifetime, largest",
             "INTERACTION(EmailSent, EmailSent_ContactLink).HAVING(COUNT() >= 10)",
             "SELECT contact_id FROM interactions_emailsent WHERE timestamp <= %s GROUP BY contact_id "
             "HAVING COUNT(*) >= 10", [now]),
            ("exactly N in a year",
             "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() == 2, UTCYEARS(1))",
             "SELECT contact_id FROM interactions_emailopened WHERE timestamp >= %s AND timestamp <= %s "
             "GROUP BY contact_id HAVING COUNT(*) = 2", [y1, now]),
            ("restriction-heavy",
             "INTERACTION(FormSubmitted, FormSubmitted_ContactLink).FILTER(FormId == "
             f"'{form}' && (CountryIsoCode == 'US' || CountryIsoCode == 'GB' || CountryIsoCode == 'DE') && "
             "NOT(City == 'London') && ISNOTNULL(BrowserId)).HAVING(COUNT() >= 1, UTCDAYS(90))",
             "SELECT DISTINCT contact_id FROM interactions_formsubmitted WHERE form_id = %s AND timestamp >= %s "
             "AND timestamp <= %s AND lower(country_iso_code) IN ('us', 'gb', 'de') "
             "AND lower(city) IS DISTINCT FROM 'london' AND browser_id IS NOT NULL", [form, d90, now]),
            ("has-not",
             "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() == 0, UTCDAYS(90))",
             "SELECT c.contact_id FROM interactions_contact c WHERE NOT EXISTS (SELECT 1 FROM "
             "interactions_emailopened o WHERE o.contact_id = c.contact_id AND o.timestamp >= %s "
             "AND o.timestamp <= %s)", [d90, now]),
        ]

    def section_segments(self, *, refresh_rows, **_):
        Segment.objects.filter(name__startswith=PREFIX).delete()
        self.stdout.write(f"== segments: first evaluation (materialized, with change log) and refresh after "
                          f"{refresh_rows:,} new interactions; baseline: the hand-written SQL, best of {self.repeat}")
        header = (f"  {'segment':<20} {'hand SQL':>9} {'compiled':>9} {'ratio':>5} {'hand+store':>10} "
                  f"{'+log':>9} {'first eval':>10} {'ratio':>5} {'ratio':>5} {'members':>9} {'refresh':>9} "
                  f"{'mode':>11}  check")
        results = []
        shapes = self.segment_shapes()
        segments, best, lifetime = [], [], None
        # A worker evaluates segment after segment in one process: its first evaluation pays once for what the
        # later ones find ready (code paths, the database session's catalog caches). Paid here, untimed.
        warm = segment_create(name=PREFIX + "warm-up", query_text=shapes[0][1])
        segment_evaluate(segment_id=warm.pk, at=self.now)
        self._discard(warm)
        for label, text, hand, params in shapes:
            segment = segment_create(name=PREFIX + label, query_text=text)
            compiled, compiled_params = compile_query(parse(text), now=self.now, dialect="postgresql",
                                                segments=segment_sources)
            t_hand = best_of(self.repeat, count_of(hand, params))
            t_compiled = best_of(self.repeat, count_of(compiled, compiled_params))
            t_store = stored(hand, params, repeat=self.repeat)
            t_logged = stored(hand, params, repeat=self.repeat, log=True)
            name, t_best, planner, best_sql, best_params = limits.best_of_candidates(label, hand, params,
                                                                                      self.repeat)
            t_best_logged = stored(best_sql, best_params, repeat=self.repeat, log=True, settings=planner)
            segment, run, t_first = self.first_evaluation(segment, label, text)
            assert run.members == scalar(f"SELECT COUNT(*) FROM ({hand}) AS h", params), label
            results.append([label, t_hand, t_compiled, t_store, t_logged, t_first, run.members])
            best.append((label, name, t_best, t_best_logged, t_first,
                         *limits.designer_times(text, self.now, self.repeat)))
            segments.append(segment)
            if label == "lifetime count":
                lifetime = (best_sql, best_params, planner)
        # The compound segment reads its operands' memberships, so they are live.
        by_label = {row[0]: segment for row, segment in zip(results, segments, strict=True)}
        a, b = by_label["lifetime count"], by_label["exactly N in a year"]
        Segment.objects.filter(pk__in=[a.pk, b.pk]).update(state=Segment.State.LIVE)
        compound = segment_create(name=PREFIX + "compound",
                                  query_text=f"SEGMENT('{a.name}') EXCEPT SEGMENT('{b.name}')")
        hand = ("SELECT contact_id FROM segments_membership WHERE segment_id = %s EXCEPT "
                "SELECT contact_id FROM segments_membership WHERE segment_id = %s")
        compiled, compiled_params = compile_query(parse(compound.query), now=self.now, segments=segment_sources)
        t_hand = best_of(self.repeat, count_of(hand, [a.pk, b.pk]))
        t_compiled = best_of(self.repeat, count_of(compiled, compiled_params))
        t_store = stored(hand, [a.pk, b.pk], repeat=self.repeat)
        t_logged = stored(hand, [a.pk, b.pk], repeat=self.repeat, log=True)
        started = time.perf_counter()
        run = segment_evaluate(segment_id=compound.pk, at=self.now)
        results.append(["compound", t_hand, t_compiled, t_store, t_logged, time.perf_counter() - started,
                        run.members])
        segments.append(compound)

        # Refresh: new interactions of the types these segments read arrive, and an hour passes.
        refresh_start = scalar("SELECT clock_timestamp()")
        fetches = [limits.heap_fetches(*lifetime)]
        self._arrive(refresh_rows)
        fetches.append(limits.heap_fetches(*lifetime))
        later = self.now + timedelta(hours=1)
        refresh_and_check(segments, results, at=later)
        vacuumed = ", ".join(maintenance.vacuum_needed())
        fetches.append(limits.heap_fetches(*lifetime))
        # Each shape's figures (seconds), for --results-json and the scales section's tables.
        keys = ("hand_sql", "compiled", "hand_store", "hand_store_log", "first_eval", "members", "refresh",
                "refresh_mode", "refresh_check")
        figures = {row[0]: {**dict(zip(keys, row[1:], strict=True)), "best_sql_name": None, "best_sql": None,
                            "best_store_log": None, "ratio": None, "estimate": None, "per_clause": None}
                   for row in results}
        for label, name, t_best, t_best_logged, t_first, estimate, per_clause in best:
            figures[label].update(best_sql_name=name, best_sql=t_best, best_store_log=t_best_logged,
                                  ratio=t_first / t_best_logged, estimate=estimate, per_clause=per_clause)
        self.stdout.write(header)
        for label, t_hand, t_compiled, t_store, t_logged, t_first, members, t_refresh, mode, check in results:
            self.stdout.write(
                f"  {label:<20} {ms(t_hand):>9} {ms(t_compiled):>9} {t_compiled / t_hand:>5.2f} {ms(t_store):>10} "
                f"{ms(t_logged):>9} {ms(t_first):>10} {t_first / t_store:>5.2f} {t_first / t_logged:>5.2f} "
                f"{members:>9,} {ms(t_refresh):>9} {mode:>11}  {check}")
        self.stdout.write("  ratios: compiled / hand SQL; first eval / hand+store (the hand SQL's members written "
                          "into a membership-shaped table, committed); first eval / +log (and an entry each into a "
                          "change-log-shaped table, which is what an evaluation writes)\n")
        self.stdout.write(f"  the best hand-written SQL per shape (fastest candidate), writing the same members and "
                          f"change log; the designer's estimate and per-clause counts\n  {'segment':<20} "
                          f"{'best SQL':<36} {'count':>9} {'+store+log':>10} {'first eval':>10} {'ratio':>5} "
                          f"{'refresh':>9} {'estimate':>9} {'per-clause':>10}")
        for (label, name, t_best, t_best_logged, t_first, estimate, per_clause), row in zip(best, results,
                                                                                            strict=False):
            self.stdout.write(f"  {label:<20} {name:<36} {ms(t_best):>9} {ms(t_best_logged):>10} {ms(t_first):>10} "
                              f"{t_first / t_best_logged:>5.2f} {ms(row[7]):>9} {shown(estimate):>9} "
                              f"{shown(per_clause):>10}")
        self.stdout.write(f"  visibility map: the lifetime shape's index-only scan made {fetches[0]:,} heap fetches "
                          f"before the {refresh_rows:,} new rows, {fetches[1]:,} after them; upkeep "
                          f"(maintenance.vacuum_needed) then vacuumed {vacuumed or 'nothing'} and it made "
                          f"{fetches[2]:,}\n")
        limits.measure_options(self.stdout, now=self.now, repeat=self.repeat, ms=ms)
        self.stdout.write("")
        delete_ingested_since({interaction_type(t).table for t in _TYPES_IN_USE}, refresh_start)
        Segment.objects.filter(name__startswith=PREFIX).delete()
        self.tidy()
        if self.results_json:
            write_results(self.results_json, database=connection.settings_dict["NAME"], contacts=self.contacts,
                          shapes=figures)

    def first_evaluation(self, segment, label, text):
        """Best of `repeat` first evaluations, like the baselines: each of a fresh segment with the same query.
        Returns the last segment (kept for the refresh), its run and the fastest time."""
        times = []
        for attempt in range(self.repeat):
            if attempt:
                self._discard(segment)
                segment = segment_create(name=PREFIX + label, query_text=text)
            started = time.perf_counter()
            run = segment_evaluate(segment_id=segment.pk, at=self.now)
            times.append(time.perf_counter() - started)
        return segment, run, min(times)

    def _discard(self, segment):
        with connection.cursor() as cursor:  # plain statements, not the ORM's cascade over a million rows
            cursor.execute("DELETE FROM segments_membershipchange WHERE segment_id = %s", [segment.pk])
            cursor.execute("DELETE FROM segments_membership WHERE segment_id = %s", [segment.pk])
        segment.delete()
        maintenance.vacuum_needed()

    def section_profile(self, **_):
        benchmark_profiles(out=self.stdout, repeat=self.repeat, now=self.now, prefix=PREFIX, edits=self.profile_edits)

    def section_workers(self, *, refresh_rows, **_):
        Segment.objects.filter(name__startswith=PREFIX).delete()
        refresh_start = scalar("SELECT clock_timestamp()")
        try:
            benchmark_workers(out=self.stdout, arrive=self._arrive, prefix=PREFIX, burst=refresh_rows, **self.workers)
        finally:
            delete_ingested_since({interaction_type(t).table for t in _TYPES_IN_USE}, refresh_start)
            maintenance.vacuum_needed()

    def _arrive(self, n):
        people = self.sample_contacts()
        journey = str(self.busiest("interactions_emailclicked", "customer_journey_id"))
        form = str(self.busiest("interactions_formsubmitted", "form_id"))
        objects = []
        for i, row in enumerate(self.opened_rows(n, people, days_back=2)):
            kind = ("EmailOpened", "EmailSent", "EmailClicked", "FormSubmitted")[i % 4]
            row["type"] = kind
            if kind == "EmailSent":
                del row["City"]  # sends have no visitor fields
            elif kind == "EmailClicked":
                row["CustomerJourneyId"] = journey
            elif kind == "FormSubmitted":
                row.update(FormId=form, CountryIsoCode=self.rng.choice(["US", "GB", "FR"]), BrowserId="chrome")
            objects.append(row)
        # Only the refreshes measured below may evaluate: keep the ingest from queuing them itself.
        interactions_stored.disconnect(dispatch_uid="segments-refresh-readers")
        try:
            started = time.perf_counter()
            ingest(enumerate(objects))
        finally:
            apps.get_app_config("segments").ready()
        self.stdout.write(f"  ({n:,} new interactions ingested in {ms(time.perf_counter() - started)})")

    # -- designer -----------------------------------------------------------------------------------------

    def section_feedback(self, **_):
        shapes = [*self.segment_shapes(), *issue_shapes(self.busiest, self.now)]
        benchmark_feedback(shapes, repeat=self.repeat, prefix=PREFIX, write=self.stdout.write)

    def section_designer(self, **_):
        self.stdout.write("== designer: form <-> text sync round trip on the server")
        for label, seconds in benchmark_round_trip(repeat=max(self.repeat, 20)):
            self.stdout.write(f"  {label:<40} {seconds * 1000:8.2f} ms")
        self.stdout.write("")


_TYPES_IN_USE = ("EmailOpened", "EmailClicked", "FormSubmitted", "EmailSent")


def _copy_again(url, like):
    """Seconds to COPY every row seed_demo wrote into the database at `url` (interactions, contacts, accounts,
    records) again, from a file, into fresh tables made LIKE the originals: the plain-COPY baseline of seeding
    the same rows."""
    tables = [Account._meta.db_table, Contact._meta.db_table, *(m._meta.db_table for m in RECORD_MODELS.values()),
              *(t.table for t in INTERACTION_TYPES)]
    total = 0.0
    with psycopg.connect(url, autocommit=True) as db, tempfile.TemporaryDirectory() as folder:
        for table in tables:
            path = os.path.join(folder, table)
            with open(path, "wb") as out, db.cursor().copy(f"COPY {table} TO STDOUT") as source:
                for block in source:
                    out.write(block)
            db.execute(f"CREATE TABLE copy_{table} (LIKE {table} {like})")
            started = time.perf_counter()
            with open(path, "rb") as data, db.cursor().copy(f"COPY copy_{table} FROM STDIN") as target:
                while block := data.read(1 << 20):
                    target.write(block)
            total += time.perf_counter() - started
            db.execute(f"DROP TABLE copy_{table}")
    return total


class _stdin:
    def __init__(self, text):
        self.text = text

    def __enter__(self):
        self.saved = sys.stdin
        sys.stdin = io.StringIO(self.text)

    def __exit__(self, *exc):
        sys.stdin = self.saved
