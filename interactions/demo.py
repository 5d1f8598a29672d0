"""Demo data: contacts, marketing records and a realistic stream of interactions, from a seed.

`DemoData(contacts=N, interactions=M, seed=S, anchor=A)` describes one data set; its `records()`,
`contacts()` and `interactions()` produce it, and `write_demo()` stores it (COPY on PostgreSQL,
executemany elsewhere, one transaction).

Determinism: everything, including every GUID, comes from `random.Random` instances seeded with S, and
every timestamp is a whole number of seconds counted from the anchor A (by default now, truncated to the
hour). The same seed and the same anchor give identical rows; a different anchor shifts the calendar
(weekends, months, record names with years) and so gives different data.

What the stream looks like:
- the time window is the 730 days before the anchor; activity follows the calendar (fewer interactions on
  weekends and around Christmas, a business-hours peak in UTC) and grows slowly over the two years;
- a contact's activity weight is lognormal, so a few contacts are very active and many are quiet
  (the top 10% of contacts typically do more than half of everything);
- interactions come in episodes: an email send and its funnel (sent, then delivered ~97% or a bounce or
  block; opened by ~20-30% of the delivered, some more than once; clicked by ~10-20% of the openers;
  now and then forwarded, a spam complaint or an unsubscribe), a website session, a form visit and
  submission, a redirect link, an event registration with check-in or cancellation, a survey response,
  a subscription-center visit, a lead score boost. IDs within an episode are consistent (the send's
  journey and email, the form's page, the event's promoting journey);
- follow-ups that would fall after the anchor (an open tomorrow, a check-in at a future event) have not
  happened yet and are left out;
- the number of interaction rows is exactly M: episodes are generated day by day until each day's share
  is reached, and the last episode is cut short at M.

Values are produced in a storage-neutral text form: GUIDs as 32 hex digits, timestamps as
'YYYY-MM-DD HH:MM:SS' in UTC, other values as str, int or None. Both PostgreSQL (uuid, timestamptz
with the session in UTC) and Django's SQLite columns take these as they are.
"""

from __future__ import annotations

import bisect
import operator
import queue
import random
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache

from django.db import connections, transaction
from django.utils import timezone

from .catalog import INTERACTION_TYPES, RECORD_TYPES

DEFAULT_CONTACTS = 2_000
DEFAULT_INTERACTIONS = 60_000
DEFAULT_SEED = 1
WINDOW_DAYS = 730
_DAY = 86_400
_UUID_V4_MASK = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID_V4_BITS = (0x4000 << 64) | (0x8000 << 48)


def default_anchor() -> datetime:
    """Now, truncated to the hour (UTC)."""
    return timezone.now().astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def guid_hex(rng: random.Random) -> str:
    """A version-4 GUID as 32 hex digits, drawn from rng (same as uuid.UUID(int=..., version=4).hex)."""
    return "%032x" % ((rng.getrandbits(128) & _UUID_V4_MASK) | _UUID_V4_BITS)


def guid_text(rng: random.Random) -> str:
    """A version-4 GUID in the usual 8-4-4-4-12 spelling, for opaque ID strings."""
    h = guid_hex(rng)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@cache
def _clock() -> tuple[str, ...]:
    return tuple(f" {h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60))


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in ascii_text.lower() if c.isalnum())


def _cumulative(weights) -> list[float]:
    total = 0.0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return out


# ---------------------------------------------------------------------------------------------------------
# Name material (fixed lists; no external data)

FIRST_NAMES = (
    "Olivia", "Liam", "Emma", "Noah", "Ava", "James", "Sophia", "William", "Isabella", "Benjamin", "Mia",
    "Lucas", "Charlotte", "Henry", "Amelia", "Alexander", "Harper", "Daniel", "Evelyn", "Michael", "Emily",
    "Matthew", "Abigail", "David", "Ella", "Joseph", "Grace", "Samuel", "Chloe", "Jack", "Victoria", "Ryan",
    "Hannah", "Nathan", "Zoë", "Thomas", "Lena", "Felix", "Anna", "Jonas", "Marie", "Leon", "Sophie", "Paul",
    "Clara", "Luca", "Giulia", "Marco", "Chiara", "Matteo", "Camille", "Hugo", "Léa", "Louis", "Chloé",
    "Mateo", "Lucía", "Santiago", "Valentina", "Diego", "Sofía", "Javier", "Carmen", "João", "Beatriz",
    "Pedro", "Ana", "Lars", "Ingrid", "Erik", "Astrid", "Mikael", "Freya", "Sven", "Maja", "Aarav", "Priya",
    "Rohan", "Ananya", "Vikram", "Meera", "Arjun", "Kavya", "Wei", "Mei", "Jun", "Yuki", "Haruto", "Sakura",
    "Min-jun", "Seo-yeon", "Ji-ho", "Amara", "Kwame", "Chidi", "Zanele", "Omar", "Layla", "Yusuf", "Fatima",
    "Mehmet", "Elif", "Piotr", "Zofia", "Jakub", "Katarzyna", "Sean", "Aoife", "Connor", "Niamh", "Ethan",
    "Madison", "Tyler", "Brooke", "Jordan", "Taylor", "Morgan", "Riley",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White",
    "Harris", "Clark", "Lewis", "Walker", "Hall", "Young", "King", "Wright", "Scott", "Green", "Baker",
    "Adams", "Nelson", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner", "Müller",
    "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Schulz", "Koch",
    "Dubois", "Lefèvre", "Moreau", "Laurent", "Bernard", "Fontaine", "Rossi", "Russo", "Ferrari", "Esposito",
    "Bianchi", "Romano", "Fernández", "López", "González", "Sánchez", "Pérez", "Silva", "Santos", "Oliveira",
    "Costa", "Johansson", "Andersson", "Nilsson", "Larsen", "Hansen", "Nielsen", "Jensen", "de Vries",
    "van Dijk", "Jansen", "Bakker", "Patel", "Sharma", "Gupta", "Singh", "Kumar", "Iyer", "Chen", "Wang",
    "Li", "Zhang", "Liu", "Tanaka", "Suzuki", "Sato", "Takahashi", "Kim", "Park", "Choi", "Okafor", "Mensah",
    "Nkosi", "Haddad", "Khan", "Yilmaz", "Kaya", "Nowak", "Kowalski", "Wiśniewski", "O'Brien", "Murphy",
    "Kelly", "Byrne", "MacDonald", "Fraser", "Novak", "Horváth",
)
PERSONAL_DOMAINS = (
    ("gmail.com", 30), ("outlook.com", 12), ("yahoo.com", 6), ("hotmail.com", 5), ("icloud.com", 4),
    ("gmx.de", 2), ("web.de", 1.5), ("orange.fr", 1), ("proton.me", 1),
)
COMPANY_DOMAINS = (
    "fabrikam.com", "adventure-works.com", "northwindtraders.com", "wingtiptoys.com", "tailspintoys.com",
    "litwareinc.com", "proseware.com", "woodgrovebank.com", "alpineskihouse.com", "blueyonderairlines.com",
    "cohowinery.com", "fourthcoffee.com", "margiestravel.com", "lucernepublishing.com", "treyresearch.net",
    "humongousinsurance.com", "wideworldimporters.com", "relecloud.com", "bellowscollege.edu",
    "graphicdesigninstitute.com", "consolidatedmessenger.com", "southridgevideo.com",
)

