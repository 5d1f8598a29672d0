"""Example segments on the demo data, so that a newcomer's first page is not empty."""

from django.core.management.base import BaseCommand
from django.db.models import Count

from interactions.models import INTERACTION_MODELS
from segments.models import Segment
from segments.services import segment_create, segment_go_live


def _busiest_journey():
    row = (INTERACTION_MODELS["EmailClicked"].objects.exclude(customer_journey_id=None)
           .values("customer_journey_id").annotate(n=Count("*")).order_by("-n").first())
    return row["customer_journey_id"] if row else None


class Command(BaseCommand):
    help = "Create a few example segments (two of them live) when there are no segments yet."

    def handle(self, *args, **options):
        if Segment.objects.exists():
            self.stdout.write("Segments exist already; no examples were added.")
            return
        journey = _busiest_journey()
        if journey is None:
            self.stdout.write("No email clicks to build examples on; load demo data first (seed_demo).")
            return
        examples = [
            ("Recent clickers of the busiest journey",
             "Clicked a message of the journey at least once in the last 45 days (the spec's example).",
             f"INTERACTION(EmailClicked, EmailClicked_ContactLink).FILTER(CustomerJourneyId == '{journey}')"
             ".HAVING(COUNT() >= 1, UTCDAYS(45))", True),
            ("Engaged openers", "Opened at least 3 emails in the last 90 days.",
             "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 3, UTCDAYS(90))", True),
            ("Gone quiet", "Opened no email in the last 90 days.",
             "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() == 0, UTCDAYS(90))", False),
            ("Engaged, but not recent clickers", "A compound segment: one segment but not the other.",
             "SEGMENT('Engaged openers') EXCEPT SEGMENT('Recent clickers of the busiest journey')", False),
        ]
        for name, description, query, live in examples:
            segment = segment_create(name=name, description=description, query_text=query)
            if live:
                segment_go_live(segment=segment)
        self.stdout.write(f"Created {len(examples)} example segments; "
                          f"{sum(live for *_, live in examples)} are live.")
