"""The profile half of a demo data set: accounts (the contacts' companies) and what contacts are: names, job
titles, addresses, birthdates, gender, preferred contact method, consent flags, company (shared spec profiles.md).

What it looks like:
- about 4·√contacts accounts (a few thousand at a million contacts), in the industries of Dataverse's
  industrycode list; their numberofemployees is lognormal (median ~40, a few percent above 500, a few
  above 10,000) and revenue follows the size; they sit in the same cities as contacts;
- about 85% of contacts work for an account, bigger accounts having more contacts, and most of them live
  in their account's city;
- cities follow PLACES' weights: a few big cities (London, New York, Oslo, ...) hold most contacts, then a
  long tail; some contacts have no address or only a country, postal codes and states are often missing;
- about one contact in seven has a decision maker's title (chief, VP, director, head of), some have none;
- about 7% do not allow bulk email and 2.5% no email at all (those also no bulk email); the rest allow both.

It draws from random.Random instances of its own, seeded from the data set's seed, so adding or changing
profile attributes never changes the interaction stream, and the same seed and anchor give the same rows.
Rows are in the loader's storage-neutral form (see the package docstring); booleans are Python bools.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterator
from datetime import date, timedelta

from .draws import DAY, cumulative, guid_hex
from .vocabulary import (
    COMPANY_NOUNS,
    COMPANY_WORDS,
    INDUSTRY_WEIGHTS,
    JOB_TITLES,
    LEGAL_FORMS,
    PHONE_PATTERNS,
    PLACES,
    PREFERRED_CONTACT_WEIGHTS,
)

ACCOUNT_COLUMNS = ("accountid", "name", "industrycode", "numberofemployees", "revenue", "address1_city",
                   "address1_country", "createdon")
CONTACT_COLUMNS = ("contact_id", "fullname", "emailaddress1", "createdon", "firstname", "lastname", "jobtitle",
                   "telephone1", "address1_city", "address1_stateorprovince", "address1_postalcode",
                   "address1_country", "birthdate", "gendercode", "preferredcontactmethodcode", "donotbulkemail",
                   "donotemail", "parentcustomerid")
_WITH_ACCOUNT = 0.85
_HOME_CITY = 0.7  # of contacts with an account: the share living in its city


def account_count(contacts: int) -> int:
    """How many accounts a data set of `contacts` contacts has: 4·√contacts (179 for 2,000, 4,000 for 1M)."""
    return round(4 * contacts**0.5)


def _filler(pattern: str):
    """A function of a random number in [0, 1) that fills the pattern's '#'s with digits."""
    width, template = pattern.count("#"), pattern.replace("%", "%%").replace("#", "%s")
    if not width:
        return lambda r: pattern
    scale = 10**width
    return lambda r: template % tuple(f"{int(r * scale):0{width}d}")