# country, weight, cities: (city, state or None, postal code pattern: '#' is a digit)
COUNTRIES = (
    ("US", 30, (("New York", "NY", "100##"), ("San Francisco", "CA", "941##"), ("Seattle", "WA", "981##"),
                ("Chicago", "IL", "606##"), ("Austin", "TX", "787##"), ("Boston", "MA", "021##"),
                ("Denver", "CO", "802##"), ("Atlanta", "GA", "303##"))),
    ("GB", 10, (("London", "England", "EC#A #AB"), ("Manchester", "England", "M# #AB"),
                ("Edinburgh", "Scotland", "EH# #AB"), ("Bristol", "England", "BS# #AB"))),
    ("DE", 10, (("Berlin", "Berlin", "10###"), ("München", "Bayern", "80###"), ("Hamburg", "Hamburg", "20###"),
                ("Köln", "Nordrhein-Westfalen", "50###"), ("Frankfurt am Main", "Hessen", "60###"))),
    ("FR", 6, (("Paris", "Île-de-France", "750##"), ("Lyon", "Auvergne-Rhône-Alpes", "6900#"),
               ("Toulouse", "Occitanie", "310##"))),
    ("CA", 5, (("Toronto", "ON", "M5V ###"), ("Vancouver", "BC", "V6B ###"), ("Montréal", "QC", "H2X ###"))),
    ("IN", 5, (("Bengaluru", "Karnataka", "5600##"), ("Mumbai", "Maharashtra", "4000##"),
               ("Hyderabad", "Telangana", "5000##"))),
    ("NL", 4, (("Amsterdam", "Noord-Holland", "10## AB"), ("Rotterdam", "Zuid-Holland", "30## CD"))),
    ("AU", 4, (("Sydney", "NSW", "2###"), ("Melbourne", "VIC", "3###"), ("Brisbane", "QLD", "4###"))),
    ("ES", 3, (("Madrid", "Comunidad de Madrid", "280##"), ("Barcelona", "Cataluña", "080##"))),
    ("IT", 3, (("Milano", "Lombardia", "201##"), ("Roma", "Lazio", "001##"))),
    ("BR", 3, (("São Paulo", "SP", "01###-###"), ("Rio de Janeiro", "RJ", "20###-###"))),
    ("SE", 2, (("Stockholm", None, "1## ##"), ("Göteborg", None, "4## ##"))),
    ("CH", 2, (("Zürich", "ZH", "80##"), ("Genève", "GE", "12##"))),
    ("IE", 2, (("Dublin", None, "D0#"), ("Cork", None, "T12"))),
    ("PL", 2, (("Warszawa", "Mazowieckie", "00-###"), ("Kraków", "Małopolskie", "30-###"))),
    ("JP", 2, (("Tokyo", "Tokyo", "1##-####"), ("Osaka", "Osaka", "5##-####"))),
    ("MX", 2, (("Ciudad de México", "CDMX", "06###"), ("Guadalajara", "Jalisco", "44###"))),
    ("DK", 1, (("København", None, "1###"),)),
    ("SG", 1, (("Singapore", None, "0#####"),)),
    ("ZA", 1, (("Cape Town", "Western Cape", "80##"), ("Johannesburg", "Gauteng", "20##"))),
)
BROWSERS = (  # name, weight, versions
    ("Chrome", 62, ("124.0", "126.0", "128.0", "131.0", "133.0")),
    ("Safari", 20, ("17.4", "17.6", "18.1", "18.3")),
    ("Edge", 10, ("124.0", "128.0", "131.0")),
    ("Firefox", 6, ("125.0", "128.0", "133.0")),
    ("Samsung Internet", 2, ("25.0", "26.0")),
)
OPERATING_SYSTEMS = {  # browser -> (os, weight, versions)
    "Chrome": (("Windows", 55, ("10", "11")), ("Android", 25, ("13", "14", "15")), ("macOS", 15, ("14.5", "15.1")),
               ("Linux", 5, (None,))),
    "Safari": (("iOS", 60, ("17.5", "18.1", "18.3")), ("macOS", 40, ("14.5", "15.1", "15.3"))),
    "Edge": (("Windows", 95, ("10", "11")), ("macOS", 5, ("15.1",))),
    "Firefox": (("Windows", 60, ("10", "11")), ("Linux", 25, (None,)), ("macOS", 15, ("14.5",))),
    "Samsung Internet": (("Android", 100, ("13", "14")),),
}

