"""`benchmark --sections profile`: profile and mixed segments (shared spec profiles.md) on the seeded demo data,
each beside the best hand-written SQL for the same question, measured in the same run. It prints; it asserts
nothing.

For each segment: the compiled query's count against the fastest of a few hand-written queries; the first
evaluation (membership and change log written) against that query's rows written into tables shaped like
the membership and the change log; then, after 10,000 contact edits imported the way imports make them
(Contact lines through the ingest, which set modifiedon), the incremental refresh, checked against a full
evaluation. The edited contacts are restored afterwards, so the section can run again.

Then EXPLAIN ANALYZE of the profile filters marketers use most (country, city, company, createdon): which
plan each gets with the indexes, and how long the same filter takes with index scans switched off.
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import timedelta

from django.db import connection, transaction

from interactions.ingest import ingest
from interactions.models import RECORD_MODELS
from segments.evaluation import segment_evaluate
from segments.models import Segment
from segments.query import compile_query, parse
from segments.services import segment_create, segment_sources

from .measure import best_of, count_of, ms, refresh_and_check, scalar, stored

CONTACTS = "interactions_contact"
DECIDERS = ("jobtitle STARTSWITH 'Chief' || jobtitle STARTSWITH 'VP' || jobtitle CONTAINS 'Director' || "
            "jobtitle STARTSWITH 'Head of'")
DECIDERS_SQL = ("(lower(c.jobtitle) LIKE 'chief%%' OR lower(c.jobtitle) LIKE 'vp%%' "
                "OR lower(c.jobtitle) LIKE '%%director%%' OR lower(c.jobtitle) LIKE 'head of%%')")
LARGE_DECIDERS = ("PROFILE(account).FILTER(numberofemployees > 500).TRAVERSE(contact_account_parentcustomerid)"
                  f".FILTER({DECIDERS})")
OSLO = "PROFILE(contact).FILTER(address1_city == 'Oslo')"


def shapes(now, newsletter) -> list[tuple[str, str, list[tuple[str, list]]]]:
    """(label, query text, hand-written variants (sql, params)): the fastest variant is the baseline."""
    d30 = now - timedelta(days=30)
    large = (f"SELECT c.contact_id FROM {CONTACTS} c JOIN interactions_account a ON a.accountid = c.parentcustomerid "
             f"WHERE a.numberofemployees > 500 AND {DECIDERS_SQL}")
    large_in = (f"SELECT c.contact_id FROM {CONTACTS} c WHERE c.parentcustomerid IN (SELECT accountid FROM "
                f"interactions_account WHERE numberofemployees > 500) AND {DECIDERS_SQL}")
    not_opened = ("NOT EXISTS (SELECT 1 FROM interactions_emailopened o WHERE o.contact_id = c.contact_id "
                  "AND o.customer_journey_id = %s AND o.timestamp <= %s)")
    return [
        ("in Oslo (profile)", OSLO,
         [(f"SELECT contact_id FROM {CONTACTS} WHERE lower(address1_city) = %s", ["oslo"])]),
        ("large-account deciders (profile)", LARGE_DECIDERS, [(large, []), (large_in, [])]),
        ("Oslo clickers 30 d (mixed)",
         f"{OSLO} INTERSECT INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() >= 1, UTCDAYS(30))",
         [(f"SELECT c.contact_id FROM {CONTACTS} c WHERE lower(c.address1_city) = %s AND EXISTS (SELECT 1 FROM "
           "interactions_emailclicked e WHERE e.contact_id = c.contact_id AND e.timestamp >= %s "
           "AND e.timestamp <= %s)", ["oslo", d30, now]),
          (f"SELECT DISTINCT e.contact_id FROM interactions_emailclicked e JOIN {CONTACTS} c USING (contact_id) "
           "WHERE lower(c.address1_city) = %s AND e.timestamp >= %s AND e.timestamp <= %s", ["oslo", d30, now])]),
        ("deciders, no newsletter (mixed)",
         f"{LARGE_DECIDERS} EXCEPT INTERACTION(EmailOpened, EmailOpened_ContactLink)"
         f".FILTER(CustomerJourneyId == '{newsletter}').HAVING(COUNT() >= 1)",
         [(f"{large} AND {not_opened}", [newsletter, now]), (f"{large_in} AND {not_opened}", [newsletter, now])]),
    ]


def benchmark_profiles(*, out, repeat: int, now, prefix: str, edits: int = 10_000):
    Segment.objects.filter(name__startswith=prefix).delete()
    newsletter = (RECORD_MODELS["CustomerJourney"].objects.filter(name="Monthly Newsletter")
                  .values_list("id", flat=True).first())
    if newsletter is None:
        out.write("== profile: skipped, the database has no 'Monthly Newsletter' journey (seed it with seed_demo)\n")
        return
    out.write(f"== profile: profile and mixed segments, first evaluation and refresh after {edits:,} contact edits; "
              f"baseline: the fastest hand-written SQL, best of {repeat}")
    results, segments = [], []
    for label, text, variants in shapes(now, newsletter):
        segment = segment_create(name=prefix + label, query_text=text)
        compiled, compiled_params = compile_query(parse(text), now=now, segments=segment_sources)
        timed = [(best_of(repeat, count_of(sql, params)), sql, params) for sql, params in variants]
        t_hand, hand, params = min(timed, key=lambda item: item[0])
        t_compiled = best_of(repeat, count_of(compiled, compiled_params))
        t_store = stored(hand, params, repeat=repeat)
        t_logged = stored(hand, params, repeat=repeat, log=True)
        started = time.perf_counter()
        run = segment_evaluate(segment_id=segment.pk, at=now)
        t_first = time.perf_counter() - started
        assert run.members == scalar(f"SELECT COUNT(*) FROM ({hand}) AS h", params), label
        results.append([label, t_hand, t_compiled, t_store, t_logged, t_first, run.members])
        segments.append(segment)

    later = now + timedelta(hours=1)
    with _edited_contacts(out, edits):
        refresh_and_check(segments, results, at=later)
    out.write(f"  {'segment':<33} {'hand SQL':>9} {'compiled':>9} {'ratio':>5} {'hand+store':>10} {'+log':>9} "
              f"{'first eval':>10} {'ratio':>5} {'ratio':>5} {'members':>9} {'refresh':>9} {'mode':>11}  check")
    for label, t_hand, t_compiled, t_store, t_logged, t_first, members, t_refresh, mode, check in results:
        out.write(f"  {label:<33} {ms(t_hand):>9} {ms(t_compiled):>9} {t_compiled / t_hand:>5.2f} "
                  f"{ms(t_store):>10} {ms(t_logged):>9} {ms(t_first):>10} {t_first / t_store:>5.2f} "
                  f"{t_first / t_logged:>5.2f} {members:>9,} {ms(t_refresh):>9} {mode:>11}  {check}")
    out.write("  ratios: compiled / hand SQL; first eval / hand+store; first eval / +log (as in the segments "
              "section); refresh: after the edits, checked against a full evaluation\n")
    Segment.objects.filter(name__startswith=prefix).delete()
    explain_filters(out, repeat)


class _edited_contacts:
    """`edits` contacts changed through the ingest (city to or from Oslo, job title to or from a decision
    maker's), as a CRM import changes them; restored, modifiedon included, on exit."""

    def __init__(self, out, edits: int):
        self.out, self.edits = out, edits

    def __enter__(self):
        rng = random.Random(11)
        # A sample of rows across the table (twice what is needed, then cut), the same one on every run.
        share = min(100.0, 200.0 * self.edits / max(scalar(f"SELECT COUNT(*) FROM {CONTACTS}"), 1))
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS benchmark_contact_backup")
            cursor.execute(f"CREATE TABLE benchmark_contact_backup AS SELECT contact_id, address1_city, jobtitle, "
                           f"modifiedon FROM {CONTACTS} TABLESAMPLE BERNOULLI (%s) REPEATABLE (7) LIMIT %s",
                           [share, self.edits])
            cursor.execute("SELECT contact_id FROM benchmark_contact_backup")
            people = [row[0] for row in cursor.fetchall()]
        lines = []
        for contact_id in people:
            line = {"type": "Contact", "ContactId": str(contact_id)}
            r = rng.random()
            if r < 0.4:
                line["address1_city"] = "Oslo"
            elif r < 0.7:
                line["address1_city"] = rng.choice(["Bergen", "London", "Berlin"])
            else:
                line["jobtitle"] = rng.choice(["Marketing Director", "Chief Marketing Officer", "Marketing Manager"])
            lines.append(line)
        started = time.perf_counter()
        ingest(enumerate(lines))
        self.out.write(f"  ({len(lines):,} contact edits ingested in {ms(time.perf_counter() - started)})")
        return self

    def __exit__(self, *exc):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {CONTACTS} c SET address1_city = b.address1_city, jobtitle = b.jobtitle, "
                           "modifiedon = b.modifiedon FROM benchmark_contact_backup b "
                           "WHERE c.contact_id = b.contact_id")
            cursor.execute("DROP TABLE benchmark_contact_backup")


