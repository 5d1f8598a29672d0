"""The feedback section of `manage.py benchmark`: what the designer answers while a query is edited (estimate,
per-restriction counts, the difference against a live segment's members, explain of one contact), sampled
and exact, beside the exact count written by hand; p95 of server time over the repeats, against the target.
"""

from __future__ import annotations

import math
import time
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from interactions.models import Contact
from segments.estimates import TooSlow, clause_counts, estimate_size, sample_level
from segments.explain import explain_contact
from segments.models import Segment
from segments.query import parse
from segments.sampling import in_sample

TARGET_SECONDS = 0.150


def issue_shapes(busiest, now) -> list:
    """The issue's two designer shapes that the segment shapes lack: (label, query, hand SQL, params)."""
    journey = busiest("interactions_emailsent", "customer_journey_id")
    website = busiest("interactions_websitevisited", "website_id")
    d90, y1 = now - timedelta(days=90), now - timedelta(days=365)
    return [
        ("journey sends >= 2",
         f"INTERACTION(EmailSent, EmailSent_ContactLink).FILTER(CustomerJourneyId == '{journey}')"
         ".HAVING(COUNT() >= 2, UTCDAYS(90))",
         "SELECT contact_id FROM interactions_emailsent WHERE customer_journey_id = %s AND timestamp >= %s "
         "AND timestamp <= %s GROUP BY contact_id HAVING COUNT(*) >= 2", [journey, d90, now]),
        ("visits, 2 clauses",
         f"INTERACTION(WebsiteVisited, WebsiteVisited_ContactLink).FILTER(WebsiteId == '{website}' && "
         "CountryIsoCode == 'US').HAVING(COUNT() >= 1, UTCDAYS(365))",
         "SELECT DISTINCT contact_id FROM interactions_websitevisited WHERE website_id = %s "
         "AND lower(country_iso_code) = 'us' AND timestamp >= %s AND timestamp <= %s", [website, y1, now]),
    ]


def p95(fn, repeat: int) -> tuple[float, object]:
    """The 95th percentile of `repeat` timed runs (the slowest but one in twenty), and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    times.sort()
    return times[max(0, math.ceil(0.95 * len(times)) - 1)], result


def _exact(fn, repeat: int) -> tuple[float | str, object]:
    """p95 of an exact count as the designer asks it, or "timed out" past the interactive statement timeout
    (at 100M interactions the broad exact counts are, and the page keeps the sampled figure)."""
    try:
        return p95(fn, repeat)
    except TooSlow:
        return "timed out", None


def _ms(seconds: float | str | None) -> str:
    if isinstance(seconds, str):
        return seconds
    return "—" if seconds is None else f"{seconds * 1000:,.0f} ms"


def _figure(figure) -> str:
    if figure.exact:
        return f"{int(figure):,}"
    margin = figure.margin_percent
    return f"≈{int(figure):,} ±{margin:.1f}%" if margin is not None else f"≈0 (≤{figure.high:,})"


def _hand_count(sql: str, params) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS q", params)
        return cursor.fetchone()[0]


def _live_copy(text: str, hand: str, params, name: str) -> Segment:
    """A live segment whose members are the hand-written query's, written by hand (no evaluation run) and then
    vacuumed and analyzed, as upkeep keeps a live system's memberships."""
    segment = Segment.objects.create(name=name, query=text, state=Segment.State.LIVE, evaluated_version=1)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO segments_membership (segment_id, contact_id, since) "
                       f"SELECT %s, contact_id, now() FROM ({hand}) AS h", [segment.pk, *params])
        cursor.execute("VACUUM ANALYZE segments_membership")
    return segment


def _drop(segment: Segment) -> None:
    with connection.cursor() as cursor:  # one statement, not the ORM's cascade over a million members
        cursor.execute("DELETE FROM segments_membership WHERE segment_id = %s", [segment.pk])
    segment.delete()


def benchmark_feedback(shapes, *, repeat: int, prefix: str, write) -> None:
    """Print one row per shape: hand-written exact count, then estimate and per-restriction counts sampled and
    exact (p95 of `repeat` runs each), the figures, and the difference and explain of one contact."""
    sampled_repeat = max(repeat, 20)
    level = sample_level()
    write(f"== feedback: designer estimate, per-restriction counts, difference, explain (server time, p95 of "
          f"{sampled_repeat} sampled / {repeat} exact runs); sample {level.label}; target "
          f"{_ms(TARGET_SECONDS)}")
    write(f"  {'shape':<20} {'hand SQL':>9} {'exact':>9} {'sampled':>9} {'clauses ex':>10} {'clauses s':>9} "
          f"{'diff s':>8} {'explain':>8}  {'exact count':>12} {'sampled figure':>20}  target")
    worst = 0.0
    sampled_contact = next(c for c in Contact.objects.order_by("pk")[:50_000].iterator() if in_sample(c.pk, level))
    for left in Segment.objects.filter(name__startswith=prefix + "feedback "):  # by an interrupted run
        _drop(left)
    for label, text, hand, params in shapes:
        node = parse(text)
        hand_time, true = p95(lambda hand=hand, params=params: _hand_count(hand, params), repeat)
        exact_time, exact = _exact(lambda node=node: estimate_size(node=node, exact=True), repeat)
        sampled_time, sampled = p95(lambda node=node: estimate_size(node=node, exact=False), sampled_repeat)
        clauses_exact = clauses_sampled = None
        if clause_counts(node=node, exact=False):
            clauses_exact, _ = _exact(lambda node=node: clause_counts(node=node, exact=True), repeat)
            clauses_sampled, _ = p95(lambda node=node: clause_counts(node=node, exact=False), sampled_repeat)
        segment = _live_copy(text, hand, params, f"{prefix}feedback {label}")
        try:
            diff_time, _ = p95(lambda node=node, segment=segment: estimate_size(node=node, segment=segment,
                                                                                exact=False), sampled_repeat)
        finally:
            _drop(segment)
        explain_time, _ = p95(lambda node=node: explain_contact(node=node, contact=sampled_contact,
                                                                at=timezone.now()), sampled_repeat)
        server = max(t for t in (sampled_time, clauses_sampled, diff_time, explain_time) if t is not None)
        worst = max(worst, server)
        verdict = "met" if server <= TARGET_SECONDS else f"missed by {_ms(server - TARGET_SECONDS)}"
        inside = "inside" if sampled["count"].low <= true <= sampled["count"].high else "OUTSIDE"
        # The hand SQL's window ends when the run began, the estimate's when it ran: a moving window may differ.
        if exact is None:
            check = "; the exact estimate timed out"
        else:
            check = "" if exact["count"] == true else f"; exact estimate {int(exact['count']):,}, its window later"
        write(f"  {label:<20} {_ms(hand_time):>9} {_ms(exact_time):>9} {_ms(sampled_time):>9} "
              f"{_ms(clauses_exact):>10} {_ms(clauses_sampled):>9} {_ms(diff_time):>8} {_ms(explain_time):>8}  "
              f"{true:>12,} {_figure(sampled['count']):>20}  {verdict} (true count {inside} the 95% interval{check})")
    verdict = "met" if worst <= TARGET_SECONDS else f"missed by {_ms(worst - TARGET_SECONDS)}"
    write(f"  worst interactive p95 (sampled estimate, clauses, difference, explain): {_ms(worst)}: target {verdict}")
    write("")