# (friendly name, address) of the links in emails; the first is the pricing page.
EMAIL_LINKS = (
    ("See plans and pricing", "https://www.contoso.com/pricing"),
    ("Take the product tour", "https://www.contoso.com/products/segment-designer"),
    ("Read the blog post", "https://blog.contoso.com/posts/data-driven-marketing"),
    ("Register now", "https://events.contoso.com/webinars"),
    ("Request a demo", "https://www.contoso.com/demo"),
    ("Read customer stories", "https://www.contoso.com/customers"),
    ("Download the playbook", "https://www.contoso.com/resources/marketing-playbook"),
    ("Start your free trial", "https://www.contoso.com/trial"),
    ("Contact sales", "https://www.contoso.com/contact"),
    ("Manage your preferences", "https://www.contoso.com/preferences"),
)
REDIRECT_LINKS = (  # short link, target
    ("https://go.contoso.com/pricing", "https://www.contoso.com/pricing"),
    ("https://go.contoso.com/summit", "https://events.contoso.com/summit"),
    ("https://go.contoso.com/trial", "https://www.contoso.com/trial"),
    ("https://go.contoso.com/playbook", "https://www.contoso.com/resources/marketing-playbook"),
    ("https://go.contoso.com/webinar", "https://events.contoso.com/webinars"),
    ("https://go.contoso.com/linkedin-ad", "https://www.contoso.com/products/segment-designer"),
)
# website name, weight, base address, paths
WEBSITES = (
    ("Contoso Main Website", 60, "https://www.contoso.com",
     ("/", "/pricing", "/products", "/products/segment-designer", "/products/customer-journeys", "/solutions/retail",
      "/solutions/financial-services", "/customers", "/about", "/contact", "/demo", "/trial",
      "/resources/marketing-playbook", "/preferences")),
    ("Contoso Blog", 25, "https://blog.contoso.com",
     ("/", "/posts/data-driven-marketing", "/posts/10-tips-for-better-segments",
      "/posts/email-deliverability-checklist", "/posts/lead-scoring-101", "/posts/consent-and-gdpr")),
    ("Contoso Support Portal", 10, "https://support.contoso.com",
     ("/", "/docs/getting-started", "/docs/segments", "/docs/import-contacts", "/kb/bounced-emails")),
    ("Contoso Events", 5, "https://events.contoso.com", ("/", "/summit", "/webinars", "/roadshow")),
)
# marketing page name, address, form shown on it (or None)
PAGES = (
    ("Pricing Page", "https://www.contoso.com/pricing", "Pricing Inquiry"),
    ("Demo Request Page", "https://www.contoso.com/demo", "Request a Demo"),
    ("Free Trial Page", "https://www.contoso.com/trial", "Free Trial Signup"),
    ("Contact Us Page", "https://www.contoso.com/contact", "Contact Us"),
    ("Marketing Playbook Landing Page", "https://www.contoso.com/resources/marketing-playbook",
     "Whitepaper Download: Data-driven Marketing Playbook"),
    ("Subscription Center", "https://www.contoso.com/preferences", "Preference Center"),
    ("Newsletter Signup Page", "https://blog.contoso.com/", "Newsletter Signup"),
    ("Webinar Landing Page", "https://events.contoso.com/webinars", "Webinar Registration"),
    ("Customer Summit Page", "https://events.contoso.com/summit", "Event Registration"),
    ("Roadshow Page", "https://events.contoso.com/roadshow", "Event Registration"),
    ("Segment Designer Product Page", "https://www.contoso.com/products/segment-designer", None),
    ("Customer Stories Page", "https://www.contoso.com/customers", "Case Study Download"),
    ("Partner Program Page", "https://www.contoso.com/partners", "Partner Application"),
)
FORMS = (  # name, submit rate
    ("Pricing Inquiry", 0.35), ("Request a Demo", 0.45), ("Free Trial Signup", 0.55), ("Contact Us", 0.4),
    ("Whitepaper Download: Data-driven Marketing Playbook", 0.6), ("Preference Center", 0.7),
    ("Newsletter Signup", 0.5), ("Webinar Registration", 0.6), ("Event Registration", 0.5),
    ("Case Study Download", 0.5), ("Partner Application", 0.3), ("Customer Feedback", 0.4),
)
SEGMENTS = (
    "Monthly Newsletter", "Product Updates", "Event Invitations", "Webinar Alerts", "Special Offers",
    "Partner News", "Customer Success Stories", "Developer Digest",
)
SURVEYS = (
    "Net Promoter Score Survey", "Customer Satisfaction Survey", "Post-Event Feedback", "Webinar Feedback Survey",
    "Product Feedback: Segment Designer", "Onboarding Experience Survey",
)
WEBINAR_TOPICS = (
    "Data-driven Marketing", "Building Customer Journeys", "Email Deliverability Best Practices",
    "Segmentation Masterclass", "Measuring Campaign ROI", "Personalization at Scale",
    "Consent Management and GDPR", "Lead Scoring 101", "From Leads to Loyal Customers",
)
CONFERENCES = (  # name, month, day, weight
    ("Contoso Customer Summit {y}", 5, 14, 3.0), ("Marketing Innovation Day {y}", 10, 8, 2.0),
    ("Roadshow Berlin {y}", 3, 20, 1.0), ("Roadshow London {y}", 6, 12, 1.0), ("Roadshow New York {y}", 9, 24, 1.0),
)
# Seasonal campaigns: name, month, day, duration in days, segment, weight, emails
CAMPAIGNS = (
    ("New Year Kickoff {y}", 1, 8, 30, "Special Offers", 1.0, ("Kickoff Offer", "Reminder: Kickoff Offer")),
    ("Spring Product Launch {y}", 3, 1, 75, "Product Updates", 1.6,
     ("Teaser: Something New Is Coming", "Launch Announcement", "Feature Deep Dive", "Last Chance: Launch Offer")),
    ("Customer Summit {y} Invitations", 3, 20, 55, "Event Invitations", 1.2,
     ("Save the Date", "Registration Is Open", "Agenda and Speakers", "Final Reminder")),
    ("Summer Sale {y}", 6, 15, 45, "Special Offers", 1.2, ("Summer Sale Starts Now", "Summer Sale: Final Days")),
    ("Back to Business {y}", 9, 1, 40, "Product Updates", 1.0, ("Back to Business Guide", "Plan Your Q4")),
    ("Black Friday {y}", 11, 12, 20, "Special Offers", 1.8,
     ("Black Friday Preview", "Black Friday Deals Are Live", "Cyber Monday: Last Chance")),
    ("Year-End Customer Appreciation {y}", 12, 1, 28, "Customer Success Stories", 0.8,
     ("Thank You for a Great Year", "Your Year in Review")),
)
EVERGREEN = (  # name, segment, weight, emails (all active all the time)
    ("Welcome Series", "Product Updates", 1.5,
     ("Welcome to Contoso", "Getting Started Guide", "Meet Your Account Team")),
    ("Free Trial Nurture", "Product Updates", 1.2,
     ("Your Trial Has Started", "Tips for Your First Week", "Your Trial Ends Soon", "Upgrade Offer")),
    ("Re-engagement: We Miss You", "Special Offers", 0.6, ("We Miss You", "Still Interested?")),
    ("Partner Program Onboarding", "Partner News", 0.3, ("Welcome, Partner", "Partner Portal Tour")),
)
BOUNCE_CATEGORIES = {
    "EmailHardBounced": ("Invalid recipient", "Mailbox does not exist", "Domain does not exist"),
    "EmailSoftBounced": ("Mailbox full", "Temporary failure", "Message too large"),
    "EmailBlockBounced": ("Blocked as spam", "Blocked by recipient server policy"),
}
BLOCKED_REASONS = ("Recipient on suppression list", "Previously hard bounced", "Invalid email address",
                   "Recipient unsubscribed")
REFERRERS = (  # address, search engine or None, weight
    (None, None, 30), ("https://www.google.com/", "Google", 35), ("https://www.bing.com/", "Bing", 8),
    ("https://duckduckgo.com/", "DuckDuckGo", 2), ("https://www.linkedin.com/", None, 12),
    ("https://twitter.com/", None, 4), ("https://www.facebook.com/", None, 4),
    ("https://news.ycombinator.com/", None, 1),
)
SEARCH_PHRASES = ("segment designer", "marketing automation software", "customer journey tool", "contoso pricing",
                  "email marketing segmentation", "lead scoring best practices", "contoso webinar")
SCORE_WEIGHTS = (2, 1, 1.5, 2, 2.5, 4, 5, 9, 14, 20, 16)  # NPS-like answers 0..10
BOOST_VALUES = (5, 10, 10, 15, 20, 25, 50)
HOUR_WEIGHTS = (1, 0.6, 0.5, 0.5, 0.6, 1, 2, 4, 7, 9, 10, 9, 8, 9, 10, 9, 7, 5, 4, 3.5, 3, 2.5, 2, 1.5)
WEEKDAY_WEIGHTS = (1.0, 1.1, 1.05, 1.0, 0.85, 0.35, 0.3)  # Monday first
EPISODES = (  # kind, weight (of episodes, not rows)
    ("email", 68), ("web", 14), ("form", 5), ("event", 3), ("redirect", 3), ("survey", 2),
    ("subscription", 1.5), ("boost", 2),
)


# ---------------------------------------------------------------------------------------------------------
# The data set


@dataclass
class _Journey:
    index: int
    id: str
    name: str
    segment: str  # segment id
    weight: float
    start: int  # first day (may be < 0)
    end: int  # last day
    iteration: str
    messages: list[tuple[int, int, int, str]] = field(default_factory=list)  # (message, first day, last day, activity)