def explain_filters(out, repeat: int):
    """The plan of each common profile filter with the indexes, and its time with index scans switched off."""
    account = scalar("SELECT parentcustomerid FROM interactions_contact WHERE parentcustomerid IS NOT NULL "
                     "GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1")
    name = scalar("SELECT name FROM interactions_account WHERE accountid = %s", [account])
    filters = [
        ("country", "PROFILE(contact).FILTER(address1_country == 'Norway')"),
        ("country, small", "PROFILE(contact).FILTER(address1_country == 'Mexico')"),
        ("city", OSLO),
        ("city, long tail", "PROFILE(contact).FILTER(address1_city == 'Lillehammer')"),
        ("company", f"PROFILE(account).FILTER(accountid == '{uuid.UUID(str(account))}')"
                    ".TRAVERSE(contact_account_parentcustomerid)"),
        ("company by name", f"PROFILE(account).FILTER(name == '{name.replace(chr(39), chr(39) * 2)}')"
                            ".TRAVERSE(contact_account_parentcustomerid)"),
        ("createdon, 3 months", "PROFILE(contact).FILTER(createdon >= DATEADD(MONTH, -27, DATETIMEUTCNOW()) "
                                "&& createdon < DATEADD(MONTH, -24, DATETIMEUTCNOW()))"),
        ("createdon, 1 week", "PROFILE(contact).FILTER(createdon >= DATEADD(DAY, -737, DATETIMEUTCNOW()) "
                              "&& createdon < DATEADD(MONTH, -24, DATETIMEUTCNOW()))"),
    ]
    out.write(f"== profile filters: EXPLAIN ANALYZE of the compiled count, with the indexes and with index scans off "
              f"(after a warm-up, best of {repeat})")
    out.write(f"  {'filter':<21} {'rows':>9} {'with indexes':>12}  {'plan on the contacts':<52} "
              f"{'index scans off':>15}")
    now = scalar("SELECT now()")
    for label, text in filters:
        sql, params = compile_query(parse(text), now=now, segments=segment_sources)
        count = f"SELECT COUNT(*) FROM ({sql}) AS q"
        _explain(count, params)  # the first run reads the pages from disk: measure both with them cached
        runs = [(_explain(count, params), _explain(count, params, indexes=False)) for _ in range(repeat)]
        (_, plan, rows), _ = runs[0]
        with_index = min(on[0] for on, _ in runs)
        without = min(off[0] for _, off in runs)
        out.write(f"  {label:<21} {rows:>9,} {ms(with_index):>12}  {plan:<52} {ms(without):>15}")
    out.write("  the plan is the one PostgreSQL chose; 'index scans off' is the same filter read without any index\n")


def _explain(sql, params, *, indexes=True):
    """(execution seconds, the scans on the contacts table, the count) of one EXPLAIN ANALYZE."""
    with transaction.atomic(), connection.cursor() as cursor:
        if not indexes:
            for setting in ("enable_indexscan", "enable_bitmapscan", "enable_indexonlyscan"):
                cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        (document,) = cursor.fetchone()
        cursor.execute(sql, params)
        (rows,) = cursor.fetchone()
    scans = []

    def walk(node):
        if node.get("Relation Name") == CONTACTS or CONTACTS in node.get("Index Name", "") or (
                node.get("Index Name", "").startswith("contact_")):
            scans.append(f"{node['Node Type']}" + (f" on {node['Index Name']}" if "Index Name" in node else ""))
        for child in node.get("Plans", []):
            walk(child)

    walk(document[0]["Plan"])
    return document[0]["Execution Time"] / 1000, ", ".join(dict.fromkeys(scans)) or "-", rows
