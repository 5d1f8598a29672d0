"""Example segments on the demo data, so that a newcomer's first page is not empty."""

from django.core.management.base import BaseCommand
from django.db.models import Count

from interactions.models import INTERACTION_MODELS, RECORD_MODELS
from segments.models import Segment
from segments.services import segment_create, segment_go_live

NEWSLETTER = "Monthly Newsletter"  # the demo's newsletter journey (interactions/demo)


def _busiest_journey():
    row = (INTERACTION_MODELS["EmailClicked"].objects.exclude(customer_journey_id=None)
           .values("customer_journey_id").annotate(n=Count("*")).order_by("-n").first())
    return row["customer_journey_id"] if row else None


class Command(BaseCommand):
    help = "Create a few example segments (four of them live) when there are no segments yet."

    def handle(self, *args, **options):
        if Segment.objects.exists():
            self.stdout.write("Segments exist already; no examples were added.")
            return
        journey = _busiest_journey()
        newsletter = (RECORD_MODELS["CustomerJourney"].objects.filter(name=NEWSLETTER)
                      .values_list("id", flat=True).first())
        if journey is None or newsletter is None:
            self.stdout.write(f"No email clicks or no '{NEWSLETTER}' journey to build examples on; "
                              "load demo data first (seed_demo).")
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
            ("Contacts in Oslo", "A profile segment: contacts by what they are, here where they live.",
             "PROFILE(contact).FILTER(address1_city == 'Oslo')", True),
            ("Decision makers at large accounts who never opened the newsletter",
             "A mixed segment: chiefs, VPs, directors and heads of at accounts with more than 500 employees, "
             "except those who opened the monthly newsletter.",
             "PROFILE(account).FILTER(numberofemployees > 500).TRAVERSE(contact_account_parentcustomerid)"
             ".FILTER(jobtitle STARTSWITH 'Chief' || jobtitle STARTSWITH 'VP' || jobtitle CONTAINS 'Director' || "
             "jobtitle STARTSWITH 'Head of') "
             f"EXCEPT INTERACTION(EmailOpened, EmailOpened_ContactLink).FILTER(CustomerJourneyId == '{newsletter}')"
             ".HAVING(COUNT() >= 1)", True),
        ]
        for name, description, query, live in examples:
            segment = segment_create(name=name, description=description, query_text=query)
            if live:
                segment_go_live(segment=segment)
        self.stdout.write(f"Created {len(examples)} example segments; "
                          f"{sum(live for *_, live in examples)} are live.")
