"""The deterministic demo data set: its calendar, its marketing records (journeys and their emails, events,
pages, forms, websites, ...) and its contacts with their tracking profiles; the interactions come from
`stream`. The package docstring describes the whole data set."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache

from django.utils import timezone

from ..catalog import RECORD_TYPES
from .draws import DAY, cumulative, guid_hex, guid_text
from .stream import Stream
from .vocabulary import (
    BROWSERS,
    CAMPAIGNS,
    COMPANY_DOMAINS,
    CONFERENCES,
    COUNTRIES,
    EMAIL_LINKS,
    EVERGREEN,
    FIRST_NAMES,
    FORMS,
    LAST_NAMES,
    OPERATING_SYSTEMS,
    PAGES,
    PERSONAL_DOMAINS,
    REDIRECT_LINKS,
    SEGMENTS,
    SURVEYS,
    WEBINAR_TOPICS,
    WEBSITES,
)

DEFAULT_CONTACTS = 2_000
DEFAULT_INTERACTIONS = 60_000
DEFAULT_SEED = 1
WINDOW_DAYS = 730


def default_anchor() -> datetime:
    """Now, truncated to the hour (UTC)."""
    return timezone.now().astimezone(UTC).replace(minute=0, second=0, microsecond=0)


@cache
def _clock() -> tuple[str, ...]:
    return tuple(f" {h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60))


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in ascii_text.lower() if c.isalnum())



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
        self.hi = self.lo + WINDOW_DAYS * DAY
        self.day_count = (self.hi - 1) // DAY + 1
        self._day_text = [(self.origin + timedelta(days=d)).strftime("%Y-%m-%d") for d in range(self.day_count + 1)]
        rng = random.Random(seed)
        self._build_records(rng)
        self._build_contacts(rng)

    # -- helpers

    def timestamp(self, second: int) -> str:
        """'YYYY-MM-DD HH:MM:SS' (UTC) of a second counted from the origin."""
        return self._day_text[second // DAY] + _clock()[second % DAY]

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
        self.website_cum = cumulative(w for _, w, _, _ in WEBSITES)
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
            self.day_sends.append((sends, cumulative(weights)))
            events = [e for e in self.events if d < e.day <= d + 35]
            self.day_events.append((events, cumulative(e.weight for e in events)))
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
        personal_cum = cumulative(w for _, w in PERSONAL_DOMAINS)
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
            # Known before the window opens: within the six years before it, more of them recently (a growing
            # database). The draw is the same as ever, so the interaction stream does not change with the spread.
            self.contact_created.append(self.lo - int(6 * 365 * DAY * (rng.randrange(1, 365 * DAY) / (365 * DAY))**1.5))
            weights.append(rng.lognormvariate(0.0, 1.5))
        # Emails go to lists, so sends are less skewed than what contacts do themselves; engaged contacts
        # open and click more often.
        send_weights = [w**0.5 for w in weights]
        self.active_cum = cumulative(weights)
        self.send_cum = cumulative(send_weights)
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
        return Stream(self, text).rows()


_PROFILES = 4096


def _make_profiles(rng: random.Random) -> list[dict]:
    """Locations and devices with gaps, as tracking delivers them (no geo lookup, no version, ...)."""
    country_cum = cumulative(w for _, w, _ in COUNTRIES)
    browser_cum = cumulative(w for _, w, _ in BROWSERS)
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