class DemoProfiles:
    """The accounts and contact rows of one DemoData; iterating again gives the same rows."""

    def __init__(self, data):  # a DemoData; not annotated: generator does not know this module
        self.data = data
        self.place_cum = cumulative(w for *_, w in PLACES)
        self.postal = {pattern: _filler(pattern) for _, _, pattern, _, _ in PLACES}
        self.phone = {country: _filler(pattern) for country, pattern in PHONE_PATTERNS.items()}
        self.title_cum = cumulative(w for _, w in JOB_TITLES)
        self.method_cum = cumulative(w for _, w in PREFERRED_CONTACT_WEIGHTS)
        self._build_accounts(random.Random(data.seed * 1_000_003 + 29))

    def _place(self, rng: random.Random) -> tuple:
        return PLACES[bisect.bisect(self.place_cum, rng.random() * self.place_cum[-1])]

    def _build_accounts(self, rng: random.Random):
        data = self.data
        industries = list(INDUSTRY_WEIGHTS)
        industry_cum = cumulative(INDUSTRY_WEIGHTS.values())
        self.account_rows: list[tuple] = []
        self.account_places: list[tuple] = []
        weights = []
        names: set[str] = set()
        for _ in range(account_count(data.contact_count)):
            place = self._place(rng)
            city, _, _, country, _ = place
            employees = min(250_000, int(rng.lognormvariate(3.7, 1.6)) + 1)
            # Revenue follows size: ~150,000 per employee, varying by business; some accounts leave it empty.
            revenue = None if rng.random() < 0.15 else round(employees * rng.lognormvariate(11.9, 0.6), -3)
            base = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_NOUNS)}"
            name = f"{base} {rng.choice(LEGAL_FORMS[country])}"
            if name in names:
                name = f"{base} {city} {rng.choice(LEGAL_FORMS[country])}"
            suffix = 2
            while name in names:
                name, suffix = f"{base} {suffix} {LEGAL_FORMS[country][0]}", suffix + 1
            names.add(name)
            # Accounts are older than most contacts: created up to eight years before the window opens.
            created = data.origin + timedelta(seconds=data.lo - rng.randrange(1, 8 * 365 * DAY))
            self.account_rows.append((guid_hex(rng), name,
                                      industries[bisect.bisect(industry_cum, rng.random() * industry_cum[-1])],
                                      employees, None if revenue is None else int(revenue), city, country,
                                      created.strftime("%Y-%m-%d %H:%M:%S")))
            self.account_places.append(place)
            weights.append(employees**0.5)  # bigger companies have more contacts, though not proportionally
        self.account_cum = cumulative(weights)

    def accounts(self) -> Iterator[tuple]:
        """Account rows in ACCOUNT_COLUMNS' order."""
        return iter(self.account_rows)

    def contacts(self) -> Iterator[tuple]:
        """Contact rows in CONTACT_COLUMNS' order: the generator's contacts with their profile attributes."""
        rng = random.Random(self.data.seed * 1_000_003 + 31)
        random_ = rng.random
        accounts, account_cum, account_places = self.account_rows, self.account_cum, self.account_places
        account_total = account_cum[-1] if account_cum else 0.0
        titles, title_cum = JOB_TITLES, self.title_cum
        methods, method_cum = PREFERRED_CONTACT_WEIGHTS, self.method_cum
        postals, phones = self.postal, self.phone
        today = self.data.anchor.date().toordinal()
        for contact_id, fullname, email, created in self.data.contacts():
            first, _, last = fullname.partition(" ")
            account = place = None
            if accounts and random_() < _WITH_ACCOUNT:
                a = bisect.bisect(account_cum, random_() * account_total)
                account = accounts[a][0]
                if random_() < _HOME_CITY:
                    place = account_places[a]
            r = random_()
            if place is None and r >= 0.08:  # 8% have no address at all
                place = self._place(rng)
            city = state = postal = country = phone = None
            if place is not None:
                city, state, pattern, country, _ = place
                if random_() < 0.05:  # a country only
                    city = state = None
                elif random_() < 0.25:
                    state = None
                postal = postals[pattern](random_()) if city is not None and random_() < 0.8 else None
                phone = phones[country](random_()) if random_() < 0.55 else None
            title = titles[bisect.bisect(title_cum, random_() * title_cum[-1])][0] if random_() < 0.88 else None
            birthdate = None
            if random_() < 0.7:
                age = min(75.0, max(18.0, rng.gauss(41, 11)))
                birthdate = date.fromordinal(today - int(age * 365.25) - int(random_() * 365)).isoformat()
            g = random_()
            gender = 1 if g < 0.42 else 2 if g < 0.84 else None
            method = methods[bisect.bisect(method_cum, random_() * method_cum[-1])][0] if random_() < 0.97 else None
            no_email = random_() < 0.025
            no_bulk = no_email or random_() < 0.07
            yield (contact_id, fullname, email, created, first, last, title, phone, city, state, postal, country,
                   birthdate, gender, method, no_bulk, no_email, account)