@dataclass
class _Event:
    id: str
    day: int
    hour: int
    weight: float
    journey: int | None  # promoting journey


class DemoData:
    """One demo data set; the same arguments always describe the same rows."""

    def __init__(self, *, contacts: int = DEFAULT_CONTACTS, interactions: int = DEFAULT_INTERACTIONS,
                 seed: int = DEFAULT_SEED, anchor: datetime | None = None):
        if contacts < 0 or interactions < 0:
            raise ValueError("counts must not be negative")
        if interactions and not contacts:
            raise ValueError("interactions need at least one contact")
        anchor = default_anchor() if anchor is None else anchor
        if anchor.tzinfo is None:
            raise ValueError("the anchor must be timezone-aware")
        self.contact_count = contacts
        self.interaction_count = interactions
        self.seed = seed
        self.anchor = anchor.astimezone(UTC).replace(microsecond=0)
        # Seconds are counted from `origin`, a UTC midnight; the window is [lo, hi).
        self.origin = self.anchor.replace(hour=0, minute=0, second=0) - timedelta(days=WINDOW_DAYS)
        self.lo = int((self.anchor - timedelta(days=WINDOW_DAYS) - self.origin).total_seconds())
        self.hi = self.lo + WINDOW_DAYS * _DAY
        self.day_count = (self.hi - 1) // _DAY + 1
        self._day_text = [(self.origin + timedelta(days=d)).strftime("%Y-%m-%d") for d in range(self.day_count + 1)]
        rng = random.Random(seed)
        self._build_records(rng)
        self._build_contacts(rng)

    # -- helpers

    def timestamp(self, second: int) -> str:
        """'YYYY-MM-DD HH:MM:SS' (UTC) of a second counted from the origin."""
        return self._day_text[second // _DAY] + _clock()[second % _DAY]

    def _day(self, d: date) -> int:
        return (d - self.origin.date()).days

    @property
    def window(self) -> tuple[datetime, datetime]:
        """The first and the last moment interactions can have (inclusive, exclusive)."""
        return self.anchor - timedelta(days=WINDOW_DAYS), self.anchor

    # -- records

    def _record(self, rng, kind: str, name: str) -> str:
        rid = guid_hex(rng)
        self._records[kind].append((rid, name))
        return rid

    def _build_records(self, rng: random.Random):
        self._records: dict[str, list[tuple[str, str]]] = {r.name: [] for r in RECORD_TYPES}
        years = range(self.origin.year - 1, self.anchor.year + 2)
        self.segment_ids = {name: self._record(rng, "Segment", name) for name in SEGMENTS}
        self.survey_ids = [self._record(rng, "Survey", name) for name in SURVEYS]
        self.form_ids = {name: self._record(rng, "MarketingForm", name) for name, _ in FORMS}
        self.form_submit_rate = {self.form_ids[name]: rate for name, rate in FORMS}
        self.pages = []  # (page id, address, form id or None)
        for name, address, form in PAGES:
            self.pages.append((self._record(rng, "MarketingPage", name), address, self.form_ids.get(form)))
        self.page_by_address = {address: (pid, form) for pid, address, form in self.pages}
        self.form_pages = [(pid, form) for pid, _, form in self.pages if form]
        orphan_forms = [fid for fid in self.form_ids.values() if fid not in {f for _, f in self.form_pages}]
        self.form_pages += [(None, fid) for fid in orphan_forms]  # forms embedded elsewhere
        self.websites = []  # (id, addresses)
        for name, _, base, paths in WEBSITES:
            self.websites.append((self._record(rng, "Website", name), tuple(base + p for p in paths)))
        self.website_cum = _cumulative(w for _, w, _, _ in WEBSITES)
        self.website_of_address = {a: wid for wid, addresses in self.websites for a in addresses}

        self.journeys: list[_Journey] = []
        self.messages: list[tuple[str, list[tuple[str, str, str, str]]]] = []  # (id, links)

        def journey(name, segment, weight, start, end):
            j = _Journey(len(self.journeys), self._record(rng, "CustomerJourney", name), name,
                         self.segment_ids[segment], weight, start, end, guid_text(rng))
            self.journeys.append(j)
            return j

        def message(j: _Journey, name: str, start: int, end: int):
            mid = self._record(rng, "MarketingEmail", name)
            n = rng.choice((2, 3, 3, 4))
            chosen = ([0] if rng.random() < 0.5 else []) + rng.sample(range(1, len(EMAIL_LINKS)), n)
            links = []
            for i in chosen[:n]:
                friendly, url = EMAIL_LINKS[i]
                original = f"{url}?utm_source=email&utm_medium=email&utm_campaign={_slug(j.name)}"
                links.append((guid_text(rng), friendly, original, url))
            self.messages.append((mid, links))
            j.messages.append((len(self.messages) - 1, start, end, guid_text(rng)))

        last = self.day_count - 1
        for name, segment, weight, emails in EVERGREEN:
            j = journey(name, segment, weight, 0, last)
            for subject in emails:
                message(j, subject, 0, last)
        # The monthly newsletter and the quarterly product digest: one email per month or quarter.
        news = journey("Monthly Newsletter", "Monthly Newsletter", 3.0, 0, last)
        digest = journey("Product Updates Digest", "Product Updates", 1.0, 0, last)
        month = date(self.origin.year, self.origin.month, 1)
        while self._day(month) <= last:
            following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
            start, end = max(0, self._day(month)), min(last, self._day(following) - 1)
            message(news, f"Monthly Newsletter – {month:%B %Y}", start, end)
            if month.month in (1, 4, 7, 10):
                quarter_end = date(month.year + (month.month + 2) // 12, (month.month + 2) % 12 + 1, 1)
                message(digest, f"Product Updates – Q{(month.month - 1) // 3 + 1} {month.year}", start,
                        min(last, self._day(quarter_end) - 1))
            month = following
        for name, m, d, duration, segment, weight, emails in CAMPAIGNS:
            for y in years:
                start = self._day(date(y, m, d))
                end = start + duration - 1
                if end < 0 or start > last:
                    continue
                j = journey(name.format(y=y), segment, weight, start, end)
                step = duration / len(emails)
                for i, subject in enumerate(emails):
                    first = start + int(i * step)
                    message(j, f"{j.name}: {subject}", max(0, first), min(last, start + duration - 1))

        # Events: a webinar every three weeks (promoted by a journey of its own) and yearly conferences.
        self.events: list[_Event] = []
        webinar_journey = journey("Webinar Promotion", "Webinar Alerts", 1.5, 0, last)
        topic = 0
        for d in range(10, last + 60, 21):
            when = self.origin.date() + timedelta(days=d)
            if when.weekday() >= 5:
                d += 7 - when.weekday()
                when = self.origin.date() + timedelta(days=d)
            name = f"Webinar: {WEBINAR_TOPICS[topic % len(WEBINAR_TOPICS)]} ({when:%b %Y})"
            topic += 1
            eid = self._record(rng, "Event", name)
            self.events.append(_Event(eid, d, 16, 1.0, webinar_journey.index))
            if d - 21 <= last:
                message(webinar_journey, f"Invitation: {name}", max(0, d - 21), min(last, d - 1))
        summit_journeys = {j.name[len("Customer Summit "):-len(" Invitations")]: j.index
                           for j in self.journeys if j.name.startswith("Customer Summit ")}
        for name, m, d, weight in CONFERENCES:
            for y in years:
                day = self._day(date(y, m, d))
                if day < -30 or day > last + 90:
                    continue
                eid = self._record(rng, "Event", name.format(y=y))
                promoter = summit_journeys.get(str(y)) if name.startswith("Contoso Customer Summit") else None
                self.events.append(_Event(eid, day, 9, weight, promoter))

        # What can happen on each day: the emails being sent and the events open for registration.
        self.day_sends = []
        self.day_events = []
        for d in range(self.day_count):
            sends, weights = [], []
            for j in self.journeys:
                if j.start <= d <= j.end:
                    active = [(m, act) for m, first, end, act in j.messages if first <= d <= end]
                    for m, act in active:
                        sends.append((j.index, m, act))
                        weights.append(j.weight / len(active))
            self.day_sends.append((sends, _cumulative(weights)))
            events = [e for e in self.events if d < e.day <= d + 35]
            self.day_events.append((events, _cumulative(e.weight for e in events)))
        self.redirects = [(guid_text(rng), short, target) for short, target in REDIRECT_LINKS]

    def records(self) -> dict[str, list[tuple[str, str]]]:
        """Record type name -> [(id as 32 hex digits, name)]."""
        return {k: list(v) for k, v in self._records.items()}

    # -- contacts

    def _build_contacts(self, rng: random.Random):
        n = self.contact_count
        self.contact_ids: list[str] = []
        self.contact_names: list[str] = []
        self.contact_emails: list[str] = []
        self.contact_domains: list[str] = []
        self.contact_profiles: list[int] = []
        self.contact_created: list[int] = []
        personal_cum = _cumulative(w for _, w in PERSONAL_DOMAINS)
        used: set[str] = set()
        weights = []
        for _ in range(n):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            f, lname = _slug(first), _slug(last)
            if rng.random() < 0.45:
                domain = rng.choice(COMPANY_DOMAINS)
                local = rng.choice((f"{f}.{lname}", f"{f[0]}{lname}", f"{f}.{lname}", f"{f}{lname[0]}"))
            else:
                domain = rng.choices(PERSONAL_DOMAINS, cum_weights=personal_cum)[0][0]
                local = rng.choice((f"{f}.{lname}", f"{f}{lname}", f"{f}_{lname}", f"{f}.{lname}{rng.randint(1, 99)}",
                                    f"{f}{rng.randint(70, 99)}"))
            email = f"{local}@{domain}"
            while email in used:
                email = f"{local}{rng.randint(2, 9999)}@{domain}"
            used.add(email)
            self.contact_ids.append(guid_hex(rng))
            self.contact_names.append(f"{first} {last}")
            self.contact_emails.append(email)
            self.contact_domains.append(domain)
            self.contact_profiles.append(rng.randrange(_PROFILES))
            # Known before the window opens: within the year before it.
            self.contact_created.append(self.lo - rng.randrange(1, 365 * _DAY))
            weights.append(rng.lognormvariate(0.0, 1.5))
        # Emails go to lists, so sends are less skewed than what contacts do themselves; engaged contacts
        # open and click more often.
        send_weights = [w**0.5 for w in weights]
        self.active_cum = _cumulative(weights)
        self.send_cum = _cumulative(send_weights)
        total_send = sum(send_weights) or 1.0
        mean_eng = sum(s * w**0.3 for s, w in zip(send_weights, weights, strict=True)) / total_send if n else 1.0
        self.engagement = [w**0.3 / mean_eng for w in weights]
        self._profiles = _make_profiles(random.Random(rng.getrandbits(64)))

    def contacts(self) -> Iterator[tuple[str, str, str, str]]:
        """(ContactId as 32 hex digits, FullName, Email, created as 'YYYY-MM-DD HH:MM:SS')."""
        for i in range(self.contact_count):
            created = self.origin + timedelta(seconds=self.contact_created[i])
            yield (self.contact_ids[i], self.contact_names[i], self.contact_emails[i],
                   created.strftime("%Y-%m-%d %H:%M:%S"))

    # -- interactions

    def interactions(self, text: bool = False) -> Iterator[tuple[str, tuple | str]]:
        """(type name, row) for exactly `interactions` rows; rows follow the catalog's column order.

        With text=True each row is instead one line of PostgreSQL COPY text (without the newline).
        """
        return _Stream(self, text).rows()


_PROFILES = 4096


def _make_profiles(rng: random.Random) -> list[dict]:
    """Locations and devices with gaps, as tracking delivers them (no geo lookup, no version, ...)."""
    country_cum = _cumulative(w for _, w, _ in COUNTRIES)
    browser_cum = _cumulative(w for _, w, _ in BROWSERS)
    profiles = []
    for _ in range(_PROFILES):
        country, _, cities = rng.choices(COUNTRIES, cum_weights=country_cum)[0]
        city, state, postal = rng.choice(cities)
        postal = "".join(str(rng.randrange(10)) if c == "#" else c for c in postal)
        browser, _, versions = rng.choices(BROWSERS, cum_weights=browser_cum)[0]
        systems = OPERATING_SYSTEMS[browser]
        os_name, _, os_versions = rng.choices(systems, weights=[w for _, w, _ in systems])[0]
        p = {"CountryIsoCode": country, "State": state, "City": city, "PostalCode": postal, "BrowserId": browser,
             "BrowserVersion": rng.choice(versions), "OperatingSystemId": os_name,
             "OperatingSystemVersion": rng.choice(os_versions)}
        if rng.random() < 0.08:  # no location at all
            for key in ("CountryIsoCode", "State", "City", "PostalCode"):
                p[key] = None
        else:
            if rng.random() < 0.12:
                p["City"] = None
            if rng.random() < 0.35:
                p["PostalCode"] = None
            if rng.random() < 0.2:
                p["State"] = None
        if rng.random() < 0.1:
            p["BrowserVersion"] = None
        if rng.random() < 0.1:
            p["OperatingSystemVersion"] = None
        if rng.random() < 0.03:
            p["BrowserId"] = p["BrowserVersion"] = None
        profiles.append(p)
    return profiles


def _getter(names: tuple[str, ...]) -> Callable[[dict], tuple]:
    if len(names) == 1:
        name = names[0]
        return lambda ctx: (ctx[name],)
    return operator.itemgetter(*names)


class _Stream:
    """Generates the interaction rows of a DemoData, episode by episode, day by day.

    In text mode a row is one line of PostgreSQL COPY text (tab-separated, \\N for a missing value, numbers
    as digits) instead of a tuple; the values are the same. Episodes write `self.null` for a missing value
    and `self.number(n)` for a number so that the text line needs no per-value conversion.
    """

    def __init__(self, data: DemoData, text: bool = False):
        self.data = data
        self.null = "\\N" if text else None
        self.number = str if text else int
        if text:
            self.emit = self.emit_text
        self.profiles = [{k: self.null if v is None else v for k, v in p.items()} for p in data._profiles]
        self.rng = random.Random(data.seed * 1_000_003 + 17)
        self.getters = {t.name: _getter(tuple(f.name for f in t.fields)) for t in INTERACTION_TYPES}
        names: list[str] = []
        for t in INTERACTION_TYPES:
            names.extend(f.name for f in t.fields if f.name not in names)
        self.blank = dict.fromkeys(names, self.null)
        self.out: list[tuple[str, tuple]] = []
        self.hour_cum = _cumulative(HOUR_WEIGHTS)
        self.episode_kinds = [k for k, _ in EPISODES]
        self.episode_cum = _cumulative(w for _, w in EPISODES)
        self.referrer_cum = _cumulative(w for _, _, w in REFERRERS)
        self.score_cum = _cumulative(SCORE_WEIGHTS)

    # -- calendar

    def _day_weights(self) -> list[float]:
        data, rng = self.data, self.rng
        weights = []
        for d in range(data.day_count):
            day = data.origin.date() + timedelta(days=d)
            w = WEEKDAY_WEIGHTS[day.weekday()] * (0.55 + 0.45 * d / data.day_count) * rng.uniform(0.85, 1.15)
            if (day.month == 12 and day.day >= 22) or (day.month == 1 and day.day <= 2):
                w *= 0.45
            elif day.month == 8:
                w *= 0.8
            start, end = max(data.lo, d * _DAY), min(data.hi, (d + 1) * _DAY)
            weights.append(w * max(0, end - start) / _DAY)
        return weights

    def rows(self) -> Iterator[tuple[str, tuple]]:
        data, rng = self.data, self.rng
        total = data.interaction_count
        if total == 0:
            return
        weights = self._day_weights()
        cum = _cumulative(weights)
        emitted = 0
        episodes = {"email": self.email, "web": self.web, "form": self.form, "event": self.event,
                    "redirect": self.redirect, "survey": self.survey, "subscription": self.subscription,
                    "boost": self.boost}
        out = self.out
        random_ = rng.random
        kinds, kinds_cum = self.episode_kinds, self.episode_cum
        kinds_total = kinds_cum[-1]
        for d in range(data.day_count):
            target = total if d == data.day_count - 1 else round(total * cum[d] / cum[-1])
            lo, hi = max(data.lo, d * _DAY), min(data.hi, (d + 1) * _DAY)
            full_day = hi - lo == _DAY
            while emitted < target:
                if full_day:
                    hour = bisect.bisect(self.hour_cum, random_() * self.hour_cum[-1])
                    start = lo + hour * 3600 + int(random_() * 3600)
                else:
                    start = lo + int(random_() * (hi - lo))
                kind = kinds[bisect.bisect(kinds_cum, random_() * kinds_total)]
                out.clear()
                episodes[kind](d, start)
                for item in out:
                    yield item
                    emitted += 1
                    if emitted == total:
                        return

    # -- building blocks

    def _contact(self, cum) -> int:
        return bisect.bisect(cum, self.rng.random() * cum[-1])

    def _ctx(self, c: int, web: bool) -> dict:
        data = self.data
        ctx = self.blank.copy()
        ctx["EmailDomain"] = data.contact_domains[c]
        ctx["EmailAddressUsed"] = data.contact_emails[c]
        ctx["c"] = data.contact_ids[c]
        if web:
            ctx.update(self.profiles[data.contact_profiles[c]])
            h = ctx["c"]
            ctx["VisitorId"] = f"{h[16:24]}-{h[24:28]}-{h[4:8]}-{h[8:12]}-{h[:4]}{h[28:]}"
        return ctx

    def emit(self, type_name: str, second: int, ctx: dict):
        if second < self.data.hi:
            self.out.append((type_name, (guid_hex(self.rng), ctx["c"], self.data.timestamp(second))
                             + self.getters[type_name](ctx)))

    def emit_text(self, type_name: str, second: int, ctx: dict):
        if second < self.data.hi:
            self.out.append((type_name, f"{guid_hex(self.rng)}\t{ctx['c']}\t{self.data.timestamp(second)}\t"
                             + "\t".join(self.getters[type_name](ctx))))

    def _journey_fields(self, ctx: dict, journey: int, message: int | None, activity: str | None):
        data = self.data
        j = data.journeys[journey]
        ctx["CustomerJourneyId"] = j.id
        ctx["CustomerJourneyIterationId"] = j.iteration
        ctx["ActivityId"] = activity
        if message is not None:
            ctx["MessageId"] = data.messages[message][0]

    def _delay(self, mu: float, sigma: float, cap: int) -> int:
        return min(cap, int(self.rng.lognormvariate(mu, sigma))) + 1

    def _pick_send(self, d: int):
        sends, cum = self.data.day_sends[d]
        return sends[bisect.bisect(cum, self.rng.random() * cum[-1])]

    # -- episodes

    def email(self, d: int, t: int):
        data, rng = self.data, self.rng
        random_ = rng.random
        c = self._contact(data.send_cum)
        ctx = self._ctx(c, web=True)
        journey, message, activity = self._pick_send(d)
        self._journey_fields(ctx, journey, message, activity)
        ctx["SendingId"] = f"{data.messages[message][0][:24]}{d:08x}"
        ctx["UsageType"] = "Commercial" if random_() < 0.93 else "Transactional"
        emit = self.emit
        emit("EmailSent", t, ctx)
        t += 2 + int(random_() * 90)
        r = random_()
        if r >= 0.97:
            if r < 0.982:
                kind = "EmailHardBounced"
            elif r < 0.992:
                kind = "EmailSoftBounced"
            elif r < 0.996:
                kind = "EmailBlockBounced"
            else:
                kind = "EmailBlocked"
                ctx["BlockedReason"] = rng.choice(BLOCKED_REASONS)
            if kind != "EmailBlocked":
                ctx["BounceCategory"] = rng.choice(BOUNCE_CATEGORIES[kind])
            emit(kind, t, ctx)
            return
        emit("EmailDelivered", t, ctx)
        eng = data.engagement[c]
        if random_() < 0.0006:
            emit("EmailFeedbackLoop", t + self._delay(9, 1.5, 20 * _DAY), ctx)
            return
        if random_() >= min(0.85, 0.24 * eng):
            return
        links = data.messages[message][1]
        t += self._delay(8.0, 1.6, 14 * _DAY)
        emit("EmailOpened", t, ctx)
        opened_at = t
        while random_() < 0.3:
            t += self._delay(9.0, 1.5, 10 * _DAY)
            emit("EmailOpened", t, ctx)
        if random_() < 0.004:
            ctx["SecondaryRecipientProfileId"] = guid_text(rng)
            emit("EmailForwarded", opened_at + self._delay(6, 1.5, 3 * _DAY), ctx)
        if random_() < 0.004:
            ctx["SegmentId"] = data.journeys[journey].segment
            emit("SegmentUnsubscribed", opened_at + self._delay(4, 1, 3600), ctx)
            return
        if random_() >= min(0.6, 0.15 * eng):
            return
        t = opened_at + self._delay(4.0, 1.3, 2 * _DAY)
        while True:
            link_id, friendly, original, url = links[int(random_() * len(links))]
            ctx["LinkId"], ctx["LinkFriendlyName"], ctx["OriginalLink"], ctx["OriginalUrl"] = (
                link_id, friendly, original, url)
            emit("EmailClicked", t, ctx)
            if random_() < 0.5:
                self._visit(t + 2, ctx, url, referrer=self.null, pages=1 + int(random_() * 3), with_journey=True)
            if url.endswith("/pricing") and random_() < 0.5:
                ctx["BoostValue"] = self.number(10)
                emit("LeadScoreBoost", t + 5, ctx)
            if random_() >= 0.25:
                break
            t += self._delay(4.0, 1.0, 3600)

    def _visit(self, t: int, ctx: dict, address: str, referrer: str | None, pages: int, with_journey: bool):
        """A website session starting at `address`; may end on a form."""
        data, rng = self.data, self.rng
        random_ = rng.random
        ctx["SessionId"] = guid_text(rng)
        ctx["VisitorReturningStatus"] = "Returning" if random_() < 0.7 else "New"
        if not with_journey:
            ctx["CustomerJourneyId"] = ctx["MessageId"] = self.null
        site = data.website_of_address.get(address)
        if site is None:
            site, addresses = data.websites[0]
        else:
            addresses = next(a for wid, a in data.websites if wid == site)
        ctx["WebsiteId"] = site
        for i in range(pages):
            page = data.page_by_address.get(address)
            ctx["PageAddress"] = address
            ctx["PageId"] = page[0] if page else self.null
            ctx["ReferrerUri"] = referrer
            duration = self._delay(3.5, 1.0, 1800)
            ctx["VisitDuration"] = str(duration)
            self.emit("WebsiteVisited", t, ctx)
            if random_() < 0.25:
                target = addresses[int(random_() * len(addresses))]
                ctx["Link"] = target
                ctx["LinkFriendlyName"] = target.rsplit("/", 1)[-1].replace("-", " ").capitalize() or "Home"
                self.emit("WebsiteClicked", t + int(duration * random_()), ctx)
            if i > 0 or random_() < 0.5:
                ctx["SearchPhrase"] = ctx["SearchEngineName"] = self.null
            if page and page[1] and random_() < 0.3:
                self._form(t + 5, ctx, page[0], page[1], referrer=address)
                return
            referrer = address
            address = addresses[int(random_() * len(addresses))]
            t += duration

    def _form(self, t: int, ctx: dict, page: str | None, form: str, referrer: str | None):
        data, rng = self.data, self.rng
        ctx["FormId"], ctx["PageId"], ctx["ReferrerUri"] = form, self.null if page is None else page, referrer
        self.emit("FormVisited", t, ctx)
        if rng.random() >= data.form_submit_rate[form]:
            return
        t += self._delay(4.5, 0.8, 3600)
        ctx["FormSubmissionId"] = guid_text(rng)
        self.emit("FormSubmitted", t, ctx)
        if form == data.form_ids["Newsletter Signup"] or (form == data.form_ids["Preference Center"]
                                                           and rng.random() < 0.5):
            ctx["SegmentId"] = data.segment_ids["Monthly Newsletter"]
            self.emit("SegmentSubscribed", t + 1, ctx)
        elif rng.random() < 0.5:
            ctx["BoostValue"] = self.number(rng.choice(BOOST_VALUES))
            self.emit("LeadScoreBoost", t + 2, ctx)

    def _search(self, ctx: dict) -> str | None:
        rng = self.rng
        referrer, engine, _ = rng.choices(REFERRERS, cum_weights=self.referrer_cum)[0]
        ctx["SearchEngineName"] = engine or self.null
        ctx["SearchPhrase"] = rng.choice(SEARCH_PHRASES) if engine and rng.random() < 0.2 else self.null
        return referrer or self.null

    def web(self, d: int, t: int):
        data, rng = self.data, self.rng
        c = self._contact(data.active_cum)
        ctx = self._ctx(c, web=True)
        referrer = self._search(ctx)
        site, addresses = data.websites[bisect.bisect(data.website_cum, rng.random() * data.website_cum[-1])]
        address = addresses[0] if rng.random() < 0.4 else rng.choice(addresses)
        self._visit(t, ctx, address, referrer, pages=min(8, 1 + int(rng.expovariate(0.6))), with_journey=False)

    def form(self, d: int, t: int):
        data, rng = self.data, self.rng
        c = self._contact(data.active_cum)
        ctx = self._ctx(c, web=True)
        referrer = self._search(ctx)
        if rng.random() < 0.3:
            journey, message, activity = self._pick_send(d)
            self._journey_fields(ctx, journey, message, activity)
        page, form = rng.choice(data.form_pages)
        self._form(t, ctx, page, form, referrer)

    def redirect(self, d: int, t: int):
        data, rng = self.data, self.rng
        c = self._contact(data.active_cum)
        ctx = self._ctx(c, web=True)
        link_id, short, target = rng.choice(data.redirects)
        ctx["LinkId"], ctx["Link"], ctx["OriginalUrl"] = link_id, short, target
        if rng.random() < 0.3:
            journey, message, activity = self._pick_send(d)
            self._journey_fields(ctx, journey, message, activity)
        self.emit("RedirectLinkClicked", t, ctx)
        if rng.random() < 0.8:
            self._visit(t + 1, ctx, target, referrer=short, pages=1 + int(rng.expovariate(0.8)), with_journey=True)

    def event(self, d: int, t: int):
        data, rng = self.data, self.rng
        events, cum = data.day_events[d]
        if not events:
            return self.web(d, t)
        e = events[bisect.bisect(cum, rng.random() * cum[-1])]
        c = self._contact(data.active_cum)
        ctx = self._ctx(c, web=False)
        ctx["EventId"] = e.id
        promoted = e.journey is not None and rng.random() < 0.7
        ctx["CustomerJourneyId"] = data.journeys[e.journey].id if promoted else self.null
        ctx["EventRegistrationId"] = guid_text(rng)
        self.emit("EventRegistration", t, ctx)
        event_start = e.day * _DAY + e.hour * 3600
        r = rng.random()
        if r < 0.1:
            self.emit("EventRegistrationCanceled", t + int(rng.random() * max(60, event_start - t)), ctx)
        elif r < 0.1 + 0.9 * 0.6:  # ~60% of all registrations check in
            ctx["EventCheckInId"] = guid_text(rng)
            check_in = event_start - 900 + int(rng.random() * 1800)
            self.emit("EventCheckIn", check_in, ctx)
            if rng.random() < 0.25:
                ctx["SurveyId"] = data.survey_ids[2 if e.weight > 1 else 3]
                ctx["Score"] = self.number(bisect.bisect(self.score_cum, rng.random() * self.score_cum[-1]))
                self.emit("SurveyResponse", check_in + _DAY + int(rng.random() * 2 * _DAY), ctx)

    def survey(self, d: int, t: int):
        data, rng = self.data, self.rng
        c = self._contact(data.active_cum)
        ctx = self._ctx(c, web=False)
        ctx["SurveyId"] = rng.choice(data.survey_ids)
        ctx["Score"] = self.number(bisect.bisect(self.score_cum, rng.random() * self.score_cum[-1]))
        if rng.random() < 0.4:
            ctx["CustomerJourneyId"] = data.journeys[self._pick_send(d)[0]].id
        self.emit("SurveyResponse", t, ctx)

    def subscription(self, d: int, t: int):
        data, rng = self.data, self.rng
        c = self._contact(data.active_cum)
        ctx = self._ctx(c, web=True)
        journey, message, activity = self._pick_send(d)
        ctx["CustomerJourneyId"] = data.journeys[journey].id
        ctx["MessageId"] = data.messages[message][0]
        ctx["SendingId"] = f"{data.messages[message][0][:24]}{max(0, d - 1):08x}"
        ctx["UsageType"] = "Commercial"
        self.emit("EmailSubscriptionSubmit", t, ctx)
        for _ in range(1 + (rng.random() < 0.3)):
            ctx["SegmentId"] = data.segment_ids[rng.choice(SEGMENTS)]
            self.emit("SegmentSubscribed" if rng.random() < 0.45 else "SegmentUnsubscribed", t + 1, ctx)

    def boost(self, d: int, t: int):
        data, rng = self.data, self.rng
        c = self._contact(data.active_cum)
        ctx = self._ctx(c, web=False)
        journey, message, activity = self._pick_send(d)
        self._journey_fields(ctx, journey, None, activity)
        ctx["BoostValue"] = self.number(rng.choice(BOOST_VALUES))
        self.emit("LeadScoreBoost", t, ctx)


# ---------------------------------------------------------------------------------------------------------
# Writing


@dataclass
class SeedResult:
    contacts: int = 0
    records: int = 0
    inserted: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def interactions(self) -> int:
        return sum(self.inserted.values())


def existing_data(using: str = "default") -> int:
    """How many contacts and records the database already holds."""
    from .models import RECORD_MODELS, Contact

    return Contact.objects.using(using).count() + sum(m.objects.using(using).count() for m in RECORD_MODELS.values())


class _Writer:
    def __init__(self, cursor, batch_rows: int):
        self.cursor = cursor
        self.batch_rows = batch_rows

    def write(self, table: str, columns: list[str], rows: list) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class _CopyWriter(_Writer):
    """PostgreSQL: COPY in text format, sent by a second thread while the main thread generates.

    Our values never contain tabs, newlines or backslashes, so they need no escaping.
    """

    def __init__(self, cursor, batch_rows: int):
        super().__init__(cursor, batch_rows)
        self.connection = cursor.cursor.connection  # psycopg's, usable from another thread
        self.queue: queue.Queue = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="seed-demo-copy", daemon=True)
        self.thread.start()

    def _run(self):
        with self.connection.cursor() as cursor:
            while (item := self.queue.get()) is not None:
                if self.error is not None:
                    continue  # drain, so that the producer never blocks
                sql, text = item
                try:
                    with cursor.copy(sql) as copy:
                        copy.write(text)
                except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                    self.error = exc

    def write(self, table: str, columns: list[str], rows: list) -> None:
        self.write_lines(table, columns, ["\t".join(["\\N" if v is None else str(v) for v in row]) for row in rows])

    def write_lines(self, table: str, columns: list[str], lines: list[str]) -> None:
        if self.error is not None:
            self.close()
        self.queue.put((f"COPY {table} ({', '.join(columns)}) FROM STDIN", "\n".join(lines) + "\n"))

    def close(self) -> None:
        """Wait until everything queued is written; raise what went wrong, if anything."""
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()
        if self.error is not None:
            raise self.error


class _InsertWriter(_Writer):
    def write(self, table: str, columns: list[str], rows: list) -> None:
        marks = ", ".join(["%s"] * len(columns))
        self.cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def _chunks(items, size: int):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _suspend_indexes(cursor, tables: list[str]) -> list[str]:
    """Drop the tables' indexes and constraints for a bulk load (PostgreSQL); returns the SQL that restores them.

    Building an index once over loaded rows, and checking the contact foreign keys in one join, is many times
    faster than maintaining them row by row. It all happens inside the seeding transaction, so a failure
    rolls the drops back too. Only used on empty tables (seed_demo refuses a database with data).
    """
    cursor.execute(
        "SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('p', 'u', 'f') ORDER BY c.contype DESC, c.conname",
        [tables],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
        [tables],
    )
    indexes = cursor.fetchall()
    # Drop foreign keys first; restore primary and unique keys first, then indexes, then foreign keys.
    for table, name, _kind, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    restore = [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
               for table, name, kind, definition in constraints if kind != "f"]
    restore += [definition for _name, definition in indexes]
    restore += [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
                for table, name, kind, definition in constraints if kind == "f"]
    return restore


def write_demo(data: DemoData, *, using: str = "default", progress: Callable[[int], None] | None = None,
               batch_rows: int | None = None) -> SeedResult:
    """Store the data set in one transaction; progress(n) is called with the number of rows just written."""
    from .models import INTERACTION_MODELS, RECORD_MODELS, Contact

    started = time.perf_counter()
    connection = connections[using]
    result = SeedResult()
    postgres = connection.vendor == "postgresql"
    batch = batch_rows or (20_000 if postgres else 5_000)
    tables = {t.name: (INTERACTION_MODELS[t.name]._meta.db_table, [f.column for f in t.all_fields])
              for t in INTERACTION_TYPES}
    with transaction.atomic(using=using), connection.cursor() as cursor:
        restore: list[str] = []
        if postgres:
            cursor.execute("SET LOCAL TIME ZONE 'UTC'")  # the timestamps are UTC wall-clock text
            restore = _suspend_indexes(cursor, [table for table, _ in tables.values()])
        writer = (_CopyWriter if postgres else _InsertWriter)(cursor, batch)
        write_rows = writer.write_lines if postgres else writer.write
        buffers: dict[str, list] = {name: [] for name in tables}
        inserted = dict.fromkeys(buffers, 0)

        def flush(type_name: str):
            rows = buffers[type_name]
            if rows:
                write_rows(*tables[type_name], rows)
                inserted[type_name] += len(rows)
                if progress is not None:
                    progress(len(rows))
                buffers[type_name] = []

        try:
            for name, rows in data.records().items():
                for chunk in _chunks(rows, batch):
                    writer.write(RECORD_MODELS[name]._meta.db_table, ["id", "name"], chunk)
                    result.records += len(chunk)
            for chunk in _chunks(data.contacts(), batch):
                writer.write(Contact._meta.db_table, ["contact_id", "full_name", "email", "created"], chunk)
                result.contacts += len(chunk)
            for type_name, row in data.interactions(text=postgres):
                buf = buffers[type_name]
                buf.append(row)
                if len(buf) >= batch:
                    flush(type_name)
            for type_name in tables:
                flush(type_name)
        finally:
            writer.close()  # waits for the rows still queued; raises a failed COPY's error
        if restore:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for statement in restore:
                cursor.execute(statement)
        result.inserted = {k: v for k, v in inserted.items() if v}
    result.seconds = time.perf_counter() - started
    return result
